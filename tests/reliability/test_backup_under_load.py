"""Backups under load: `cashdesk backup` while four terminals write, and the copy is a true prefix.

Four real processes (crash_worker.py with --stop: two posting for alice, two for bob) write
receipts without pause. Once each has had writes acknowledged, the real `cashdesk backup` (this
checkout's) runs twice; the writers are seen to go on writing after each backup returned, so every
backup ran while they wrote. Then: every copy passes `cashdesk verify` and `PRAGMA integrity_check`,
its chain is a prefix of the live one (so its head, seq and hash, is an entry of the live chain),
it holds every write acknowledged before the backup began, it is private (0640), and no writer saw
a busy error.

Negative control: a naive copy of the database file alone, taken while a writer's committed entries
still sit in its WAL, misses acknowledged writes, and the same check says so.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import sys
from pathlib import Path

from reliability_support import (
    HERE,
    LineReader,
    cashdesk,
    chain,
    entry_ids,
    integrity,
    raw,
)

WORKER = HERE / "crash_worker.py"
WRITERS = (("w0", "alice", "111111"), ("w1", "alice", "111111"), ("w2", "bob", "222222"), ("w3", "bob", "222222"))
AHEAD = 3
#: Terminals pause a little between writes, so four of them do not starve a 2-core CI runner.
PAUSE_MS = "5"


def acked(worker: LineReader) -> set[str]:
    return {line.split()[1] for line in worker.lines[:] if line.startswith("ACK ")}


def backup_problems(copy: Path, live: Path, acked_before: set[str]) -> list[str]:
    """What is wrong with a backup of `live` taken after `acked_before` were acknowledged."""
    problems = []
    try:
        copied, current = chain(copy), chain(live)
        present = set(entry_ids(copy, "w"))
    except sqlite3.Error as error:
        return [f"the copy is not a readable ledger: {error}"]
    if integrity(copy) != ["ok"]:
        problems.append("the copy fails integrity_check")
    result = cashdesk(copy, "verify", "--json")
    if result.returncode != 0 or not json.loads(result.stdout or "{}").get("ok"):
        problems.append(f"the copy does not verify: {result.stdout} {result.stderr}")
    if not copied or copied != current[: len(copied)]:
        problems.append("the copy's chain is not a prefix of the live chain: its head is not a live entry")
    missing = acked_before - present
    if missing:
        problems.append(f"{len(missing)} acknowledged writes are missing from the copy")
    return problems


def test_backups_taken_while_four_terminals_write_are_whole_and_true(book, tmp_path):
    for officer in ("alice", "bob"):
        book.ledger.set_setting(book.adam, "daily_limit_pence", 100_000_000, user=officer)
        book.ledger.open_session(book.actors[officer], 5000)
    live, stop = book.path, tmp_path / "stop"
    writers = [LineReader([sys.executable, str(WORKER), str(live), "--prefix", prefix, "--officer", officer,
                           "--pin", pin, "--stop", str(stop), "--max-writes", "100000", "--pause-ms", PAUSE_MS])
               for prefix, officer, pin in WRITERS]
    copies = []
    try:
        for n in range(2):
            for worker in writers:
                worker.wait_until_count("ACK", worker.count("ACK") + AHEAD)
            acked_before = set().union(*(acked(worker) for worker in writers))
            copy = tmp_path / f"copy-{n}.db"
            result = cashdesk(live, "backup", str(copy))
            assert result.returncode == 0 and "verified" in result.stdout, result.stderr
            for worker in writers:  # still writing after the backup returned: it ran under load
                worker.wait_until_count("ACK", worker.count("ACK") + AHEAD)
            copies.append((copy, acked_before))
    finally:
        stop.touch()
        codes = [worker.finish() for worker in writers]
    for worker, code in zip(writers, codes):
        err = worker.stderr()
        assert code == 0 and "DONE" in worker.lines and err == "", err
    for copy, acked_before in copies:
        assert backup_problems(copy, live, acked_before) == []
        assert chain(copy)[-1][0] < chain(live)[-1][0], "writes went on after the backup"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o640
    assert chain(copies[0][0])[-1][0] < chain(copies[1][0])[-1][0]
    print("heads: copies", [chain(copy)[-1][0] for copy, _ in copies], "live", chain(live)[-1][0])
    every_ack = set().union(*(acked(worker) for worker in writers))
    assert set(entry_ids(live, "w")) == every_ack


def test_negative_control_a_naive_file_copy_misses_writes_still_in_the_wal(book, tmp_path):
    book.ledger.open_session(book.alice, 5000)
    conn = raw(book.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # the file alone holds all but what follows
    conn.close()
    worker = LineReader([sys.executable, str(WORKER), str(book.path), "--prefix", "w9", "--hold", "after-commit",
                         "--hold-at", "5"])
    try:
        worker.wait_for(lambda line: line.startswith("HOLD "))
        acked_before = acked(worker)
        naive = tmp_path / "naive.db"
        shutil.copy(book.path, naive)
        proper = tmp_path / "proper.db"
        assert cashdesk(book.path, "backup", str(proper)).returncode == 0
    finally:
        worker.kill()
    assert len(acked_before) == 5
    assert backup_problems(proper, book.path, acked_before) == []
    assert "5 acknowledged writes are missing from the copy" in backup_problems(naive, book.path, acked_before)
