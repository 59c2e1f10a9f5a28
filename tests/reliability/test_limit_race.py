"""Terminals racing one officer's daily limit: real processes, one ledger, one write transaction each.

Eight OS processes, each with its own connection (`Ledger.open`), post £10.00 receipts for alice
at the same moment, far more than her £250.00 allows. The limit must hold exactly: £250.00 taken,
every other attempt refused `officer_limit_exceeded`, no database error reaching anyone, the chain
whole. The negative control runs the same race through a write path that checks the limit in one
transaction and appends in another, and shows that this setup does catch the overshoot.

Every race runs on a SQLite file (BEGIN IMMEDIATE) and on a PostgreSQL database (the chain head's row
locked FOR UPDATE); there the head row the trigger keeps must also agree with the entries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from book_support import PINS, TODAY, build_book
from store_support import query
from ledger import audit
from ledger.book import Ledger
from ledger.refusals import Outcome

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("race_worker.py")
OFFICER = "alice"
LIMIT_PENCE = 25_000
AMOUNT_PENCE = 1_000
FLOAT_PENCE = 5_000
ATOMIC_WORKERS, SPLIT_WORKERS, ATTEMPTS = 8, 6, 15
READY_TIMEOUT_S, RACE_TIMEOUT_S = 60.0, 90.0


@dataclass
class RaceResult:
    """What every worker printed and how it exited, plus the ledger raced on."""

    reports: list[dict]
    returncodes: list[int]
    stderrs: list[str]
    db: Path | str = Path()
    balances_before: dict[str, int] = field(default_factory=dict)

    @property
    def accepted(self) -> list[dict]:
        return [item for report in self.reports for item in report["accepted"]]

    @property
    def accepted_pence(self) -> int:
        return sum(item["amount_pence"] for item in self.accepted)

    def refused(self, outcome: str) -> int:
        return sum(report["refused"].get(outcome, 0) for report in self.reports)

    @property
    def refused_total(self) -> int:
        return sum(sum(report["refused"].values()) for report in self.reports)


def prepare_ledger(path: Path | str) -> dict[str, int]:
    """The conftest book, with alice's session open on a float; closed so workers open their own.

    Returns the balances before the race (the conftest debts already credit Income:INC1)."""
    book = build_book(path)
    try:
        book.ledger.open_session(book.alice, FLOAT_PENCE)
        return audit.replay(book.ledger.store).balances
    finally:
        book.ledger.close()


def run_race(db: Path | str, rendezvous: Path, workers: int, *extra: str) -> RaceResult:
    """Start the workers, wait (polling) until every one is ready, then release them all at once."""
    rendezvous.mkdir()
    python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": python_path}
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(db), "--worker", str(n), "--officer", OFFICER,
             "--pin", PINS[OFFICER], "--attempts", str(ATTEMPTS), "--amount-pence", str(AMOUNT_PENCE),
             "--rendezvous", str(rendezvous), *extra],
            cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(workers)
    ]
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while len(list(rendezvous.glob("ready-*"))) < workers:
            crashed = [p.args for p in procs if p.poll() is not None]
            assert not crashed, f"a worker exited before the start: {crashed}"
            assert time.monotonic() < deadline, "workers never all became ready"
            time.sleep(0.01)
        (rendezvous / "go").touch()
        outputs = [p.communicate(timeout=RACE_TIMEOUT_S) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    failed = {"attempted": 0, "accepted": [], "refused": {}, "started_s": 0.0, "finished_s": 0.0}
    reports = [json.loads(out) if code == 0 and out.strip() else failed
               for (out, _), code in zip(outputs, (p.returncode for p in procs))]
    return RaceResult(reports, [p.returncode for p in procs], [err for _, err in outputs])


def assert_no_worker_failed(result: RaceResult) -> None:
    for n, (code, err) in enumerate(zip(result.returncodes, result.stderrs)):
        assert code == 0, f"worker {n} failed (exit {code}):\n{err}"
        lowered = err.lower()
        assert not any(word in lowered for word in ("locked", "sqlite3", "busy", "psycopg", "deadlock")), err


def assert_chain_whole(ledger: Ledger) -> None:
    verdict = audit.verify(ledger.store)
    assert verdict.ok, (verdict.first_bad_seq, verdict.problem)
    with ledger.store.reading() as reader:
        seqs = [entry.seq for entry in reader.iter_entries()]
    assert seqs == list(range(1, len(seqs) + 1))
    assert verdict.entries == len(seqs) and verdict.head_seq == seqs[-1]
    if ledger.store.kind == "postgresql":  # the row every write locks moved with every entry, and only so
        assert query(ledger.store.location, "SELECT seq, hash FROM chain_head") == [
            (verdict.head_seq, verdict.head_hash)]


def officer_receipts(ledger: Ledger) -> list[dict]:
    """alice's receipts as the entries themselves record them (the source of truth)."""
    with ledger.store.reading() as reader:
        return [entry.body_dict() | {"seq": entry.seq, "entry_id": entry.entry_id}
                for entry in reader.iter_entries()
                if entry.kind == "receipt_recorded" and entry.actor == OFFICER]


