"""Pictures of the admin's desk at 80x24: users, the add-user form and its refusal, codes, stock, settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from snapshot_support import SIZE, console, fixed_clock, signed_in_then

from ledger.book import Ledger
from ledger.demo import build_demo
from ledger.refusals import Refused
from ledger.service import Actor, SeededIds

ADAM = Actor("adam", frozenset({"admin"}))


@pytest.fixture(scope="module")
def admin_demo(tmp_path_factory) -> Path:
    """The demo ledger with bob locked out (five wrong PINs) and a £120.00 limit for carol."""
    path = tmp_path_factory.mktemp("admin-demo") / "demo.db"
    build_demo(path, today=date(2026, 11, 23)).close()
    with Ledger.open(path, clock=fixed_clock, terminal="test:setup", ids=SeededIds("setup")) as ledger:
        for _ in range(5):
            with pytest.raises(Refused):
                ledger.authenticate("bob", "000000")
        ledger.set_setting(ADAM, "daily_limit_pence", 12_000, user="carol")
    return path


@pytest.fixture
def app(admin_demo: Path, tmp_path: Path):
    target = tmp_path / "ledger.db"
    target.write_bytes(admin_demo.read_bytes())
    return console(target)


def admin_at(*keys: str):
    return signed_in_then("adam", "555555", *keys)


class TestUsersTab:
    def test_users(self, snap_compare, app):
        """You should see the Users tab: adam, alice, ava, bob, carol, dev and sam with their roles,
        all active, bob locked (yes), and the footer offering a Add, r Roles, d Disable, u Unlock."""
        assert snap_compare(app, terminal_size=SIZE, run_before=admin_at())


class TestAddUserForm:
    def test_add_user_form(self, snap_compare, app):
        """You should see the Add a user form: user name carl, full name Carl Jones, the officer role
        ticked, both PINs typed (masked) and "The two PINs match." under them."""
        keys = [*"carl", "enter", *"Carl Jones", "enter", "space", *["tab"] * 5, *"246810", "enter", *"246810"]
        assert snap_compare(app, terminal_size=SIZE, run_before=admin_at("a", *keys))

    def test_duplicate_user_refused(self, snap_compare, app):
        """You should see the Add a user form still filled in for bob, and in red:
        "Refused: there is already a user bob."."""
        keys = [*"bob", "enter", *"Robert Smith", "enter", "space", *["tab"] * 5, *"246810", "enter",
                *"246810", "enter"]
        assert snap_compare(app, terminal_size=SIZE, run_before=admin_at("a", *keys))


class TestCodesTab:
    def test_codes(self, snap_compare, app):
        """You should see the Codes tab: the four cost codes then the four income codes, each with its
        name, type and active yes, and the footer offering a Add and t Retire."""
        assert snap_compare(app, terminal_size=SIZE, run_before=admin_at("2"))

    def test_retire_asks_first(self, snap_compare, app):
        """You should see the question "Retire code SUNDRY? …" over the codes, answered by y or n."""
        assert snap_compare(app, terminal_size=SIZE, run_before=admin_at("2", "down", "t"))


class TestWarrantsTab:
    def test_warrant_stock(self, snap_compare, app):
        """You should see the Warrants tab: in stock 194, issued 5, spoiled 1, cancelled 0, next serial
        500007, and the runs 500001-500003 issued, 500004 spoiled, 500005-500006 issued, 500007-500200
        in stock; the footer offers a Receive."""
        assert snap_compare(app, terminal_size=SIZE, run_before=admin_at("3"))

    def test_overlapping_range_refused(self, snap_compare, app):
        """You should see the Receive warrant forms form with 500151 to 500250 and, in red,
        "Refused: 50 of serials 500151-500250 are already in the register."."""
        keys = ["shift+tab", *["backspace"] * 6, *"500151", "enter", *"500250", "enter"]
        assert snap_compare(app, terminal_size=SIZE, run_before=admin_at("3", "a", *keys))


class TestSettingsTab:
    def test_settings(self, snap_compare, app):
        """You should see the Settings tab: daily limit £250.00, daily limit for carol £120.00, idle lock
        300 seconds, anchor log (beside the ledger); the footer offers l Limit, o Officer, i Idle, p Log."""
        assert snap_compare(app, terminal_size=SIZE, run_before=admin_at("4"))
