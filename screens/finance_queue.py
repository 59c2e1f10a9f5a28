"""The work queue's words on both finance desks: what a row is, the run it must meet and the time left."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the read model's shape; the screens never read the store
    from ledger.finance_views import WorkQueue

KIND_NAMES = {"invoice": "Invoice", "payment": "Payment", "package": "Package", "change": "Change"}


class QueueLoaded(Message):
    """The work queue was read (or the ledger could not be read: `problem`)."""

    def __init__(self, queue: WorkQueue | None, problem: str = "") -> None:
        super().__init__()
        self.queue = queue
        self.problem = problem


def utc_moment(text: str) -> datetime:
    """A ledger timestamp ('2026-11-24T17:00:00.000000Z') as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def seconds_left(now: datetime, cutoff_utc: str) -> int:
    return int((utc_moment(cutoff_utc) - now).total_seconds())


def countdown_words(seconds: int) -> str:
    """'1 d 07:00:00 left', '00:04:59 left', or 'passed' (to the second: the home's countdown)."""
    if seconds <= 0:
        return "passed"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    clock = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{days} d {clock} left" if days else f"{clock} left"


def left_words(seconds: int) -> str:
    """'1d 07h', '7h 05m', '45m' or 'passed' (to the minute: a queue row's deadline)."""
    if seconds <= 0:
        return "passed"
    minutes = seconds // 60
    days, minutes = divmod(minutes, 1_440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours:02d}h"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def cutoff_words(cutoff: str) -> str:
    """A run's London cut-off '2026-11-24 17:00:00' as 'Tue 24 Nov 17:00'."""
    day = date.fromisoformat(cutoff[:10])
    return f"{day:%a} {day.day} {day:%b} {cutoff[11:16]}"


def day_words(text: str) -> str:
    """'2026-11-27' as 'Fri 27 Nov'."""
    day = date.fromisoformat(text)
    return f"{day:%a} {day.day} {day:%b}"


def row_left(queue, row: dict, now: datetime) -> tuple[str, str]:
    """(run, time left) for a queue row: the next open run's cut-off, or the passed one it missed."""
    missed = next((flag for flag in row["flags"] if flag.startswith("missed ")), None)
    if missed is not None:
        return missed.removeprefix("missed "), "missed"
    if queue.run is None:
        return "none", ""
    return queue.run["run"], left_words(seconds_left(now, queue.run["cutoff_utc"]))


def row_cells(row: dict, money, flag: str, left: str) -> tuple[str, ...]:
    """A queue row's cells: item, what, payee, amount, keyed by, `flag` (its run, or how it stands against
    the supervisor's limit) and the time left."""
    return (row["item"], KIND_NAMES.get(row["kind"], row["kind"]), f"{row['payee']} {row['payee_name']}",
            money(row["cost_pence"]), row["keyed_by"], flag, left)


class CellCache:
    """A queue row's cells, made once per version of the row: formatting its money (babel, some 50 µs a
    figure) costs more than everything else a refresh does, so a refresh formats only the rows that changed."""

    def __init__(self, make) -> None:
        self.make = make
        self.made: dict[str, tuple[dict, tuple, tuple[str, ...]]] = {}

    def rows(self, rows: list[dict], extra) -> list[tuple[str, tuple[str, ...]]]:
        """(item, cells) for each row; `extra(row)` is what else a row's cells depend on (its time left …)."""
        made, fresh = self.made, {}
        for row in rows:
            more, held = extra(row), made.get(row["item"])
            if held is None or held[0] != row or held[1] != more:
                held = (row, more, self.make(row, *more))
            fresh[row["item"]] = held
        self.made = fresh
        return [(item, held[2]) for item, held in fresh.items()]
