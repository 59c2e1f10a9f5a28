"""Crash mid-write: kill -9 a terminal at a random moment of a burst, and nothing acknowledged is lost.

A real OS process (crash_worker.py) posts receipts through the real write path and flushes a line
for every write it was told had succeeded (`ACK entry_id seq`). The test kills it with SIGKILL at a
random moment, then checks the file as the next terminal would find it: `PRAGMA integrity_check`
is ok, the chain verifies with gapless seqs, every acknowledged entry is there at the seq the
terminal was told, nothing is there that nobody tried, and the one write in flight, retried with
its entry_id, is either found (`already_recorded`) or appended once: never posted twice.

Two held rounds make both sides of that retry certain (killed inside the transaction; killed after
COMMIT but before the acknowledgement), and the negative controls show the check does catch a lost
acknowledged write: a terminal that acknowledges before it commits, and a copy whose acknowledged
tail row was deleted with the guard dropped (which the chain alone cannot see). Last, `cashdesk
simulate` itself is killed mid-history, and its projections must equal a rebuild from the entries.

The kill moments come from CRASH_SEED (printed with every round): set CASHDESK_CRASH_SEED to replay.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from book_support import TODAY
from ledger import audit
from ledger.book import Ledger
from ledger.refusals import Outcome
from ledger.service import Actor
from ledger.store import open_store, schema

from crash_worker import receipt_of
from reliability_support import (
    CASHDESK,
    HERE,
    LineReader,
    chain,
    cheap_book,
    copy_ledger,
    entry_ids,
    integrity,
    raw,
)

WORKER = HERE / "crash_worker.py"
ROUNDS = 22
CRASH_SEED = int(os.environ.get("CASHDESK_CRASH_SEED", "61123"))
KILL_AFTER_S = (0.0, 0.25)
ALICE = Actor("alice", frozenset({"officer"}))
SIMULATE_ROUNDS = 3


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """alice's session open, her own limit raised so a burst is never refused: every TRY is a write."""
    path = tmp_path_factory.mktemp("crash-template") / "ledger.db"
    book = cheap_book(path)
    try:
        book.ledger.set_setting(book.adam, "daily_limit_pence", 100_000_000, user="alice")
        book.ledger.open_session(book.alice, 5000)
    finally:
        book.ledger.close()
    return path


@dataclass
class Told:
    """What the killed terminal had been told, from the lines it flushed before it died."""

    prefix: str
    acked: dict[str, str] = field(default_factory=dict)
    tried: list[str] = field(default_factory=list)

    @classmethod
    def from_lines(cls, prefix: str, lines: list[str]) -> Told:
        told = cls(prefix)
        for line in lines:
            word, *rest = line.split()
            if word == "TRY":
                told.tried.append(rest[0])
            elif word == "ACK":
                told.acked[rest[0]] = rest[1]
        return told

    @property
    def in_flight(self) -> int | None:
        """The attempt number of the last TRY that got no ACK (the one the kill interrupted)."""
        if not self.tried or self.tried[-1] in self.acked:
            return None
        return int(self.tried[-1].rsplit("-", 1)[1])


def crash_problems(db: Path, told: Told) -> list[str]:
    """Everything wrong with the file after a crash, in words (empty when all is well)."""
    problems = []
    checked = integrity(db)
    if checked != ["ok"]:
        problems.append(f"integrity_check: {checked[:3]}")
    with open_store(db) as store:
        verdict = audit.verify(store)
    if not verdict.ok:
        problems.append(f"chain: seq {verdict.first_bad_seq}: {verdict.problem}")
    seqs = [seq for seq, _ in chain(db)]
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append("seqs are not gapless")
    present = entry_ids(db, told.prefix + "-")
    for entry_id, seq in told.acked.items():
        if entry_id not in present:
            problems.append(f"acknowledged {entry_id} is missing")
        elif seq != "?" and present[entry_id] != int(seq):
            problems.append(f"acknowledged {entry_id} at seq {seq} but stored at seq {present[entry_id]}")
    untried = set(present) - set(told.tried)
    if untried:
        problems.append(f"entries nobody tried: {sorted(untried)}")
    return problems


def receipts_with_reference(db: Path, reference: str) -> int:
    conn = raw(db)
    try:
        return conn.execute("SELECT count(*) FROM entries WHERE kind = 'receipt_recorded' "
                            "AND json_extract(body, '$.reference') = ?", (reference,)).fetchone()[0]
    finally:
        conn.close()


