"""Console test helpers: a fixed clock, the App at 80x24 over a ledger, signing in by keys."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from console.app import CashdeskApp
from console.desk import Desk
from ledger.service import SeededIds

#: Monday 23 November 2026, 10:00 London: the console's "now" in every app test.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
SIZE = (80, 24)


class FixedClock:
    """Always the same moment, so pictures and business dates never drift."""

    def __init__(self, moment: datetime = NOW) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def make_app(db: Path) -> CashdeskApp:
    return CashdeskApp(Desk(db, clock=FixedClock(), terminal="test:console", ids=SeededIds("console")))


async def sign_in(pilot, username: str, pin: str) -> None:
    """Type a user name and PIN at the sign-in screen and wait for the home screen."""
    await pilot.press(*username, "enter", *pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle(pilot) -> None:
    """Let every worker finish and the screen catch up (never a sleep)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
