"""The idle lock over the admin's screens: a half-filled form survives it; five wrong PINs sign out and lock."""

from __future__ import annotations

from console.app import CashdeskApp
from console.desk import Desk
from ledger.book import Ledger
from ledger.service import SeededIds
from screens.admin import AdminHome
from screens.admin_forms import AddUserForm
from screens.lock import LockScreen
from screens.signin import SignInScreen
from console_support import SIZE, FixedClock, settle, sign_in


class Stopwatch:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


async def start_adding_carl(pilot) -> None:
    await sign_in(pilot, "adam", "555555")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    await pilot.press(*"carl", "enter", *"Carl Jones")


async def test_the_lock_keeps_the_half_filled_form(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await start_adding_carl(pilot)
        app.action_lock()  # what the idle timer calls
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"555555", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AddUserForm), "back at the form, not the home screen"
        assert app.screen.query_one("#username").value == "carl"
        assert app.screen.query_one("#full-name").value == "Carl Jones"
        await pilot.press("enter", "space", *["tab"] * 5, *"246810", "enter", *"246810", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
    with Ledger.open(demo_db) as ledger:
        assert ledger.authenticate("carl", "246810").roles == frozenset({"officer"})


async def test_five_wrong_pins_at_the_lock_sign_out_and_lock_the_user(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await start_adding_carl(pilot)
        app.action_lock()
        await settle(pilot)
        for attempt in range(4):
            await pilot.press(*"999999", "enter")
            await settle(pilot)
            assert isinstance(app.screen, LockScreen), f"still asking after {attempt + 1} wrong PINs"
        await pilot.press(*"999999", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.actor is None and len(app.screen_stack) == 2
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        adam = reader.user("adam")
        assert adam["locked"] and adam["failures"] == 5
        assert reader.user("carl") is None


async def test_the_idle_lock_set_on_the_settings_tab_locks_after_that_many_seconds(demo_db):
    stopwatch = Stopwatch()
    app = CashdeskApp(Desk(demo_db, clock=FixedClock(), terminal="test:console", ids=SeededIds("console")),
                      monotonic=stopwatch)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "adam", "555555")
        await settle(pilot)
        await pilot.press("4", "i")
        await settle(pilot)
        await pilot.press(*"30", "enter")
        await settle(pilot)
        assert app.idle_lock_seconds() == 30
        app.refresh_idle_seconds()  # the app re-reads the setting every minute, in a worker
        await settle(pilot)
        stopwatch.seconds += 29
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, AdminHome), "not yet: 29 seconds idle"
        stopwatch.seconds += 1
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen), "locked at 30 seconds idle"
