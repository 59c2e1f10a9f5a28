"""Many terminals: 2, 4 and 8 processes posting at once against the same officers' limits.

Each terminal is a real OS process (race_worker.py: its own connection, released by a rendezvous
so that all start together) posting £10.00 receipts for alice or bob, more than their £250.00
limits allow between them. Afterwards, for every size: each limit is reached exactly and never
passed, every attempt was either accepted or refused `officer_limit_exceeded` (accepted + refused
= attempted), no terminal saw a database-busy error, and the chain did not fork: the seqs the
terminals were told are distinct, gapless with the rest, and the chain verifies.

The negative controls run the same check on what a broken write path would leave: one receipt
slipped past the limit (a check outside the transaction: see also test_limit_race's split-check
race), and two terminals told the same seq (a forked head).

Every size runs on a SQLite file and on a PostgreSQL database (`store_book`); what the terminals were
told is checked against the stored rows either way.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from book_support import PINS, TODAY
from ledger import audit
from ledger.refusals import Outcome
from ledger.store import open_store

from race_worker import UncheckedLedger
from reliability_support import HERE, REPO_ROOT, child_env
from store_support import query

WORKER = HERE / "race_worker.py"
LIMIT_PENCE, AMOUNT_PENCE = 25_000, 1_000
ATTEMPTS_PER_OFFICER = 40
READY_TIMEOUT_S, RUN_TIMEOUT_S = 60.0, 120.0


def assignments(terminals: int) -> list[str]:
    """Which officer each terminal posts for: two terminals share alice; more split alice and bob."""
    officers = ("alice",) if terminals == 2 else ("alice", "bob")
    return [officers[n % len(officers)] for n in range(terminals)]


def run_terminals(db: Path | str, rendezvous: Path, officers: list[str]) -> list[dict]:
    """Start one race_worker per terminal, release them together, and collect what each was told."""
    rendezvous.mkdir()
    per_officer = Counter(officers)
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(db), "--worker", str(n), "--officer", officer, "--pin",
             PINS[officer], "--attempts", str(ATTEMPTS_PER_OFFICER // per_officer[officer]),
             "--amount-pence", str(AMOUNT_PENCE), "--rendezvous", str(rendezvous)],
            cwd=REPO_ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n, officer in enumerate(officers)
    ]
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while len(list(rendezvous.glob("ready-*"))) < len(procs):
            assert all(p.poll() is None for p in procs), "a terminal died before the start"
            assert time.monotonic() < deadline, "the terminals never all became ready"
            time.sleep(0.01)
        (rendezvous / "go").touch()
        outputs = [p.communicate(timeout=RUN_TIMEOUT_S) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    reports = []
    for officer, proc, (out, err) in zip(officers, procs, outputs):
        report = json.loads(out) if proc.returncode == 0 and out.strip() else {"accepted": [], "refused": {}}
        reports.append({**report, "officer": officer, "returncode": proc.returncode, "stderr": err})
    return reports


def terminal_problems(db: Path | str, reports: list[dict]) -> list[str]:
    """Everything the terminals and the file disagree on, in words (empty when all is well)."""
    problems = []
    for n, report in enumerate(reports):
        lowered = report["stderr"].lower()
        if report["returncode"] != 0 or any(word in lowered for word in ("locked", "busy", "sqlite3", "psycopg")):
            problems.append(f"terminal {n} failed: exit {report['returncode']}: {report['stderr'][-300:]}")
        refused = report["refused"]
        if set(refused) - {Outcome.OFFICER_LIMIT_EXCEEDED.value}:
            problems.append(f"terminal {n} refused for another reason: {refused}")
        if len(report["accepted"]) + sum(refused.values()) != report.get("attempted", -1):
            problems.append(f"terminal {n}: accepted + refused != attempted")
    told = [(item["seq"], item["entry_id"]) for report in reports for item in report["accepted"]]
    if len({seq for seq, _ in told}) != len(told):
        problems.append("two terminals were told the same seq: the chain forked")
    stored = dict(query(db, "SELECT entry_id, seq FROM entries WHERE entry_id LIKE 'race-%'"))
    for officer in {report["officer"] for report in reports}:
        bodies = query(db, "SELECT body FROM entries WHERE kind = 'receipt_recorded' AND actor = ? "
                           "AND business_date = ?", params=(officer, TODAY))
        used = sum(json.loads(body)["amount_pence"] for (body,) in bodies)
        if used > LIMIT_PENCE:
            problems.append(f"{officer}'s limit was passed: {used} pence taken")
    receipt_nos = sorted(row[0] for row in query(db, "SELECT receipt_no FROM receipts"))
    if stored != {entry_id: seq for seq, entry_id in told}:
        problems.append("the ledger's receipts are not exactly the ones the terminals were told of")
    if receipt_nos != list(range(1, len(receipt_nos) + 1)):
        problems.append("receipt numbers have a gap")
    with open_store(db) as store:
        verdict = audit.verify(store)
    seqs = [seq for (seq,) in query(db, "SELECT seq FROM entries ORDER BY seq")]
    if not verdict.ok or seqs != list(range(1, len(seqs) + 1)):
        problems.append(f"the chain is broken: {verdict.first_bad_seq} {verdict.problem}")
    return problems


def ready_book(book) -> Path | str:
    book.ledger.open_session(book.alice, 5000)
    book.ledger.open_session(book.bob, 5000)
    return book.path


@pytest.mark.parametrize("terminals", [2, 4, 8], ids=lambda n: f"{n}-terminals")
def test_many_terminals_share_the_limits_exactly_and_the_chain_does_not_fork(store_book, tmp_path, terminals):
    db = ready_book(store_book)
    officers = assignments(terminals)
    reports = run_terminals(db, tmp_path / "rendezvous", officers)
    assert terminal_problems(db, reports) == []
    for officer in set(officers):
        mine = [item for report in reports if report["officer"] == officer for item in report["accepted"]]
        refused = sum(report["refused"].get("officer_limit_exceeded", 0)
                      for report in reports if report["officer"] == officer)
        assert len(mine) * AMOUNT_PENCE == LIMIT_PENCE, f"{officer}'s limit was not reached exactly"
        assert len(mine) + refused == ATTEMPTS_PER_OFFICER
    assert sum(1 for report in reports if report["accepted"]) >= 2, "the receipts should be shared out"


def test_negative_control_an_overshoot_and_a_forked_head_are_both_caught(store_book, tmp_path):
    book = store_book
    db = ready_book(book)
    reports = run_terminals(db, tmp_path / "rendezvous", assignments(2))
    assert terminal_problems(db, reports) == []

    forked = json.loads(json.dumps(reports))
    forked[1]["accepted"][0]["seq"] = forked[0]["accepted"][0]["seq"]
    assert "two terminals were told the same seq: the chain forked" in terminal_problems(db, forked)

    with UncheckedLedger.open(db, terminal="race:broken") as broken:
        slipped = broken.record_receipt(book.alice, amount_pence=AMOUNT_PENCE, method="cash", code="INC1",
                                        payer="Past the limit", entry_id="race-broken-0")
    reports[0]["accepted"].append({"seq": slipped.seq, "entry_id": "race-broken-0"})
    reports[0]["attempted"] += 1
    assert f"alice's limit was passed: {LIMIT_PENCE + AMOUNT_PENCE} pence taken" in terminal_problems(db, reports)
