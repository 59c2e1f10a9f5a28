"""The PostgreSQL server going away under the store, for real: an immediate (crash-like) restart, a backend
terminated while idle or in the middle of a write, a commit whose answer was lost, and writers taking turns on
the chain head's row lock (a second writer waits; one kept waiting too long is refused). Each fault test names
its negative control."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from ledger import audit
from ledger.book import Ledger
from ledger.store import KeptStore, LedgerBusy, StoreError
from ledger.store import postgres
from ledger.store.pg_errors import ConnectionDropped, LedgerUnreachable
from ledger.store.writer import Writer

from book_support import PINS
from store_support import Raw, alive, backend_pid, dbname, dump_all, head, receipt, terminate

pytestmark = pytest.mark.postgresql

REPO_ROOT = Path(__file__).resolve().parents[2]


# -- the server going away -----------------------------------------------------------------------------------
def test_an_acknowledged_write_survives_an_immediate_restart(pg_cluster, pg_book):
    """Negative control: a write still inside its transaction when the server stops is gone, and the store says
    so (the connection dropped at COMMIT; asked again on a fresh connection: nothing was written)."""
    acknowledged = receipt(pg_book.ledger, pg_book.alice)
    with pytest.raises(ConnectionDropped, match="nothing was written; try again") as dropped:
        with pg_book.ledger.store.writing() as writer:
            writer.append(kind="test_pending", entry_id="pending-1", business_date="2026-11-23", actor="alice",
                          terminal="test:t2", recorded_at="2026-11-23T10:30:00.000000Z", body={})
            pg_cluster.restart("immediate")
    assert "\n" not in str(dropped.value)
    assert "not properly shut down" in (pg_cluster.folder / "server.log").read_text()  # a crash, not a clean stop
    with pg_book.ledger.store.reading() as reader:  # the same store, on a connection opened again
        assert reader.head() == (acknowledged.seq, acknowledged.entry.hash)
        assert reader.entry_by_id("pending-1") is None
    with Ledger.open(pg_book.path) as reopened:
        assert audit.verify(reopened.store).head == f"{acknowledged.seq}:{acknowledged.entry.hash}"


def test_a_kept_connection_whose_backend_was_terminated_is_opened_again_with_nothing_lost(pg_cluster, pg_book):
    """Negative control: the old backend is really gone, and the store's next call runs on a new one."""
    first = receipt(pg_book.ledger, pg_book.alice)
    old = backend_pid(pg_book.ledger.store)
    terminate(pg_cluster, old)
    assert not alive(pg_cluster, old)
    second = receipt(pg_book.ledger, pg_book.alice, pence=700)  # a write, first thing on the dead connection
    assert second.seq == first.seq + 1
    assert backend_pid(pg_book.ledger.store) != old
    terminate(pg_cluster, backend_pid(pg_book.ledger.store))
    with pg_book.ledger.store.reading() as reader:  # a read, first thing on the dead connection
        assert reader.head() == (second.seq, second.entry.hash)
        assert reader.entry_by_id(first.entry.entry_id).hash == first.entry.hash
    assert audit.verify(pg_book.ledger.store).ok


def test_a_kept_store_whose_backend_was_terminated_between_calls_serves_the_next_call(pg_cluster, pg_book):
    kept = KeptStore(pg_book.path)
    try:
        store = kept.borrow()
        old = backend_pid(store)
        kept.give_back(store)
        terminate(pg_cluster, old)
        store = kept.borrow()
        assert store is not None
        posted = receipt(Ledger(store, pg_book.clock, "test:console"), pg_book.alice)
        kept.give_back(store)
        assert backend_pid(store) != old  # control: it did run on a new backend
    finally:
        kept.close()
    assert head(pg_book.path) == (posted.seq, posted.entry.hash)


# -- a connection terminated in the middle of a write ---------------------------------------------------------
def _terminate_before_insert(pg_cluster):
    append = Writer.append

    def hooked(writer, **kwargs):
        terminate(pg_cluster, writer.conn.raw.info.backend_pid)
        return append(writer, **kwargs)

    return Writer, "append", hooked


