"""The admin's users tab by keys: add a user who can then sign in, change roles, deactivate, unlock, refusals."""

from __future__ import annotations

import pytest

from ledger.book import Ledger
from ledger.refusals import Outcome, Refused
from screens.admin import AdminHome
from screens.admin_forms import AddUserForm, ConfirmScreen
from screens.signin import SignInScreen
from console_support import SIZE, settle, sign_in

#: The demo's users in the order the table lists them.
USERS = ["adam", "alice", "ava", "bob", "carol", "dev", "sam"]


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def user_row(db, username: str) -> dict | None:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.user(username)


async def open_admin(pilot) -> None:
    await sign_in(pilot, "adam", "555555")
    assert isinstance(pilot.app.screen, AdminHome)
    await settle(pilot)


async def select_user(pilot, username: str) -> None:
    """Move the users table's highlight down to a user, by keys."""
    await pilot.press(*["down"] * USERS.index(username))


async def fill_add_user(pilot, username: str, pin: str, again: str, name: str = "Carl Jones") -> None:
    """a, then: user name, full name, tick officer (space), tab past the other roles, PIN twice."""
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AddUserForm)
    await pilot.press(*username, "enter", *name, "enter", "space")
    await pilot.press(*["tab"] * 5, *pin, "enter", *again)


async def test_admin_adds_a_user_who_can_then_sign_in(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        await fill_add_user(pilot, "carl", "246810", "246810")
        await pilot.press("enter")  # enter in the last field posts
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert "User carl added" in shown(app, "#admin-message")
        table = app.screen.query_one("#users-table")
        assert "carl" in [key.value for key in table.rows]
    row = user_row(demo_db, "carl")
    assert row["roles"] == "officer" and row["name"] == "Carl Jones" and row["active"]
    with Ledger.open(demo_db) as ledger:
        actor = ledger.authenticate("carl", "246810")
    assert actor.roles == frozenset({"officer"})


async def test_two_different_pins_are_refused_in_the_screen(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        await fill_add_user(pilot, "carl", "246810", "246811")
        assert "The two PINs differ" in shown(app, "#form-preview")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AddUserForm), "the form stays, with what was typed"
        assert "The two PINs differ: type the same PIN twice." in shown(app, "#form-message")
        assert app.screen.query_one("#username").value == "carl"
    assert user_row(demo_db, "carl") is None


async def test_a_short_pin_is_refused_in_words(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        await fill_add_user(pilot, "carl", "1234", "1234")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AddUserForm)
        assert shown(app, "#form-message") == "Refused: a PIN must be 6 to 12 digits (0-9 only)."
        assert "-error" in app.screen.query_one("#form-message").classes
    assert user_row(demo_db, "carl") is None


async def test_a_second_bob_is_refused_in_words(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        await fill_add_user(pilot, "bob", "246810", "246810", name="Another Bob")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AddUserForm)
        assert shown(app, "#form-message") == "Refused: there is already a user bob."
    assert user_row(demo_db, "bob")["name"] != "Another Bob"


async def test_admin_unlocks_a_locked_user(app, demo_db):
    with Ledger.open(demo_db) as ledger:
        for _ in range(5):
            with pytest.raises(Refused):
                ledger.authenticate("bob", "000000")
    assert user_row(demo_db, "bob")["locked"]
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        table = app.screen.query_one("#users-table")
        assert str(table.get_row("bob")[3]) == "yes"
        await select_user(pilot, "bob")
        await pilot.press("u")
        await settle(pilot)
        assert "bob unlocked" in shown(app, "#admin-message")
        assert str(table.get_row("bob")[3]) == "no"
    assert not user_row(demo_db, "bob")["locked"]
    with Ledger.open(demo_db) as ledger:
        assert ledger.authenticate("bob", "222222").username == "bob"


async def test_admin_changes_a_users_roles(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        await select_user(pilot, "alice")
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one("#role-officer").value is True
        await pilot.press("tab", "space", "ctrl+s")  # officer is ticked; tick supervisor too
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert "alice now holds: officer, supervisor" in shown(app, "#admin-message")
    assert user_row(demo_db, "alice")["roles"] == "officer,supervisor"


async def test_deactivating_asks_first_and_no_leaves_the_user_alone(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        await select_user(pilot, "dev")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert user_row(demo_db, "dev")["active"]
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "dev deactivated" in shown(app, "#admin-message")
        assert str(app.screen.query_one("#users-table").get_row("dev")[2]) == "no"
    assert not user_row(demo_db, "dev")["active"]
    with Ledger.open(demo_db) as ledger, pytest.raises(Refused) as refused:
        ledger.authenticate("dev", "888888")
    assert refused.value.outcome is Outcome.USER_INACTIVE


async def test_ctrl_r_reads_the_ledger_again_and_ctrl_x_signs_out(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(pilot)
        table = app.screen.query_one("#users-table")
        with Ledger.open(demo_db) as ledger:  # another terminal adds a user meanwhile
            ledger.add_user(ledger.authenticate("adam", "555555"), "zoe", ("auditor",), "135790")
        assert "zoe" not in [key.value for key in table.rows]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "zoe" in [key.value for key in table.rows]
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.actor is None
