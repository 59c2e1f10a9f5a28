"""The bench's console figures for the finance desk: the work queue's read, and its update on screen.

Run on the pay-run bench's desk (console/bench_finance.py) before its run closes. Each sample: sam
authorises the item at the head of fay's queue from another terminal, then fay presses ctrl+r. Three
times are taken: the worker's read alone (`Desk.work_queue`, which is all a refresh reads), the key to the
first frame without that item, and, inside that, the UI thread's part: from the queue's message being
handled to the frame that shows it (the table's update and Textual's layout and rendering). Beside it, in
the same run, the same screen's cheapest frame: ↓ moving the cursor one row. The lines the table had to
build are counted too: a refresh rebuilds only the rows that changed."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path

#: Refreshes (and cursor moves) timed; each takes one waiting item off the queue.
SAMPLES = 12


def queue_read_ms(path: Path, now: datetime, repeats: int = SAMPLES) -> float:
    """The median milliseconds of the console's queue read (the worker's one call), on its own."""
    from console.bench_parts import median
    from console.desk import Desk

    desk = Desk(path, clock=lambda: now)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        desk.work_queue()
        times.append(time.perf_counter() - started)
    return median(times) * 1000


def queue_refresh(path: Path, now: datetime, samples: int = SAMPLES) -> dict:
    """Figures for fay's home at this ledger's size (see the module docstring); at most `samples` refreshes."""
    from console.bench_parts import median

    samples = max(1, min(samples, SAMPLES))
    read_ms = queue_read_ms(path, now)
    samples_taken, cursor_moves = asyncio.run(_refreshes(path, now, samples))
    key_to_frame = [sample[0] for sample in samples_taken]
    ui_part = [sample[1] for sample in samples_taken]
    return {"queue_read_ms": round(read_ms, 2),
            "queue_refresh_ms_p50": round(median(key_to_frame) * 1000, 2),
            "queue_ui_ms_p50": round(median(ui_part) * 1000, 2), "queue_ui_ms_max": round(max(ui_part) * 1000, 2),
            "queue_cursor_ms_p50": round(median(cursor_moves) * 1000, 2),
            "queue_lines_built_max": max(sample[2] for sample in samples_taken)}


async def _refreshes(path: Path, now: datetime, samples: int) -> tuple[list[tuple[float, float, int]], list[float]]:
    from console.app import CashdeskApp
    from console.bench_parts import BenchFailed
    from console.bench_ui import FrameWatch, _settle, _sign_in
    from console.desk import Desk
    from ledger.book import Ledger
    from ledger.service import Actor
    from screens.finance import FinanceHome
    from screens.finance_queue import QueueLoaded
    from screens.widgets.row_list import RowList

    sam = Actor("sam", frozenset({"supervisor"}))
    handled: list[float] = []

    def hook(message) -> None:
        if isinstance(message, QueueLoaded):
            handled.append(time.perf_counter())

    app = CashdeskApp(Desk(path, clock=lambda: now, terminal="bench:finance"))
    frames, taken = FrameWatch(app), []
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await _sign_in(pilot, "fay", "666666")
        if not isinstance(app.screen, FinanceHome):
            raise BenchFailed("fay did not reach the finance home")
        table = app.screen.query_one(RowList)
        for _ in range(samples):
            if not table.keys:
                raise BenchFailed("the finance queue ran out of items to authorise")
            head = table.keys[0]
            with Ledger.open(path, clock=lambda: now, terminal="bench:other") as ledger:
                ledger.authorise_item(sam, head)
            built, handled[:] = table.lines_built, []
            seconds = await frames.time_key(pilot, "ctrl+r", lambda: head not in table.cells,
                                            f"the queue without {head}")
            taken.append((seconds, frames.shown_at - handled[0], table.lines_built - built))
            await _settle(pilot)
        moves = [await _cursor_move(pilot, frames, table) for _ in range(samples)]
    return taken, moves


async def _cursor_move(pilot, frames, table) -> float:
    """The baseline in the same run: ↓ (↑ from the last row) to the frame with the cursor moved, no reading."""
    row = table.cursor_row
    key, to = ("down", row + 1) if row < table.row_count - 1 else ("up", row - 1)
    return await frames.time_key(pilot, key, lambda: table.cursor_row == to, f"the cursor moved {key}")