def _terminate_before_commit(pg_cluster):
    commit = postgres.PgStore._commit

    def hooked(store, writer):
        assert writer.appended_ids, "the entry is appended, not yet committed"
        terminate(pg_cluster, backend_pid(store))
        return commit(store, writer)

    return postgres.PgStore, "_commit", hooked


@pytest.mark.parametrize("hook, said", [
    (_terminate_before_insert, "lost or could not open the connection"),
    (_terminate_before_commit, "dropped before the write was committed; nothing was written"),
], ids=["before-insert", "before-commit"])
def test_a_connection_terminated_mid_write_is_one_store_error_and_nothing_half_written(
        pg_cluster, pg_book, monkeypatch, hook, said):
    before, was = dump_all(pg_book.path), head(pg_book.path)
    monkeypatch.setattr(*hook(pg_cluster))
    with pytest.raises(StoreError) as refused:
        receipt(pg_book.ledger, pg_book.alice)
    assert isinstance(refused.value, LedgerUnreachable)
    assert said in str(refused.value) and "\n" not in str(refused.value)
    assert refused.value.__suppress_context__  # raised `from None`: no psycopg traceback behind it
    assert dump_all(pg_book.path) == before and head(pg_book.path) == was
    monkeypatch.undo()
    # Negative control: the same write, unhooked, on the same store, is recorded.
    posted = receipt(pg_book.ledger, pg_book.alice)
    assert head(pg_book.path) == (posted.seq, posted.entry.hash) and posted.seq == was[0] + 1


def test_a_commit_whose_answer_was_lost_is_looked_up_and_said_to_be_recorded(pg_cluster, pg_book, monkeypatch):
    """The server committed, then the connection went before the answer came: the store asks a fresh connection
    and says the entry is recorded (do not repeat it). Negative control: the before-commit case above, same
    lookup, says nothing was written."""
    execute = postgres.PgConnection.execute

    def commit_then_drop(conn, sql, params=()):
        result = execute(conn, sql, params)
        if sql == "COMMIT":
            terminate(pg_cluster, conn.raw.info.backend_pid)
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return result

    monkeypatch.setattr(postgres.PgConnection, "execute", commit_then_drop)
    with pytest.raises(ConnectionDropped, match="is recorded; do not repeat it") as dropped:
        receipt(pg_book.ledger, pg_book.alice, entry_id="till-1:0042")
    monkeypatch.undo()
    assert "till-1:0042" in str(dropped.value)
    with pg_book.ledger.store.reading() as reader:
        assert reader.entry_by_id("till-1:0042") is not None
    assert audit.verify(pg_book.ledger.store).ok


HOOKED_CLI = """
import sys, psycopg
from ledger.store.writer import Writer
admin, *argv = sys.argv[1:]
append = Writer.append
def hooked(writer, **kwargs):
    psycopg.connect(admin, autocommit=True).execute(
        "SELECT pg_terminate_backend(%s, 10000)", (writer.conn.raw.info.backend_pid,))
    return append(writer, **kwargs)
if argv[0] == "hooked":
    Writer.append = hooked
from console.cli import main
sys.exit(main(argv[1:]))
"""


@pytest.mark.parametrize("hooked", [True, False], ids=["terminated", "control"])
def test_the_command_line_says_one_line_when_its_connection_is_terminated_mid_write(pg_cluster, pg_book, hooked):
    """`cashdesk receipt` with its backend terminated between BEGIN and the INSERT: exit 4, one line, no
    traceback, no entry. The control, unhooked, posts the receipt."""
    pg_book.ledger.close()
    was = head(pg_book.path)
    args = ["--db", pg_book.path, "receipt", "--amount", "5", "--method", "cash", "--code", "INC1",
            "--payer", "J Smith", "--as", "alice", "--pin-stdin"]
    done = subprocess.run([sys.executable, "-c", HOOKED_CLI, pg_cluster.url("postgres"),
                           "hooked" if hooked else "plain", *args], input=PINS["alice"] + "\n", capture_output=True,
                          text=True, cwd=REPO_ROOT, timeout=120)
    if not hooked:
        assert done.returncode == 0, done.stderr
        assert head(pg_book.path)[0] == was[0] + 1
        return
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 4, done.stderr
    assert done.stderr.count("\n") == 1 and "lost or could not open the connection" in done.stderr
    assert head(pg_book.path) == was


