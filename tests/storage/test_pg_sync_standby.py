"""A write to a server whose synchronous standby is down waits at COMMIT (PostgreSQL's promise: acknowledged
means on the standby too). Ctrl-C then cancels the wait, which leaves the entry committed on the primary:
cashdesk must say it is recorded, never that nothing was kept (a repeated receipt would be posted twice).

On a cluster of its own: synchronous_standby_names is the whole server's setting."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

import pg_support
from ledger.book import Ledger

#: How long a person would wait for the write to reach its wait (not a timing test: it is there at once).
PATIENCE_S = 60.0
WAITING_FOR_STANDBY = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def primary(pg_cluster):
    """A private cluster with a ledger, then told every commit waits for a standby named `nobody`, never there."""
    private = pg_support.Cluster(pg_cluster.bin).start()
    try:
        private.psql("CREATE DATABASE office TEMPLATE template0")
        url = private.url("office")
        Ledger.create(url, office="Sync Office", admin="adam", pin="555555").close()
        private.psql("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
        private.psql("SELECT pg_reload_conf()")
        yield private, url
    finally:
        private.stop()


def test_ctrl_c_at_a_commit_waiting_for_the_standby_says_the_entry_is_recorded(primary, tmp_path):
    cluster, url = primary
    pins = tmp_path / "pins"
    pins.write_text("555555\n778899\n")
    with pins.open() as stdin:
        writer = subprocess.Popen(["cashdesk", "--db", url, "users", "add", "erin", "--roles", "officer", "--as",
                                   "adam", "--pin-stdin"], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
    deadline = time.monotonic() + PATIENCE_S
    while cluster.psql(WAITING_FOR_STANDBY) == [(0,)] and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cluster.psql(WAITING_FOR_STANDBY) == [(1,)], "the write never waited for the standby"
    assert writer.poll() is None  # control: it waits (for ever) until interrupted

    writer.send_signal(signal.SIGINT)
    out, err = writer.communicate(timeout=PATIENCE_S)

    recorded = cluster.psql("SELECT entry_id FROM entries WHERE kind = 'user_added' AND body LIKE '%erin%'", url)
    assert len(recorded) == 1, "Ctrl-C cancels the wait, not the commit: the entry is on the primary"
    assert writer.returncode == 4 and out == ""
    assert err.strip() == ("cashdesk: interrupted while the server was still confirming the commit (waiting for a "
                           f"synchronous standby?): entry {recorded[0][0]} is recorded on this server; "
                           "do not repeat it")
