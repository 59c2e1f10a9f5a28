"""The work queue as both finance desks show it: a table updated row by row, and the time left to a cut-off."""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

KIND_NAMES = {"invoice": "Invoice", "payment": "Payment", "package": "Package", "change": "Change"}


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


class QueueTable(DataTable):
    """Rows keyed by item; `show` touches only what changed (a refresh after one authorisation removes
    one row and appends one), so updating the queue costs the change, not the queue."""

    BINDINGS = [
        Binding("home", "scroll_top", "First", id="queue.first", show=False, tooltip="The first item"),
        Binding("end", "scroll_bottom", "Last", id="queue.last", show=False, tooltip="The last item held"),
    ]

    def __init__(self, columns: tuple[tuple[str, int], ...], **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.column_spec = columns
        self.shown: dict[str, tuple] = {}
        self.row_operations = 0

    def on_mount(self) -> None:
        for label, width in self.column_spec:
            self.add_column(label, width=width, key=label.lower())

    def show(self, rows: list[tuple[str, tuple]]) -> None:
        """Make the table hold exactly `rows` (key, cells), in that order, with the fewest row operations."""
        wanted = dict(rows)
        for key in [key for key in self.shown if key not in wanted]:
            self.remove_row(key)
            del self.shown[key]
            self.row_operations += 1
        keys = [label.lower() for label, _ in self.column_spec]
        for key, cells in rows:
            before = self.shown.get(key)
            if before is None:
                self.add_row(*cells, key=key)
                self.row_operations += 1
            elif before != cells:
                for column, old, new in zip(keys, before, cells):
                    if old != new:
                        self.update_cell(key, column, new)
                self.row_operations += 1
            self.shown[key] = cells
        if list(self.shown) != [key for key, _ in rows]:
            self._rebuild(rows)

    def _rebuild(self, rows: list[tuple[str, tuple]]) -> None:
        """A new row belongs before the old ones (the order moved): lay the table out again."""
        self.clear()
        self.shown = {}
        for key, cells in rows:
            self.add_row(*cells, key=key)
            self.shown[key] = cells
        self.row_operations += len(rows)

    def key_under_cursor(self) -> str | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


def cell(text: str, right: bool = False) -> Text:
    """A cell that shows text as typed (no markup), right-aligned for money."""
    return Text(text, justify="right" if right else "left")
