"""A ledger this user may read but not write: the commands that only read work; every write gets one line.

An auditor's copy, a read-only share, a folder owned by the clerks' group: `head`, `verify`,
`replay`, `export`, `report`, the lists and `backup` (to elsewhere) read it; a receipt, `rebuild`
or `init` gets one clear line and changes nothing. A read-only folder cannot hold SQLite's -shm,
so the file is read through a live writer's -shm when there is one, else opened immutable (no
locks: a write under it is noticed) unless a -wal holds entries, which an immutable reader would
silently miss: that case says so. The tests drop root's power to ignore file modes, so chmod bites
even in a root container.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import ledger.store.sqlite as store_sqlite
import pytest
from ledger.book import Ledger
from ledger.store import LedgerBusy, open_store

from reliability_support import (
    ALICE,
    HERE,
    RECEIPT,
    LineReader,
    cashdesk,
    copy_ledger,
    entry_ids,
    head,
    healthy_ledger,
    obey_file_permissions,
    one_clear_line,
)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    return healthy_ledger(tmp_path_factory.mktemp("healthy") / "ledger.db")


def test_a_read_only_ledger_file_reads_but_refuses_a_write_with_one_line(healthy, tmp_path):
    path = copy_ledger(healthy, tmp_path / "ledger.db")
    before = head(path)
    path.chmod(0o444)
    try:
        assert cashdesk(path, "head", preexec_fn=obey_file_permissions).stdout.strip() == "{}:{}".format(*before)
        result = cashdesk(path, *RECEIPT, stdin=ALICE, preexec_fn=obey_file_permissions)
        line = one_clear_line(result)
        assert result.returncode == 4 and "readonly" in line and str(path) in line
        assert result.stdout == "" and head(path) == before
    finally:
        path.chmod(0o640)
    control = cashdesk(path, *RECEIPT, stdin=ALICE, preexec_fn=obey_file_permissions)
    assert control.returncode == 0, control.stderr
    assert head(path)[0] == before[0] + 1


READS = {  # command -> what its output must hold
    "head": (("head",), "{seq}:"), "verify": (("verify", "--json"), '"entries": {seq}'),
    "replay": (("replay", "--json"), '"as_of_seq": {seq}'), "export": (("export", "--format", "jsonl"), '"seq": {seq}'),
    "report": (("report", "limits", "--all-dates", "--format", "json"), '"officer": "alice"'),
    "users-list": (("users", "list", "--json"), '"username": "alice"'),
}
WRITES = {"receipt": (RECEIPT, ALICE), "rebuild": (("rebuild",), ""),
          "codes-add": (("codes", "add", "RO1", "--name", "R", "--type", "income", "--as", "adam", "--pin-stdin"),
                        "555555\n")}


@pytest.fixture
def locked_folder(healthy, tmp_path):
    """A closed ledger in a folder this user may read but not write (restored after the test)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    path = copy_ledger(healthy, folder / "ledger.db")
    folder.chmod(0o555)
    yield path
    folder.chmod(0o755)


def test_a_read_only_folder_still_serves_every_command_that_only_reads(locked_folder, tmp_path):
    path, before = locked_folder, head(locked_folder)
    for name, (args, wanted) in READS.items():
        result = cashdesk(path, *args, preexec_fn=obey_file_permissions)
        assert result.returncode == 0 and result.stderr == "", (name, result.stderr)
        assert wanted.format(seq=before[0]) in result.stdout, (name, result.stdout[-300:])
    copy = tmp_path / "copy.db"
    backed_up = cashdesk(path, "backup", str(copy), preexec_fn=obey_file_permissions)
    assert backed_up.returncode == 0 and head(copy) == before, backed_up.stderr
    assert sorted(p.name for p in path.parent.iterdir()) == ["ledger.db"] and head(path) == before