def retry(db: Path, prefix: str, attempt: int):
    """The terminal comes back and resubmits the in-flight request with its entry_id, twice."""
    with Ledger.open(db, terminal="crash:retry") as ledger:
        first = ledger.record_receipt(ALICE, **receipt_of(prefix, attempt))
        again = ledger.record_receipt(ALICE, **receipt_of(prefix, attempt))
    assert again.outcome is Outcome.ALREADY_RECORDED and again.seq == first.seq
    return first


def assert_projections_follow_entries(db: Path) -> None:
    """alice's limit used and the receipt register agree with the receipts in `entries`."""
    conn = raw(db)
    try:
        amounts = [row[0] for row in conn.execute(
            "SELECT json_extract(body, '$.amount_pence') FROM entries WHERE kind = 'receipt_recorded'")]
        registered = conn.execute("SELECT count(*) FROM receipts").fetchone()[0]
        used = conn.execute("SELECT coalesce(sum(limit_pence), 0) FROM counter_entries WHERE officer = 'alice' "
                            "AND business_date = ? AND reversed_by IS NULL", (TODAY,)).fetchone()[0]
    finally:
        conn.close()
    assert registered == len(amounts) and used == sum(amounts)


def start(db: Path, prefix: str, *extra: str) -> LineReader:
    worker = LineReader([sys.executable, str(WORKER), str(db), "--prefix", prefix, *extra])
    worker.wait_for(lambda line: line == "READY")
    return worker


# -- 22 rounds of kill -9 at a random moment -----------------------------------------------------
@pytest.mark.parametrize("round_no", range(ROUNDS), ids=lambda n: f"round-{n:02d}")
def test_kill_9_mid_burst_loses_nothing_acknowledged_and_never_double_posts(template, tmp_path, round_no):
    seed = CRASH_SEED * 100 + round_no
    delay_s = random.Random(seed).uniform(*KILL_AFTER_S)
    db = copy_ledger(template, tmp_path / "ledger.db")
    prefix = f"r{round_no:02d}"
    worker = start(db, prefix)
    worker.wait_for(lambda line: line.startswith("TRY "))
    time.sleep(delay_s)
    code = worker.kill()
    where = f"seed {seed} (CASHDESK_CRASH_SEED={CRASH_SEED}), killed {delay_s * 1000:.0f} ms into the burst"
    assert code == -9 and "DONE" not in worker.lines, f"the worker was not killed mid-burst: {where}"

    told = Told.from_lines(prefix, worker.lines)
    assert crash_problems(db, told) == [], where
    assert_projections_follow_entries(db)
    attempt, committed = told.in_flight, None
    if attempt is not None:
        entry_id = receipt_of(prefix, attempt)["entry_id"]
        committed = entry_id in entry_ids(db, entry_id)
        before = chain(db)
        posted = retry(db, prefix, attempt)
        assert posted.outcome is (Outcome.ALREADY_RECORDED if committed else Outcome.APPENDED), where
        assert len(chain(db)) == len(before) + (0 if committed else 1)
        assert receipts_with_reference(db, f"REF-{attempt}") == 1, f"double post: {where}"
    state = {None: "", True: " (committed, unacknowledged)", False: " (not committed)"}[committed]
    print(f"round {round_no}: {where}: {len(told.acked)} acknowledged, in flight {attempt}{state}")


# -- held rounds: both sides of the retry, for certain ----------------------------------------------
def test_killed_inside_the_transaction_the_write_is_gone_and_the_retry_appends_it_once(template, tmp_path):
    db = copy_ledger(template, tmp_path / "ledger.db")
    worker = start(db, "held", "--hold", "in-transaction", "--hold-at", "5")
    worker.wait_for(lambda line: line.startswith("HOLD "))
    assert worker.kill() == -9
    told = Told.from_lines("held", worker.lines)
    assert len(told.acked) == 5 and told.in_flight == 5
    assert crash_problems(db, told) == []
    assert "held-00005" not in entry_ids(db, "held-")
    assert retry(db, "held", 5).outcome is Outcome.APPENDED
    assert receipts_with_reference(db, "REF-5") == 1
    assert crash_problems(db, told) == []


