"""A sign-off racing receipts from another process leaves no entry on the signed-off day.

Another OS process (signoff_worker.py, its own connection) posts receipts for alice in a tight loop.
Once it has one receipt in, this test declares alice's count and sam signs the day off while that
loop is still running. Afterwards: no money entry of alice's on that date sits after the count,
every receipt the worker was told was appended is in the ledger before the count, the sign-off's
expected cash is exactly the float plus those receipts, and the chain verifies.

The negative control shows that the day-closed rule is what stops a late entry: with that rule
switched off, a receipt after sign-off lands on the closed day and the same check finds it.

Both run on a SQLite file and on a PostgreSQL database (`store_open_book`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from book_support import PINS, TODAY
from store_support import query
from ledger import audit
from ledger.book import Ledger
from ledger.refusals import Outcome, Refused

WORKER = Path(__file__).with_name("signoff_worker.py")
MONEY_KINDS = ("receipt_recorded", "debt_collected", "payout_recorded", "warrant_issued")
FLOAT_PENCE = 5000
#: Noon on the book's date: the worker's London date is alice's business date.
WORKER_NOW = f"{TODAY}T12:00:00Z"
READY_TIMEOUT_S = 60.0


def cash(pence: int) -> dict[int, int]:
    notes, rest = divmod(pence, 1000)
    return {value: n for value, n in ((1000, notes), (100, rest // 100), (1, rest % 100)) if n}


@pytest.fixture
def open_book(store_open_book):
    """The conftest's open book, on each store in turn."""
    return store_open_book


def money_entries(db: Path | str, officer: str, business_date: str) -> list[tuple[int, str, str]]:
    """(seq, kind, entry_id) of every money entry of the officer's day, straight from the file or database."""
    marks = ", ".join("?" * len(MONEY_KINDS))
    return query(db, f"SELECT seq, kind, entry_id FROM entries WHERE actor = ? AND business_date = ? "
                     f"AND kind IN ({marks}) ORDER BY seq", params=(officer, business_date, *MONEY_KINDS))


def late_entries(db: Path | str, officer: str, business_date: str, count_seq: int) -> list[tuple[int, str, str]]:
    return [row for row in money_entries(db, officer, business_date) if row[0] > count_seq]


def wait_for(path: Path, worker: subprocess.Popen) -> None:
    """Poll for a file the worker writes; fail at once if the worker died first."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not path.exists():
        if worker.poll() is not None:
            pytest.fail(f"worker exited {worker.returncode} before {path.name}: {worker.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {path.name} from the worker after {READY_TIMEOUT_S}s")
        time.sleep(0.002)


def announce(path: Path) -> None:
    pending = path.with_name(f".{path.name}.tmp")
    pending.write_text("1")
    pending.rename(path)


def test_a_sign_off_racing_receipts_leaves_no_entry_on_the_signed_off_day(open_book, tmp_path):
    rendezvous = tmp_path / "rendezvous"
    rendezvous.mkdir()
    command = [sys.executable, str(WORKER), str(open_book.path), "--officer", "alice", "--pin", PINS["alice"],
               "--now", WORKER_NOW, "--rendezvous", str(rendezvous)]
    worker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(rendezvous / "ready", worker)
        counted = open_book.ledger.declare_count(open_book.alice, denominations=cash(FLOAT_PENCE),
                                                 cheques_counted=0)
        signed = open_book.ledger.sign_off(open_book.sam, officer="alice", business_date=TODAY,
                                           reason="receipts were still coming in")
        announce(rendezvous / "signed")
        stdout, stderr = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, stderr
    report = json.loads(stdout)

    accepted = report["accepted"]
    assert accepted and all(item["outcome"] == "appended" for item in accepted)
    assert report["after_sign_off"] == "day_closed"
    assert set(report["refused"]) == {"day_closed"}

    assert late_entries(open_book.path, "alice", TODAY, counted.seq) == []
    in_ledger = {(seq, entry_id) for seq, _, entry_id in money_entries(open_book.path, "alice", TODAY)}
    told = {(item["seq"], item["entry_id"]) for item in accepted}
    assert in_ledger == told
    assert max(seq for seq, _ in told) < counted.seq < signed.seq

    assert signed.body["cash_pence_expected"] == FLOAT_PENCE + len(accepted)
    with open_book.ledger.store.reading() as reader:
        assert reader.account_balance_pence("Assets:Till:alice", TODAY) == FLOAT_PENCE
        assert reader.session("alice", TODAY)["state"] == "signed_off"
    assert audit.verify(open_book.ledger.store).ok


class NoClosedDay(Ledger):
    """The fault the rule prevents: money goes to the officer's session whatever its state."""

    def _working_date(self, writer, actor):
        session = writer.uncounted_session(actor.username) or writer.session(actor.username, self.london_date())
        return session["business_date"]


def test_negative_control_without_the_closed_day_rule_a_late_receipt_lands_and_is_caught(open_book):
    open_book.ledger.record_receipt(open_book.alice, amount_pence=100, method="cash", code="INC1", payer="J Smith")
    counted = open_book.ledger.declare_count(open_book.alice, denominations=cash(5100), cheques_counted=0)
    open_book.ledger.sign_off(open_book.sam, officer="alice", business_date=TODAY)

    with pytest.raises(Refused) as refusal:
        open_book.ledger.record_receipt(open_book.alice, amount_pence=1, method="cash", code="INC1", payer="Late")
    assert refusal.value.outcome is Outcome.DAY_CLOSED
    assert late_entries(open_book.path, "alice", TODAY, counted.seq) == []

    with NoClosedDay.open(open_book.path, clock=open_book.clock, terminal="test:broken") as broken:
        late = broken.record_receipt(open_book.alice, amount_pence=1, method="cash", code="INC1", payer="Late")
    assert late.entry.business_date == TODAY
    assert late_entries(open_book.path, "alice", TODAY, counted.seq) == [(late.seq, "receipt_recorded",
                                                                         late.entry.entry_id)]
