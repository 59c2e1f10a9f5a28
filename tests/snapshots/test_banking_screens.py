"""Pictures of the supervisor's banking desk at 80x24: the bags and unexplained lines, a statement import
(refused, then done), and a mismatch being resolved."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from snapshot_support import SIZE, console, signed_in_then

from ledger.bank_demo import import_demo_statement
from ledger.book import Ledger
from ledger.demo import build_demo
from ledger.service import Actor

SAM = Actor("sam", frozenset({"supervisor"}))
HEADER = "Date,Description,Reference,Amount,Balance\n"


@pytest.fixture(scope="module")
def banking_demo(tmp_path_factory) -> Path:
    """The demo as `cashdesk demo` makes it: with its bank statement imported."""
    path = tmp_path_factory.mktemp("banking-demo") / "demo.db"
    with build_demo(path, today=date(2026, 11, 23)) as ledger:
        import_demo_statement(ledger, SAM)
    return path


@pytest.fixture
def ledger_path(banking_demo: Path, tmp_path: Path, monkeypatch) -> Path:
    target = tmp_path / "ledger.db"
    target.write_bytes(banking_demo.read_bytes())
    monkeypatch.chdir(tmp_path)  # statement files are typed by a name relative to here: pictures never drift
    return target


def bags_in_transit(db: Path) -> list[dict]:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.bags_in_transit()


def as_sam(*keys: str):
    return signed_in_then("sam", "333333", *keys)


class TestBankingScreen:
    def test_bags_and_the_lines_nothing_explains(self, snap_compare, ledger_path):
        """You should see 'Bags: 2 in transit (0 late), 1 mismatched, 3 confirmed, 0 resolved' over six bags,
        dev's bag of 19 Nov first (mismatch: £16.50 banked, £15.50 at the bank), then the two in transit, then
        three confirmed; below, the two statement lines nothing explains (£45.00 in, -£12.50 out); the footer
        offers i Import, r Resolve, ^r Refresh and esc Back."""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("s"))


class TestImportStatementDialog:
    def test_a_refused_file_names_every_bad_line(self, snap_compare, ledger_path):
        """You should see the import dialog kept open with statement.csv typed, the generic profile chosen,
        and in red: 'Refused: line 3: date '20/11/2026' is not a date written YYYY-MM-DD; line 4: amount
        'ten' is not an amount in pounds.'"""
        Path("statement.csv").write_text(HEADER + "2026-11-23,PAYIN,X,1.00,\n20/11/2026,PAYIN,Y,1.00,\n"
                                         "2026-11-23,PAYIN,Z,ten,\n")
        keys = ("s", "i", *"statement.csv", "ctrl+s")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam(*keys))

    def test_an_import_confirms_the_bags_it_names(self, snap_compare, ledger_path):
        """You should see the banking desk again, the line '2 statement lines imported (0 already present):
        2 confirmed, 0 mismatched, 0 unexplained.' in green, and 'Bags: 0 in transit (0 late), 1 mismatched,
        5 confirmed, 0 resolved'."""
        rows = [f"2026-11-23,PAYIN,{bag['bag']},{bag['amount_pence'] / 100:.2f}," for bag in bags_in_transit(ledger_path)]
        Path("statement.csv").write_text(HEADER + "\n".join(rows) + "\n")
        keys = ("s", "i", *"statement.csv", "ctrl+s")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam(*keys))


class TestResolveDialog:
    def test_the_difference_and_a_reason(self, snap_compare, ledger_path):
        """You should see 'Resolve bag BAG2611190004': dev's takings banked 19 Nov, £16.50; the statement of
        20 Nov shows £15.50; 'Difference: £1.00 short, to Expenses:BankingVariance.' in bold; the reason
        'Bank slip: one pound coin short' typed; ^s Resolve and esc Cancel in the footer."""
        keys = ("s", "r", *"Bank slip: one pound coin short")
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam(*keys))
