"""The bench's console measurements, headless (Textual's Pilot): key press to confirmation, the auditor's
paging, and console start against a minimal Textual app. Imports stay inside functions, so that the
minimal app's probe process pays for Textual alone."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

SIZE = (80, 24)
WAIT_LIMIT_S = 60


async def _settle(pilot) -> None:
    """Every worker finished and the screen caught up (never a sleep)."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _sign_in(pilot, username: str, pin: str) -> None:
    await pilot.press(*username, "enter", *pin, "enter")
    await _settle(pilot)


async def _until(condition, what: str) -> None:
    """Poll `condition` every half millisecond, yielding to the app's loop and its workers meanwhile."""
    from console.bench_parts import BenchFailed

    deadline = time.perf_counter() + WAIT_LIMIT_S
    while not condition():
        if time.perf_counter() > deadline:
            raise BenchFailed(f"gave up after {WAIT_LIMIT_S} s waiting for {what}")
        await asyncio.sleep(0.0005)


class FrameWatch:
    """Times the first frame the app composes (headless: rendered, not written) in which `condition` holds.

    Pilot's `press` returns only once the process looks idle (tens of milliseconds of sleeps), so the
    bench never times a press's return: it times from sending the key to the frame showing the answer."""

    def __init__(self, app) -> None:
        self.condition = None
        self.shown_at: float | None = None
        compose_frame = app._display

        def display(screen, renderable) -> None:
            compose_frame(screen, renderable)
            if renderable is not None and self.condition is not None and self.shown_at is None and self.condition():
                self.shown_at = time.perf_counter()

        app._display = display

    async def time_key(self, pilot, key: str, condition, what: str, stop=lambda: None) -> float:
        """Seconds from sending `key` to the first frame in which `condition()` holds; `stop()` may raise."""
        self.condition, self.shown_at = condition, None
        start = time.perf_counter()
        await pilot.press(key)

        def shown() -> bool:
            stop()
            return self.shown_at is not None

        await _until(shown, what)
        self.condition = None
        return self.shown_at - start


# -- (c) key press to confirmation -----------------------------------------------------------------
def keypress_to_confirm(folder: Path, receipts: int) -> dict:
    """Receipts typed into the real console over a fresh demo ledger: ctrl+s until the home screen shows
    "Receipt number …" (the worker's post, fsync included, the form closing, the line updated)."""
    from console.bench_parts import percentile
    from ledger.book import Ledger
    from ledger.demo import build_demo
    from ledger.service import Actor

    db = folder / "demo.db"
    build_demo(db).close()
    with Ledger.open(db, terminal="bench:console") as ledger:
        ledger.open_session(Actor("alice", frozenset({"officer"})), 5000)
    samples = asyncio.run(_receipts_by_keys(db, receipts))
    return {"keypress_to_confirm_ms_p50": round(percentile(samples, 0.50) * 1000, 3),
            "keypress_to_confirm_ms_p95": round(percentile(samples, 0.95) * 1000, 3),
            "keypress_receipts": receipts}


async def _receipts_by_keys(db: Path, receipts: int) -> list[float]:
    from console.app import CashdeskApp
    from console.desk import Desk
    from ledger.demo import LOGINS

    app = CashdeskApp(Desk(db, terminal="bench:console"))
    frames, samples = FrameWatch(app), []
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(pilot, "alice", LOGINS["alice"][1])
        for _ in range(receipts):
            await pilot.press("r")
            await _settle(pilot)
            await pilot.press("2", "tab", "tab", "enter", "down", "enter", "tab", "J", "o")  # £2, cash, code, payer
            await _settle(pilot)
            samples.append(await frames.time_key(pilot, "ctrl+s", lambda: _confirmed(app),
                                                 "the receipt's confirmation", lambda: _not_refused(app)))
            await _settle(pilot)
    return samples


def _confirmed(app) -> bool:
    """The officer's home is back, showing the confirmation line."""
    from screens.officer import OfficerHome

    screen = app.screen
    return isinstance(screen, OfficerHome) and "Receipt number" in str(screen.query_one("#officer-message").render())


