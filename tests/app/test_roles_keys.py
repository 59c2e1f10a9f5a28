"""One desk's keys never reach another desk's acts, by key or by the command palette.

Signed in at their own desk, each of the demo's officer, supervisor, finance officer, auditor and
admin presses every key the other desks bind (all those not active on their own screen): nothing
opens, nothing is written, the home stays. The palette offers none of the other desks' acts. A
user with no role lands on no desk and every desk's keys do nothing there; a user with two roles
is offered exactly those two desks. Control: a key of the user's own desk, pressed after all that, still opens its
form, so the keys did arrive. (Every act by every role through the console's Desk is in
tests/reliability/test_roles_console.py.)
"""

from __future__ import annotations

import sqlite3

import pytest
from textual.screen import Screen
from textual.widgets import OptionList

from ledger.book import Ledger
from ledger.service import Actor
from screens.admin import AdminHome
from screens.auditor import AuditorHome
from screens.finance import FinanceHome
from screens.homes import DeskChooser, NoDesk
from screens.officer import OfficerHome
from screens.signin import SignInScreen
from screens.supervisor import SupervisorHome
from console_support import SIZE, FixedClock, settle, sign_in

DESKS = (OfficerHome, SupervisorHome, FinanceHome, AuditorHome, AdminHome)
#: user -> (PIN, the desk they land on, a key of that desk that opens a screen: the control)
USERS = {"alice": ("111111", OfficerHome, "o"), "sam": ("333333", SupervisorHome, "enter"),
         "fay": ("666666", FinanceHome, "a"), "ava": ("444444", AuditorHome, "f"), "adam": ("555555", AdminHome, "a")}
#: Keys that are everyone's: quitting, signing out, locking, help.
EVERYONES = {"ctrl+q", "ctrl+x", "ctrl+l", "f1", "ctrl+p", "ctrl+c"}


def keys_of(desk: type[Screen]) -> set[str]:
    return {key.strip() for binding in desk.BINDINGS for key in binding.key.split(",")}


def acts_of(desk: type[Screen]) -> set[str]:
    return {binding.description for binding in desk.BINDINGS}


def file_head(db) -> tuple[int, str]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()


def add_user(db, username: str, roles: tuple[str, ...], pin: str) -> None:
    with Ledger.open(db, clock=FixedClock(), terminal="test:setup") as ledger:
        ledger.add_user(Actor("adam", frozenset({"admin"})), username, roles, pin)


def count_alices_day(db) -> None:
    """So the supervisor's queue has a day under the cursor (the control's `enter`)."""
    alice = Actor("alice", frozenset({"officer"}))
    with Ledger.open(db, clock=FixedClock(), terminal="test:setup") as ledger:
        ledger.open_session(alice, 5000)
        ledger.declare_count(alice, denominations={5000: 1}, cheques_counted=0)


async def press_all(pilot, keys) -> None:
    """Press each key, then let whatever they started finish (a form one opened would stay on top)."""
    await pilot.press(*sorted(keys))
    await settle(pilot)


@pytest.mark.parametrize("user", USERS)
async def test_a_desk_never_reaches_another_desks_acts(app, demo_db, user):
    pin, desk, own_key = USERS[user]
    count_alices_day(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, user, pin)
        home = app.screen
        assert type(home) is desk
        palette = {command.title for command in app.get_system_commands(home)}
        foreign_acts = set().union(*(acts_of(other) for other in DESKS if other is not desk)) - acts_of(desk)
        assert palette & foreign_acts == set(), "the palette offers another desk's acts"
        assert palette & acts_of(desk), "control: the palette offers this desk's own acts"
        active = set(home.active_bindings) | keys_of(desk)
        foreign_keys = set().union(*(keys_of(other) for other in DESKS if other is not desk)) - active - EVERYONES
        assert foreign_keys, "control: there are other desks' keys to press"
        before = file_head(demo_db)
        await press_all(pilot, foreign_keys)
        assert app.screen is home and file_head(demo_db) == before
        await pilot.press(own_key)  # control: the desk's own key still opens its screen
        await settle(pilot)
        assert app.screen is not home and file_head(demo_db) == before


async def test_a_user_with_no_role_has_no_desk_and_no_desk_key_does_anything(app, demo_db):
    add_user(demo_db, "nora", (), "909090")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "nora", "909090")
        assert type(app.screen) is NoDesk
        before = file_head(demo_db)
        await press_all(pilot, set().union(*(keys_of(desk) for desk in DESKS)) - EVERYONES)
        assert type(app.screen) is NoDesk and file_head(demo_db) == before
        await pilot.press("ctrl+x")  # control: the one key it has
        await settle(pilot)
        assert type(app.screen) is SignInScreen


async def test_a_user_with_two_roles_is_offered_exactly_those_two_desks(app, demo_db):
    add_user(demo_db, "olga", ("officer", "admin"), "919191")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "olga", "919191")
        assert type(app.screen) is DeskChooser
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(n).id for n in range(options.option_count)] == ["officer", "admin"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert type(app.screen) is AdminHome
