"""Hostile files: what `cashdesk` does with a file that is not a healthy, writable, local ledger.

Random bytes, a real ledger cut in half, a plain SQLite file, a ledger from a future format and a
missing file each get one clear line, a non-zero exit and no traceback, through this checkout's
real `cashdesk`, and are left exactly as they were (a read-only file or folder: test_read_only.py);
a full disk (`PRAGMA max_page_count` on a real ledger) refuses the write with
a clear line, leaves nothing half-written and acknowledges nothing; a hot WAL left behind by a
killed writer is recovered on the next open; and no connection the store opens ever runs with
less than `synchronous=FULL`. Each case carries its control: the same act succeeding once the
fault is taken away.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import ledger.store.sqlite as store_sqlite
import pytest
from console import cli
from ledger import audit
from ledger.book import Ledger
from ledger.refusals import Outcome
from ledger.store import DiskFull, open_store, schema

from reliability_support import (
    ALICE,
    HERE,
    RECEIPT,
    LineReader,
    cashdesk,
    cheap_book,
    copy_ledger,
    entry_ids,
    head,
    healthy_ledger,
    integrity,
    one_clear_line,
    raw,
)

@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    return healthy_ledger(tmp_path_factory.mktemp("healthy") / "ledger.db")


def hostile(kind: str, healthy: Path, folder: Path) -> Path:
    path = folder / "ledger.db"
    if kind == "random-bytes":
        path.write_bytes(os.urandom(64 * 1024))
    elif kind == "cut-in-half":
        data = healthy.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "plain-sqlite":
        conn = raw(path)
        conn.execute("CREATE TABLE entries (seq INTEGER PRIMARY KEY, body TEXT)")
        conn.close()
    elif kind == "future-format":
        shutil.copy(healthy, path)
        conn = raw(path)
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
        conn.close()
    return path


KINDS = {"random-bytes": (4, "damaged or not a database"), "cut-in-half": (4, "damaged or not a database"),
         "plain-sqlite": (4, "not a cashdesk ledger"), "future-format": (4, "newer cashdesk"),
         "missing": (2, "no ledger at")}


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_file_gets_one_clear_line_and_is_left_alone(healthy, tmp_path, kind):
    code, words = KINDS[kind]
    path = hostile(kind, healthy, tmp_path)
    before = path.read_bytes() if path.exists() else None
    copy = tmp_path / "copy.db"
    for args, stdin in ((("head",), ""), (("verify", "--json"), ""), (RECEIPT, ALICE), (("rebuild",), ""),
                        (("backup", str(copy)), "")):
        result = cashdesk(path, *args, stdin=stdin)
        line = one_clear_line(result)
        assert result.returncode == code and words in line and str(path) in line, (args, line)
        assert result.stdout == "", "nothing may be acknowledged"
    assert (path.read_bytes() if path.exists() else None) == before
    assert not copy.exists()


def test_control_the_healthy_ledger_the_hostile_ones_came_from_works(healthy, tmp_path):
    path = copy_ledger(healthy, tmp_path / "ledger.db")
    assert cashdesk(path, "verify").returncode == 0
    assert cashdesk(path, *RECEIPT, stdin=ALICE).returncode == 0


# -- a full disk ----------------------------------------------------------------------------------
@pytest.fixture
def full_disk(monkeypatch):
    """Every connection the store opens may not grow the file: the disk is full from the next page on."""
    connect = store_sqlite._connect

    def capped(path, *how):
        conn = connect(path, *how)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(store_sqlite, "_connect", capped)


def _fill(ledger, alice, tries: int = 400, expect=DiskFull) -> str:
    """Post until the disk is full; return the entry_id of the receipt the full disk refused."""
    for n in range(tries):
        entry_id = f"fill-{n}"
        try:
            ledger.record_receipt(alice, amount_pence=1, method="cash", code="INC1", payer="P" * 80,
                                  description="D" * 200, entry_id=entry_id)
        except expect as full:
            if not isinstance(full, DiskFull):
                return entry_id  # only filling the disk here; the clean refusal is another test's matter
            assert "full" in str(full) and "nothing was written" in str(full)
            return entry_id
    pytest.fail(f"the disk never filled in {tries} receipts")


def test_a_full_disk_refuses_the_write_cleanly_and_the_retry_appends_once(healthy, tmp_path, full_disk, monkeypatch):
    path = copy_ledger(healthy, tmp_path / "ledger.db")
    with Ledger.open(path, terminal="test:full") as ledger:
        alice = ledger.authenticate("alice", "111111")
        refused_id = _fill(ledger, alice)
        tip = head(path)
        with pytest.raises(DiskFull):  # still full, same connection: nothing left open or half-done
            ledger.record_receipt(alice, amount_pence=1, method="cash", code="INC1", payer="P" * 80,
                                  description="D" * 200, entry_id=refused_id)
    assert head(path) == tip and refused_id not in entry_ids(path, refused_id)
    assert integrity(path) == ["ok"]
    monkeypatch.undo()  # space is freed
    with Ledger.open(path, terminal="test:full") as ledger:
        assert audit.verify(ledger.store).ok
        posted = ledger.record_receipt(alice, amount_pence=1, method="cash", code="INC1", payer="P" * 80,
                                       description="D" * 200, entry_id=refused_id)
    assert posted.outcome is Outcome.APPENDED and posted.seq == tip[0] + 1


def test_a_full_disk_through_the_cli_is_one_line_with_no_acknowledgement(healthy, tmp_path, full_disk, monkeypatch,
                                                                          capsys):
    path = copy_ledger(healthy, tmp_path / "ledger.db")
    with Ledger.open(path, terminal="test:full") as ledger:
        _fill(ledger, ledger.authenticate("alice", "111111"), expect=(DiskFull, sqlite3.OperationalError))
    tip = head(path)
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO(ALICE))
    code = cli.main(["--db", str(path), "receipt", "--amount", "5", "--method", "cash", "--code", "INC1",
                     "--payer", "P" * 80, "--ref", "R" * 40, "--description", "D" * 200, "--as", "alice",
                     "--pin-stdin", "--json"])
    out, err = capsys.readouterr()
    assert code == 4, err
    assert out == "" and len(err.splitlines()) == 1 and "full" in err and "Traceback" not in err
    assert head(path) == tip and integrity(path) == ["ok"]


# -- a hot WAL left behind -------------------------------------------------------------------------
def test_a_hot_wal_left_by_a_killed_writer_is_recovered_on_the_next_open(healthy, tmp_path):
    path = copy_ledger(healthy, tmp_path / "ledger.db")
    worker = LineReader([sys.executable, str(HERE / "crash_worker.py"), str(path), "--prefix", "hot",
                         "--hold", "after-commit", "--hold-at", "4"])
    worker.wait_for(lambda line: line.startswith("HOLD "))
    assert worker.kill() == -9
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the killed writer should leave its WAL behind"
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(path, moved / "ledger.db")
    shutil.copy(wal, moved / "ledger.db-wal")  # no -shm: the index must be rebuilt from the WAL

    without_wal = tmp_path / "alone"
    without_wal.mkdir()
    shutil.copy(path, without_wal / "ledger.db")
    assert "hot-00004" not in entry_ids(without_wal / "ledger.db", "hot-"), "control: the entries live in the WAL"

    recovered = moved / "ledger.db"
    result = cashdesk(recovered, "verify", "--json")
    assert result.returncode == 0 and '"ok": true' in result.stdout, result.stderr
    assert sorted(entry_ids(recovered, "hot-")) == [f"hot-{n:05d}" for n in range(5)]
    assert integrity(recovered) == ["ok"]
    assert cashdesk(recovered, *RECEIPT, stdin=ALICE).returncode == 0
    assert cashdesk(recovered, "verify").returncode == 0


# -- synchronous=FULL, always ----------------------------------------------------------------------
@pytest.fixture
def watched(monkeypatch):
    """Every connection the store opens: its statements, and its PRAGMA synchronous when closed."""
    seen = {"statements": [], "at_close": []}
    connect, close = store_sqlite._connect, store_sqlite.SqliteStore.close

    def traced(path, *how):
        conn = connect(path, *how)
        conn.set_trace_callback(seen["statements"].append)
        return conn

    def noting(store):
        seen["at_close"].append((store.conn.execute("PRAGMA synchronous").fetchone()[0],
                                 store.conn.execute("PRAGMA journal_mode").fetchone()[0]))
        close(store)

    monkeypatch.setattr(store_sqlite, "_connect", traced)
    monkeypatch.setattr(store_sqlite.SqliteStore, "close", noting)
    return seen


def test_every_connection_the_store_opens_keeps_synchronous_full(tmp_path, watched):
    book = cheap_book(tmp_path / "ledger.db")
    ledger = book.ledger
    ledger.open_session(book.alice, 5000)
    ledger.record_receipt(book.alice, amount_pence=1250, method="cash", code="INC1", payer="J Smith")
    ledger.declare_count(book.alice, denominations={5000: 1, 1000: 1, 200: 1, 50: 1}, cheques_counted=0)
    ledger.sign_off(book.sam, officer="alice", business_date="2026-11-23")
    ledger.store.rebuild()
    ledger.store.backup(tmp_path / "copy.db")
    ledger.close()
    for target in (tmp_path / "ledger.db", tmp_path / "copy.db"):
        with open_store(target) as store:
            audit.verify(store)
    assert len(watched["at_close"]) == 3
    assert set(watched["at_close"]) == {(2, "wal")}, watched["at_close"]
    pragmas = [s for s in watched["statements"] if "synchronous" in s.lower() and "=" in s]
    assert pragmas and all(s.replace(" ", "").lower() == "pragmasynchronous=full" for s in pragmas), pragmas


def test_negative_control_a_connection_that_drops_synchronous_is_seen(tmp_path, watched):
    cheap_book(tmp_path / "ledger.db").ledger.close()
    with open_store(tmp_path / "ledger.db") as store:
        store.conn.execute("PRAGMA synchronous = NORMAL")
    assert watched["at_close"][-1] == (1, "wal")
