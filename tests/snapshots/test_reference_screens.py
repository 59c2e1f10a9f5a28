"""A picture of a reference refused as it is typed, at 80x24: the receipt form under an admin's rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from snapshot_support import SIZE, console, fixed_clock, signed_in_then

from ledger.book import Ledger
from ledger.demo import build_demo
from ledger.service import Actor

ADAM = Actor("adam", frozenset({"admin"}))
ALICE = Actor("alice", frozenset({"officer"}))


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.db"
    with build_demo(path, today=date(2026, 11, 23)):
        pass
    with Ledger.open(path, clock=fixed_clock, terminal="test:setup") as ledger:
        ledger.set_reference_rule(ADAM, "receipt", r"R\d{6}", "luhn")
        ledger.open_session(ALICE, 5000)
    return path


class TestReceiptReference:
    def test_a_reference_that_breaks_the_rule_is_refused_as_typed(self, snap_compare, ledger_path):
        """You should see the receipt form with R799271 typed in Reference and, in red below the form,
        'Receipt reference R799271 fails the check digit of the receipt reference rule (mask R\\d{6},
        check digit luhn).'"""
        keys = ("r", "tab", "tab", "tab", "tab", *"R799271")
        assert snap_compare(console(ledger_path), terminal_size=SIZE,
                            run_before=signed_in_then("alice", "111111", *keys))