def test_a_kept_store_given_back_after_its_connection_died_mid_write_is_lent_again(pg_cluster, pg_book, monkeypatch):
    """The console gives its kept store back after every call, a failed one too: a connection that died inside a
    write must not make that raise, and the next call must work."""
    kept = KeptStore(pg_book.path)
    try:
        store = kept.borrow()
        monkeypatch.setattr(*_terminate_before_insert(pg_cluster))
        with pytest.raises(LedgerUnreachable):
            receipt(Ledger(store, pg_book.clock, "test:console"), pg_book.alice)
        monkeypatch.undo()
        kept.give_back(store)
        store = kept.borrow()
        assert store is not None
        posted = receipt(Ledger(store, pg_book.clock, "test:console"), pg_book.alice)  # control: it writes again
        kept.give_back(store)
    finally:
        kept.close()
    assert head(pg_book.path) == (posted.seq, posted.entry.hash)




# -- writers taking turns on the chain head's row -----------------------------------------------------------------
def _wait_for_a_lock_wait(pg_cluster, url: str, patience_s: float = 60.0) -> None:
    """Until a backend of `url`'s database waits on a lock (the server says so; not a timing)."""
    import time

    deadline = time.monotonic() + patience_s
    query = (f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{dbname(url)}' AND wait_event_type = 'Lock'")
    while pg_cluster.psql(query) != [(1,)]:
        assert time.monotonic() < deadline, "the second writer never waited on the lock"
        time.sleep(0.02)


def test_a_second_writer_waits_on_the_head_row_then_extends_the_first_writers_entry(pg_cluster, pg_book, monkeypatch):
    """Negative control: a read while the first write holds the lock does not wait, and sees the old head."""
    import threading

    appended, release = threading.Event(), threading.Event()
    append = Writer.append

    def held_after_append(writer, **kwargs):  # the first writer keeps its transaction open after appending
        entry = append(writer, **kwargs)
        if threading.current_thread().name == "first":
            appended.set()
            assert release.wait(60)
        return entry

    monkeypatch.setattr(Writer, "append", held_after_append)
    was = head(pg_book.path)
    results: dict[str, object] = {}

    def post(name: str) -> None:
        with Ledger.open(pg_book.path, clock=pg_book.clock, terminal=f"test:{name}") as ledger:
            results[name] = receipt(ledger, pg_book.alice, pence=100)

    first = threading.Thread(target=post, args=("first",), name="first")
    second = threading.Thread(target=post, args=("second",), name="second")
    first.start()
    try:
        assert appended.wait(60)
        second.start()
        _wait_for_a_lock_wait(pg_cluster, pg_book.path)
        with pg_book.ledger.store.reading() as reader:
            assert reader.head() == was
        assert head(pg_book.path) == was  # neither has committed
    finally:
        release.set()
        first.join(60)
        if second.ident:
            second.join(60)
    one, two = results["first"], results["second"]
    assert (one.seq, two.seq) == (was[0] + 1, was[0] + 2)
    assert two.entry.prev_hash == one.entry.hash
    assert audit.verify(pg_book.ledger.store).ok


def test_a_writer_kept_waiting_past_the_lock_timeout_is_refused_busy_with_nothing_written(pg_book, monkeypatch):
    """Negative control: the same write, once the other terminal's transaction has ended, is recorded."""
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT", "200ms")
    was = head(pg_book.path)
    with Raw(pg_book.path) as other, Ledger.open(pg_book.path, clock=pg_book.clock, terminal="test:t2") as ledger:
        other.execute("BEGIN")
        other.execute("SELECT seq FROM chain_head WHERE id = 1 FOR UPDATE")  # another terminal, mid-write
        with pytest.raises(LedgerBusy, match="stayed busy with another terminal's write; nothing was written"):
            receipt(ledger, pg_book.alice)
        assert head(pg_book.path) == was
        other.execute("ROLLBACK")
        posted = receipt(ledger, pg_book.alice)
    assert head(pg_book.path) == (posted.seq, posted.entry.hash) == (was[0] + 1, posted.entry.hash)
