"""Pictures of the officer's counter at 80x24: the home, the money forms, the limit refusal, the blind count."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from snapshot_support import SIZE, console, fixed_clock, signed_in_then

from ledger.book import Ledger
from ledger.demo import build_demo
from ledger.service import Actor, SeededIds

ALICE = Actor("alice", frozenset({"officer"}))


@pytest.fixture(scope="module")
def officer_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("officer-demo") / "demo.db"
    build_demo(path, today=date(2026, 11, 23)).close()
    return path


@pytest.fixture
def ledger_path(officer_demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ledger.db"
    target.write_bytes(officer_demo.read_bytes())
    return target


def alices_day(db: Path, receipts_pence: tuple[int, ...] = ()) -> None:
    """alice's open day through the service layer, with repeatable ids so the pictures never drift."""
    with Ledger.open(db, clock=fixed_clock, terminal="test:setup", ids=SeededIds("setup-alice")) as ledger:
        ledger.open_session(ALICE, 5000, denominations={2000: 2, 500: 2})
        for amount_pence in receipts_pence:
            ledger.record_receipt(ALICE, amount_pence=amount_pence, method="cash", code="CONTRIB",
                                  payer="Jo Bloggs", reference="DR-10231")
        if receipts_pence:
            ledger.record_payout(ALICE, amount_pence=420, code="CONTACT", payee="Corner Shop",
                                 purpose="Milk and biscuits")
            ledger.issue_warrant(ALICE, recipient="Kim Lee", journey="Leeds to York", value_pence=1830,
                                 code="TRAVEL-FAM")


def as_alice(*keys: str):
    return signed_in_then("alice", "111111", *keys)


class TestOfficerHome:
    def test_open_day_with_entries(self, snap_compare, ledger_path):
        """You should see alice's open day: the limit gauge at £80.00 of £250.00 with £170.00 left, the till
        at £103.30 cash, and the day's table (Opened £50.00, receipts 19 and 20 from Jo Bloggs, a payout of
        -£4.20 to Corner Shop, warrant 500007 to Kim Lee) with the cursor on the warrant; the eight acts in
        the footer."""
        alices_day(ledger_path, receipts_pence=(2500, 3250))
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_alice())

    def test_no_session_open(self, snap_compare, ledger_path):
        """You should see 'No session open: press o to open today's till', the empty gauge (£0.00 of
        £250.00) and 'Till: no session open' above an empty table."""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_alice())


class TestOpenSessionForm:
    def test_float_by_denomination(self, snap_compare, ledger_path):
        """You should see the float form: twelve count boxes (£50 to 1p) with 2 × £20, 4 × £5 and
        10 × £1 typed, and 'Float £70.00 (notes £60.00, coins £10.00)' below them."""
        keys = ("o", "tab", "2", "tab", "tab", "4", "tab", "tab", "1", "0")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_alice(*keys))


class TestReceiptForm:
    def test_limit_preview(self, snap_compare, ledger_path):
        """You should see the receipt form with £40.00 typed and, under the fields, 'Limit after this:
        £120.00 of £250.00 (£130.00 left)' (alice has used £80.00 today)."""
        alices_day(ledger_path, receipts_pence=(2500, 3250))
        keys = ("r", *"40.00")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_alice(*keys))

    def test_over_limit_refusal(self, snap_compare, ledger_path):
        """You should see the receipt form kept as typed (£250.01, CONTRIB, payer Jo Bloggs), the warning
        'Over the limit by £0.01' and, in red, 'Refused: £250.01 would pass the daily limit of £250.00:
        £0.00 used, £250.00 headroom left. Press ctrl+o for a supervisor to authorise it.'"""
        alices_day(ledger_path)
        keys = ("r", *"250.01", "tab", "tab", "enter", *"CONTRIB", "enter", "tab", *"Jo Bloggs", "ctrl+s")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_alice(*keys))


class TestCollectionForm:
    def test_debtor_matches(self, snap_compare, ledger_path):
        """You should see the collection form with 'DR-102' typed and every demo debtor listed under it
        with what they owe (DR-10231 Mr K Marsh first, highlighted), 'No debtor chosen' below the list."""
        alices_day(ledger_path)
        keys = ("c", *"DR-102")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_alice(*keys))


class TestWarrantForm:
    def test_next_serial(self, snap_compare, ledger_path):
        """You should see the travel warrant form headed 'Next serial 500007', with recipient Kim Lee and
        journey 'Leeds to York' typed, the ticket on Single, and the other fields empty."""
        alices_day(ledger_path)
        keys = ("w", *"Kim Lee", "tab", *"Leeds to York")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_alice(*keys))


class TestCountForm:
    def test_blind_count(self, snap_compare, ledger_path):
        """You should see the closing count (blind) over the dimmed home (its limit line £47.50 of £250.00,
        its till line hidden under the dialog): the twelve note and coin boxes with 3 × £20 typed, cheques
        and unused forms empty, and 'Counted £60.00 (notes £60.00, coins £0.00) · 0 cheques · 0 unused
        forms'; nothing of what the till should hold (£70.80)."""
        alices_day(ledger_path, receipts_pence=(2500,))
        keys = ("e", "tab", "3")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_alice(*keys))
