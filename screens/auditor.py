"""The auditor's home: a ledger browser that holds a few pages at a time, and keys for the audit tools."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header

from ledger.service import Actor
from screens.auditor_rows import END_OF_LEDGER, Filters, PageWindow, row_cells
from screens.widgets.line_table import Column, LineTable
from screens.widgets.paged_table import PagedTable
from screens.widgets.status_line import StatusLine
from screens.widgets.steady_footer import SteadyFooter

COLUMNS = (Column("Seq", "seq", justify="right"), Column("Date", "date"), Column("Time", "time"),
           Column("Actor", "actor"), Column("Kind", "kind"), Column("Detail", "detail", flexible=True, ellipsis=True),
           Column("Amount", "amount", justify="right"))


class LedgerTable(PagedTable):
    """The browser's table: Enter opens the entry under the cursor."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Detail", id="auditor.detail",
                tooltip="Every column of this entry, its body, hash and link"),
    ]


class PageLoaded(Message):
    """A page of entries was read (or could not be: `problem`)."""

    def __init__(self, request: int, direction: str, rows: list[dict], head_seq: int,
                 problem: str = "") -> None:
        super().__init__()
        self.request = request
        self.direction = direction
        self.rows = rows
        self.head_seq = head_seq
        self.problem = problem


class AuditorHome(Screen):
    """Keys: ↑↓ browse (past either end loads the next page), g/G or Home/End the first/last page,
    Enter an entry's detail, f filters, ctrl+v verify, t replay to a time, x export."""

    PAGE_SIZE = 50
    MAX_PAGES = 3

    BINDINGS = [
        Binding("f", "filter", "Filter", id="auditor.filter",
                tooltip="Filter by business date, officer, kind and code"),
        Binding("c", "clear_filters", "Clear", id="auditor.clear_filters", show=False,
                tooltip="Show every entry again"),
        Binding("ctrl+v,V", "verify", "Verify", id="auditor.verify",
                tooltip="Check every hash and link of the chain"),
        Binding("t", "replay", "Replay", id="auditor.replay", tooltip="Balances by account as of a time"),
        Binding("x", "export", "Export", id="auditor.export", tooltip="Write the ledger to hledger, CSV or JSONL"),
        Binding("ctrl+r", "refresh", "Refresh", id="auditor.refresh", show=False,
                tooltip="Read the ledger again from the first page"),
        Binding("ctrl+x", "sign_out", "Sign out", id="auditor.sign_out", tooltip="Back to the sign-in screen"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.filters = Filters()
        self.window = PageWindow(self.PAGE_SIZE, self.MAX_PAGES)
        self.head_seq = 0
        self.request = 0
        self.reading = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusLine("", id="auditor-filters", markup=False)
        yield LedgerTable(COLUMNS, id="ledger-table", zebra_stripes=True)
        yield StatusLine("Reading the ledger…", id="auditor-status", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.show_filters()
        self.query_one(LedgerTable).focus()
        self.load("first")

    # -- loading pages -------------------------------------------------------------------------
    def load(self, direction: str) -> None:
        """Ask for a page: "first", "last", "after" the last row held or "before" the first."""
        if direction == "before" and (self.window.at_start or self.window.first_seq is None):
            self.say_position("The first entry" + (" that matches." if self.filters.active else "."))
            return
        if direction == "after" and self.window.last_seq is None:
            direction = "first"
        where: dict = {"limit": self.PAGE_SIZE}
        if direction == "after":
            where["after_seq"] = self.window.last_seq
        elif direction == "before":
            where["before_seq"] = self.window.first_seq
        elif direction == "last":
            where["before_seq"] = END_OF_LEDGER
        self.request += 1
        self.reading = True
        self.read_page(self.request, direction, self.filters, where)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def read_page(self, request: int, direction: str, filters: Filters, where: dict) -> None:
        try:
            rows, head_seq = self.app.desk.page_and_head(filters, **where)
        except Exception as error:
            self.post_message(PageLoaded(request, direction, [], 0, f"The ledger cannot be read: {error}"))
            return
        self.post_message(PageLoaded(request, direction, rows, head_seq))

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.request != self.request:
            return  # a later request replaced this one
        self.reading = False
        if message.problem:
            self.say(message.problem, error=True)
            return
        self.head_seq = message.head_seq
        rows, window, direction = message.rows, self.window, message.direction
        for row in rows:  # each row's cells are made once, when its page arrives
            row["cells"] = row_cells(row, self.app.money)
        cursor: int | None
        if direction == "first":
            window.start_at_first(rows)
            cursor = window.first_seq
        elif direction == "last":
            window.start_at_last(rows)
            cursor = window.last_seq
        elif direction == "after":
            window.add_after(rows)
            cursor = rows[0]["seq"] if rows else self._cursor_seq()
        else:
            window.add_before(rows)
            cursor = rows[-1]["seq"] if rows else self._cursor_seq()
        self.show_rows(cursor)

    def on_paged_table_edge_reached(self, message: PagedTable.EdgeReached) -> None:
        message.stop()
        if not self.reading or message.direction in ("first", "last"):
            self.load(message.direction)

    # -- showing -----------------------------------------------------------------------------
    def show_rows(self, cursor_seq: int | None) -> None:
        rows = self.window.rows
        table = self.query_one(LedgerTable)
        keys = [str(row["seq"]) for row in rows]
        wanted = None if cursor_seq is None else str(cursor_seq)
        if wanted is not None and wanted not in keys:
            wanted = keys[0] if keys else None
        table.set_rows([row["cells"] for row in rows], keys, wanted)
        self.say_position()

    def say_position(self, note: str = "") -> None:
        window = self.window
        if window.first_seq is None:
            text = "No entries match these filters." if self.filters.active else "The ledger is empty."
            self.say(text)
            return
        ends = [label for label, flag in (("start", window.at_start), ("end", window.at_end)) if flag]
        text = (f"Seq {window.first_seq}–{window.last_seq} ({len(window.rows)} rows held) · "
                f"head {self.head_seq}" + (f" · {' and '.join(ends)} of the ledger" if ends else ""))
        self.say(f"{text}. {note}".strip() if note else text)

    def show_filters(self) -> None:
        self.query_one("#auditor-filters", StatusLine).say(f"Filters: {self.filters.describe()}  (f to change)")

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#auditor-status", StatusLine)
        line.set_class(error, "-error")
        line.say(text)

    def _cursor_seq(self) -> int | None:
        key = self.query_one(LedgerTable).cursor_key
        return None if key is None else int(key)

    # -- the keys ------------------------------------------------------------------------------
    def on_line_table_row_chosen(self, event: LineTable.RowChosen) -> None:
        event.stop()
        from screens.auditor_detail import EntryDetailScreen

        self.app.push_screen(EntryDetailScreen(int(event.key)))

    def action_filter(self) -> None:
        from screens.auditor_filter import FilterScreen

        self.app.push_screen(FilterScreen(self.filters), self._filtered)

    def _filtered(self, filters: Filters | None) -> None:
        if filters is not None:
            self.filters = filters
            self.show_filters()
            self.load("first")

    def action_clear_filters(self) -> None:
        self._filtered(Filters())

    def action_refresh(self) -> None:
        self.load("first")

    def action_verify(self) -> None:
        from screens.auditor_verify import VerifyScreen

        self.app.push_screen(VerifyScreen())

    def action_replay(self) -> None:
        from screens.auditor_replay import ReplayScreen

        self.app.push_screen(ReplayScreen())

    def action_export(self) -> None:
        from screens.auditor_export import ExportScreen

        self.app.push_screen(ExportScreen(), self._exported)

    def _exported(self, written: str | None) -> None:
        if written:
            self.say(written)

    def action_sign_out(self) -> None:
        from screens.messages import SignOutRequested

        self.post_message(SignOutRequested())