def till_pence(receipt: dict) -> int:
    return sum(p["amount_pence"] for p in receipt["postings"] if p["account"] == f"Assets:Till:{OFFICER}")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def store(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def atomic_race(request, store, tmp_path_factory) -> RaceResult:
    return raced(request, store, tmp_path_factory.mktemp("atomic-race"), ATOMIC_WORKERS)


@pytest.fixture(scope="module")
def split_race(request, store, tmp_path_factory) -> RaceResult:
    return raced(request, store, tmp_path_factory.mktemp("split-race"), SPLIT_WORKERS, "--split",
                 "--split-pause-s", "0.05")


def raced(request, store: str, base: Path, workers: int, *extra: str) -> RaceResult:
    db: Path | str = base / "ledger.db"
    if store == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        db = cluster.fresh_database()
        request.addfinalizer(lambda: cluster.drop_database(db))
    before = prepare_ledger(db)
    result = run_race(db, base / "rendezvous", workers, *extra)
    result.db, result.balances_before = db, before
    return result


class TestLimitHoldsUnderRace:
    """The real write path: check and insert inside one write transaction, in every process."""

    def test_every_worker_exits_cleanly_without_database_errors(self, atomic_race):
        result = atomic_race
        assert len(result.returncodes) == ATOMIC_WORKERS >= 4
        assert_no_worker_failed(result)

    def test_limit_is_reached_exactly_and_never_passed(self, atomic_race):
        result = atomic_race
        assert result.accepted_pence <= LIMIT_PENCE
        assert result.accepted_pence == LIMIT_PENCE
        assert len(result.accepted) == LIMIT_PENCE // AMOUNT_PENCE
        assert all(item["outcome"] == Outcome.APPENDED.value for item in result.accepted)

    def test_every_attempt_is_accepted_or_refused_by_the_limit(self, atomic_race):
        result = atomic_race
        attempted = sum(report["attempted"] for report in result.reports)
        assert attempted == ATOMIC_WORKERS * ATTEMPTS
        refused_limit = result.refused(Outcome.OFFICER_LIMIT_EXCEEDED.value)
        assert result.refused_total == refused_limit, result.reports
        assert len(result.accepted) + refused_limit == attempted

    def test_the_workers_really_raced(self, atomic_race):
        result = atomic_race
        windows = [(r["started_s"], r["finished_s"]) for r in result.reports]
        at_once = max(sum(start <= moment < end for start, end in windows) for moment, _ in windows)
        assert at_once >= 4, f"only {at_once} workers were posting at one moment: {windows}"
        winners = {item["entry_id"].rsplit("-", 1)[0] for item in result.accepted}
        assert len(winners) >= 2, "one worker alone cannot reach the limit: the receipts must be shared"

    def test_ledger_matches_what_the_workers_were_told(self, atomic_race):
        result = atomic_race
        with Ledger.open(result.db, terminal="test:check") as ledger:
            assert_chain_whole(ledger)
            receipts = officer_receipts(ledger)
            assert sorted(r["entry_id"] for r in receipts) == sorted(i["entry_id"] for i in result.accepted)
            assert sorted(r["seq"] for r in receipts) == sorted(i["seq"] for i in result.accepted)
            assert sorted(r["receipt_no"] for r in receipts) == list(range(1, len(receipts) + 1))
            with ledger.store.reading() as reader:
                used_pence = reader.limit_used_pence(OFFICER, TODAY)
                till_balance_pence = reader.account_balance_pence(f"Assets:Till:{OFFICER}", TODAY)
            assert used_pence == sum(till_pence(r) for r in receipts) == LIMIT_PENCE
            assert till_balance_pence == FLOAT_PENCE + LIMIT_PENCE
            before, after = result.balances_before, audit.replay(ledger.store).balances
            assert after[f"Assets:Till:{OFFICER}"] - before[f"Assets:Till:{OFFICER}"] == LIMIT_PENCE
            assert after["Income:INC1"] - before["Income:INC1"] == -LIMIT_PENCE


class TestNegativeControlSplitCheck:
    """The same race with the check and the insert in two transactions must overshoot."""

    def test_split_workers_exit_cleanly(self, split_race):
        result = split_race
        assert len(result.returncodes) == SPLIT_WORKERS >= 4
        assert_no_worker_failed(result)

    def test_split_write_path_overshoots_the_limit(self, split_race):
        result = split_race
        assert result.accepted_pence > LIMIT_PENCE, "the race setup failed to expose a split check"
        attempted = sum(report["attempted"] for report in result.reports)
        assert len(result.accepted) + result.refused(Outcome.OFFICER_LIMIT_EXCEEDED.value) == attempted
        with Ledger.open(result.db, terminal="test:check") as ledger:
            assert_chain_whole(ledger)
            with ledger.store.reading() as reader:
                assert reader.limit_used_pence(OFFICER, TODAY) == result.accepted_pence > LIMIT_PENCE
