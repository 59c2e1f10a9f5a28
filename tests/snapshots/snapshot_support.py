"""Snapshot helpers shared by every screen's pictures: a fixed clock, the console, signing in by keys."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from textual.widgets import Input

from console.app import CashdeskApp
from console.desk import Desk
from ledger.service import SeededIds

#: Monday 23 November 2026, 10:00 London, as in the app tests.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
SIZE = (80, 24)


def fixed_clock() -> datetime:
    return NOW


def console(db: Path) -> CashdeskApp:
    """The console over `db` with the fixed clock and seeded entry ids (pictures never drift)."""
    return CashdeskApp(Desk(db, clock=fixed_clock, terminal="test:console", ids=SeededIds("console")))


async def settle(pilot) -> None:
    """Let every worker finish and the screen catch up, twice (key → worker → message → worker)."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def still(pilot) -> None:
    """No blinking cursor in the picture."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def signed_in_then(username: str, pin: str, *keys: str):
    """run_before: sign in, press `keys` (waiting for the ledger after each), hold the cursor still."""
    async def run_before(pilot) -> None:
        await pilot.press(*username, "enter", *pin, "enter")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await still(pilot)
    return run_before