def _not_refused(app) -> None:
    """A refusal on the form stops the bench (it would never confirm)."""
    from console.bench_parts import BenchFailed

    said = [str(line.render()) for line in app.screen.query("#form-message")]
    if said and said[0].startswith("Refused"):
        raise BenchFailed(f"the receipt form said: {said[0]}")


# -- (d) the auditor's browser ---------------------------------------------------------------------
def browser_paging(db: Path, presses: int) -> dict:
    """End (the last page), then page up `presses` times: each from the key to the rows on screen."""
    from console.bench_parts import median

    end_s, pages = asyncio.run(_page_through(db, presses))
    times = [seconds for seconds, _ in pages]
    return {"browser_end_ms": round(end_s * 1000, 3), "browser_page_ms_p50": round(median(times) * 1000, 3),
            "browser_page_ms_max": round(max(times) * 1000, 3), "browser_pages": presses,
            "browser_page_loads": sum(1 for _, loaded in pages if loaded)}


async def _page_through(db: Path, presses: int) -> tuple[float, list[tuple[float, bool]]]:
    from console.app import CashdeskApp
    from console.bench_parts import AUDITOR, PIN, BenchFailed
    from console.desk import Desk
    from screens.auditor import AuditorHome

    app = CashdeskApp(Desk(db, terminal="bench:auditor"))
    frames = FrameWatch(app)
    async with app.run_test(size=SIZE) as pilot:
        await _sign_in(pilot, AUDITOR, PIN)
        screen = app.screen
        if not isinstance(screen, AuditorHome):
            raise BenchFailed(f"{AUDITOR} did not reach the auditor's browser")
        end_s, _ = await _timed_key(pilot, frames, screen, "end")
        if screen.window.last_seq != screen.head_seq:
            raise BenchFailed("End did not show the head of the ledger")
        pages = [await _timed_key(pilot, frames, screen, "pageup") for _ in range(presses)]
    return end_s, pages


async def _timed_key(pilot, frames: FrameWatch, screen, key: str) -> tuple[float, bool]:
    """Seconds from the key to the frame showing the moved cursor or the new page, and whether it read one."""
    from screens.auditor import LedgerTable

    table = screen.query_one(LedgerTable)

    def where() -> tuple:
        return screen.window.first_seq, screen.window.last_seq, table.cursor_row

    before, asked = where(), screen.request
    seconds = await frames.time_key(pilot, key, lambda: not screen.reading and where() != before,
                                    f"the page after {key}")
    await _settle(pilot)
    return seconds, screen.request != asked


# -- console start against a minimal Textual app -------------------------------------------------------
def console_start(db: Path, repeats: int) -> dict:
    """Whole processes, in turns: the console to its sign-in screen (office name loaded), and a minimal
    Textual app (one label, one input) to its first screen, both headless."""
    from console.bench_parts import child_env, median, run_process

    probe = "from console.bench_ui import start_probe; start_probe({!r})"
    commands = {"console_start_s": [sys.executable, "-c", probe.format(str(db))],
                "minimal_app_start_s": [sys.executable, "-c", probe.format(None)]}
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    env = child_env()
    for _ in range(repeats):
        for name, command in commands.items():
            wall, peak = run_process(command, env)
            seconds[name].append(wall)
            peaks[name].append(peak)
    figures = {name: round(median(times), 4) for name, times in seconds.items()}
    figures.update({name.replace("_start_s", "_peak_rss_kb"): int(median(values)) for name, values in peaks.items()})
    return figures


def start_probe(db: str | None) -> None:
    """Run in a fresh process by `console_start`: start one app headless, wait for its first screen, quit."""
    asyncio.run(_probe(db))


async def _probe(db: str | None) -> None:
    if db is None:
        from textual.app import App, ComposeResult
        from textual.widgets import Input, Label

        class Minimal(App):
            def compose(self) -> ComposeResult:
                yield Label("User name")
                yield Input()

        app = Minimal()
        ready = lambda: bool(app.screen.query("Input"))  # noqa: E731
    else:
        from console.app import CashdeskApp
        from console.desk import Desk
        from screens.signin import SignInScreen

        app = CashdeskApp(Desk(Path(db), terminal="bench:start"))
        ready = lambda: isinstance(app.screen, SignInScreen)  # noqa: E731
    async with app.run_test(size=SIZE) as pilot:
        await _until(ready, "the first screen")
        await _settle(pilot)