def test_a_read_only_folder_refuses_every_write_with_one_line_and_creates_nothing(locked_folder, tmp_path):
    path, before = locked_folder, head(locked_folder)
    for name, (args, stdin) in WRITES.items():
        result = cashdesk(path, *args, stdin=stdin, preexec_fn=obey_file_permissions)
        line = one_clear_line(result)
        assert result.returncode == 4 and line.startswith(f"cashdesk: cannot write to {path} ("), (name, line)
        assert "may not write to the file, or to its folder" in line and result.stdout == ""
    fresh = path.parent / "new.db"
    result = cashdesk(fresh, "init", "--office", "X", "--admin", "adam", "--pin-stdin", stdin="555555\n",
                      preexec_fn=obey_file_permissions)
    assert result.returncode == 4 and "new.db" in one_clear_line(result)
    assert sorted(p.name for p in path.parent.iterdir()) == ["ledger.db"] and head(path) == before
    path.parent.chmod(0o755)  # control: the same write, once the folder may be written
    assert cashdesk(path, *RECEIPT, stdin=ALICE, preexec_fn=obey_file_permissions).returncode == 0
    assert head(path)[0] == before[0] + 1


def test_a_read_only_folder_reads_a_live_writers_entries_still_in_its_wal(healthy, tmp_path):
    folder = tmp_path / "live"
    folder.mkdir()
    path = copy_ledger(healthy, folder / "ledger.db")
    with Ledger.open(path, terminal="test:live") as writer:  # holds the -wal and -shm open, as a terminal does
        alice = writer.authenticate("alice", "111111")
        for n in range(3):
            writer.record_receipt(alice, amount_pence=100, method="cash", code="INC1", payer=f"Live {n}")
        assert Path(f"{path}-wal").stat().st_size > 0
        live = head(path)
        folder.chmod(0o555)
        try:
            result = cashdesk(path, "head", preexec_fn=obey_file_permissions)
            assert result.returncode == 0 and result.stdout.strip() == "{}:{}".format(*live), result.stderr
            immutable = raw_immutable(path)  # control: reading the file alone, as immutable would, misses them
            assert immutable[0] < live[0]
        finally:
            folder.chmod(0o755)


def raw_immutable(path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()


def test_a_read_only_folder_with_a_killed_writers_wal_says_so_and_touches_nothing(healthy, tmp_path):
    folder = tmp_path / "hot"
    folder.mkdir()
    path = copy_ledger(healthy, folder / "ledger.db")
    worker = LineReader([sys.executable, str(HERE / "crash_worker.py"), str(path), "--prefix", "hot",
                         "--hold", "after-commit", "--hold-at", "2"])
    worker.wait_for(lambda line: line.startswith("HOLD "))
    assert worker.kill() == -9
    Path(f"{path}-shm").unlink()  # as after a reboot: the index is gone, the WAL's entries are not
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    folder.chmod(0o555)
    try:
        result = cashdesk(path, "verify", preexec_fn=obey_file_permissions)
        line = one_clear_line(result)
        assert result.returncode == 4 and f"cannot read {path}" in line and "ledger.db-wal holds entries" in line
    finally:
        folder.chmod(0o755)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    control = cashdesk(path, "verify", "--json", preexec_fn=obey_file_permissions)
    assert control.returncode == 0 and '"ok": true' in control.stdout
    assert sorted(entry_ids(path, "hot-")) == ["hot-00000", "hot-00001", "hot-00002"]


def test_a_ledger_read_without_locks_notices_a_write_under_it(healthy, tmp_path, monkeypatch):
    """Where no -shm can be made the file is opened immutable (no locks): a write meanwhile is caught."""
    path = copy_ledger(healthy, tmp_path / "ledger.db")
    connect = store_sqlite._connect

    def folder_read_only(target, read_only=""):
        if "immutable" not in read_only:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return connect(target, read_only)

    monkeypatch.setattr(store_sqlite, "_connect", folder_read_only)
    with open_store(path, read_only=True) as store:
        assert store.immutable_stamp is not None
        with store.reading() as reader:
            assert reader.head() == head(path)
        with store.reading() as reader:  # control: nothing wrote, so a second read is as good as the first
            reader.head()
        monkeypatch.undo()  # another terminal, which may write, records a receipt and closes (a checkpoint)
        with Ledger.open(path, terminal="test:other") as other:
            other.record_receipt(other.authenticate("alice", "111111"), amount_pence=100, method="cash",
                                 code="INC1", payer="Meanwhile")
        with pytest.raises(LedgerBusy, match="written while it was read"), store.reading() as reader:
            reader.head()
