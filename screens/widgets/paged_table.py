"""A table over a window of a long list: moving past either end asks for the next page."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message

from screens.widgets.line_table import LineTable


class PagedTable(LineTable):
    """Holds only a few pages; the screen that owns it loads more when `EdgeReached` arrives.

    `direction` is "after" (past the last row), "before" (past the first row), "first" (Home, g)
    or "last" (End, G)."""

    BINDINGS = [
        Binding("home,g", "first_page", "First", id="paged.first", show=False,
                tooltip="Go to the first page"),
        Binding("end,G", "last_page", "Last", id="paged.last", show=False, tooltip="Go to the last page"),
    ]

    class EdgeReached(Message):
        """The cursor was moved past the rows held: the owner loads the page in `direction`."""

        def __init__(self, table: "PagedTable", direction: str) -> None:
            super().__init__()
            self.table = table
            self.direction = direction

        @property
        def control(self) -> "PagedTable":
            return self.table

    def _edge(self, direction: str) -> None:
        self.post_message(self.EdgeReached(self, direction))

    def _at_last_row(self) -> bool:
        return self.row_count == 0 or self.cursor_row >= self.row_count - 1

    def action_cursor_down(self) -> None:
        if self._at_last_row():
            self._edge("after")
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0:
            self._edge("before")
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if self._at_last_row():
            self._edge("after")
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.cursor_row <= 0:
            self._edge("before")
        else:
            super().action_page_up()

    def action_first_page(self) -> None:
        self._edge("first")

    def action_last_page(self) -> None:
        self._edge("last")

    def action_scroll_top(self) -> None:
        self._edge("first")

    def action_scroll_bottom(self) -> None:
        self._edge("last")
