"""Pictures of the supervisor's desk at 80x24: the queue, reconciliations, the anchor, banking."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from snapshot_support import SIZE, console, fixed_clock, signed_in_then

from ledger.book import Ledger
from ledger.demo import build_demo
from ledger.service import Actor, SeededIds

TODAY = "2026-11-23"
SAM = Actor("sam", frozenset({"supervisor"}))
BALANCED = {5000: 1, 1000: 1, 200: 1, 50: 1}  # £62.50: a £50 float and £12.50 taken
SHORT_BY_200 = {5000: 1, 1000: 1, 50: 1}


@pytest.fixture(scope="module")
def supervisor_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("supervisor-demo") / "demo.db"
    build_demo(path, today=date(2026, 11, 23)).close()
    return path


@pytest.fixture
def ledger_path(supervisor_demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ledger.db"
    target.write_bytes(supervisor_demo.read_bytes())
    return target


def count_day(db: Path, officer: str, denominations: dict[int, int], sign_off: bool = False,
              declare: bool = True) -> None:
    """One officer's day through the service layer, with repeatable ids so the pictures never drift."""
    actor = Actor(officer, frozenset({"officer"}))
    with Ledger.open(db, clock=fixed_clock, terminal="test:setup", ids=SeededIds(f"setup-{officer}")) as ledger:
        ledger.open_session(actor, 5000)
        ledger.record_receipt(actor, amount_pence=1250, method="cash", code="CONTRIB", payer="Jo Bloggs")
        if declare:
            ledger.declare_count(actor, denominations=denominations, cheques_counted=0)
        if sign_off:
            ledger.sign_off(SAM, officer=officer, business_date=TODAY)


def as_sam(*keys: str):
    return signed_in_then("sam", "333333", *keys)


class TestSupervisorHome:
    def test_queue_with_waiting_days(self, snap_compare, ledger_path):
        """You should see the queue: alice counted and balanced (£62.50), bob counted £2.00 short,
        carol still open; below it, dev's day signed off by sam and not banked (till £62.50)."""
        count_day(ledger_path, "alice", BALANCED)
        count_day(ledger_path, "bob", SHORT_BY_200)
        count_day(ledger_path, "carol", BALANCED, declare=False)
        count_day(ledger_path, "dev", BALANCED, sign_off=True)
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam())


class TestReconciliation:
    def test_balanced_day(self, snap_compare, ledger_path):
        """You should see alice's day: cash expected £62.50 and counted £62.50, no cheques, no
        warrants, 'Cash variance: none, the count balances' in green, an empty reason field."""
        count_day(ledger_path, "alice", BALANCED)
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("enter"))

    def test_short_day_refused_without_a_reason(self, snap_compare, ledger_path):
        """You should see bob's day £2.00 short in red, and below the reason field the refusal in
        words: 'Refused: the cash is £2.00 short, … give a reason.' with the hint to type one."""
        count_day(ledger_path, "bob", SHORT_BY_200)
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("enter", "s"))


class TestSignedOffDialog:
    def test_the_anchor_is_shown(self, snap_compare, ledger_path):
        """You should see the 'Day signed off' dialog over the reconciliation: alice's day signed off
        by sam at its seq, no variance, and the ledger anchor SEQ:HASH in full, with enter to close."""
        count_day(ledger_path, "alice", BALANCED)
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("enter", "s"))


class TestBankDialog:
    def test_banking_dialog_with_a_bag_number(self, snap_compare, ledger_path):
        """You should see the banking dialog for dev's signed-off day of 2026-11-23 over the home
        screen, the bag number BAG-2311-07 typed, and ctrl+s Bank / esc Cancel in the footer."""
        count_day(ledger_path, "dev", BALANCED, sign_off=True)
        keys = ("tab", "b", *"BAG-2311-07")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam(*keys))

    def test_a_used_bag_is_refused(self, snap_compare, ledger_path):
        """You should see the banking dialog kept open with the refusal in words: bag BAG2611180001
        already carried carol's takings of 2026-11-18."""
        count_day(ledger_path, "dev", BALANCED, sign_off=True)
        keys = ("tab", "b", *"BAG2611180001", "enter")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam(*keys))