def test_killed_after_commit_before_the_ack_the_retry_finds_the_original(template, tmp_path):
    db = copy_ledger(template, tmp_path / "ledger.db")
    worker = start(db, "held", "--hold", "after-commit", "--hold-at", "5")
    worker.wait_for(lambda line: line.startswith("HOLD "))
    assert worker.kill() == -9
    told = Told.from_lines("held", worker.lines)
    assert len(told.acked) == 5 and told.in_flight == 5
    assert crash_problems(db, told) == []
    stored_seq = entry_ids(db, "held-00005")["held-00005"]
    tip = chain(db)[-1]
    posted = retry(db, "held", 5)
    assert (posted.outcome, posted.seq) == (Outcome.ALREADY_RECORDED, stored_seq)
    assert chain(db)[-1] == tip and receipts_with_reference(db, "REF-5") == 1

    # Negative control: a terminal that forgets its entry_id and resubmits under a new one posts twice,
    # and the double-post check sees it.
    with Ledger.open(db, terminal="crash:forgetful") as ledger:
        ledger.record_receipt(ALICE, **{**receipt_of("held", 5), "entry_id": "forgot-the-id"})
    assert receipts_with_reference(db, "REF-5") == 2


# -- negative controls: the check catches a lost acknowledged write -----------------------------------
def test_negative_control_a_terminal_that_acks_before_committing_is_caught(template, tmp_path):
    db = copy_ledger(template, tmp_path / "ledger.db")
    worker = start(db, "early", "--ack-early", "--hold", "in-transaction", "--hold-at", "3")
    worker.wait_for(lambda line: line.startswith("HOLD "))
    assert worker.kill() == -9
    told = Told.from_lines("early", worker.lines)
    assert "early-00003" in told.acked
    assert crash_problems(db, told) == ["acknowledged early-00003 is missing"]


def test_negative_control_a_deleted_acknowledged_tail_is_caught_though_the_chain_verifies(template, tmp_path):
    db = copy_ledger(template, tmp_path / "ledger.db")
    worker = start(db, "tail", "--hold", "after-commit", "--hold-at", "4")
    worker.wait_for(lambda line: line.startswith("HOLD "))
    worker.kill()
    told = Told.from_lines("tail", worker.lines)
    assert crash_problems(db, told) == []
    conn = raw(db)
    conn.execute("DROP TRIGGER entries_no_delete")
    conn.execute("DELETE FROM entries WHERE seq >= ?", (int(told.acked["tail-00003"]),))
    conn.close()
    with open_store(db) as store:
        assert audit.verify(store).ok, "a cut tail is invisible to the chain alone"
    assert crash_problems(db, told) == ["acknowledged tail-00003 is missing"]


# -- the real `cashdesk simulate`, killed mid-history ------------------------------------------------
def _projections(db: Path) -> dict[str, list[tuple]]:
    conn = raw(db)
    try:
        dumped = {}
        for table in schema.PROJECTIONS:
            columns = ", ".join(f'"{row[1]}"' for row in conn.execute(f'PRAGMA table_info("{table}")'))
            dumped[table] = conn.execute(f'SELECT {columns} FROM "{table}" ORDER BY {columns}').fetchall()
        return dumped
    finally:
        conn.close()


def _entries_so_far(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created yet, or its schema is still being written


@pytest.mark.parametrize("round_no", range(SIMULATE_ROUNDS), ids=lambda n: f"simulate-{n}")
def test_a_killed_cashdesk_simulate_leaves_a_whole_ledger_whose_projections_match_a_rebuild(tmp_path, round_no):
    seed = CRASH_SEED * 100 + 50 + round_no
    delay_s = random.Random(seed).uniform(0.0, 0.5)
    db = tmp_path / "sim.db"
    worker = LineReader([*CASHDESK, "--db", str(db), "simulate", "--days", "200", "--officers", "2",
                         "--seed", str(round_no)])
    deadline = time.monotonic() + 60
    while _entries_so_far(db) < 50:
        assert worker.proc.poll() is None, worker.stderr()
        assert time.monotonic() < deadline, "simulate never got going"
        time.sleep(0.01)
    time.sleep(delay_s)
    assert worker.kill() == -9, f"simulate finished before the kill (seed {seed})"
    assert integrity(db) == ["ok"]
    with open_store(db) as store:
        verdict = audit.verify(store)
        assert verdict.ok, (seed, verdict.first_bad_seq, verdict.problem)
        before = _projections(db)
        assert store.rebuild() == verdict.entries
    assert _projections(db) == before, f"projections drifted from the entries (seed {seed})"
