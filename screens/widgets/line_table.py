"""A table drawn a line at a time (Textual's Line API): each row's text is laid out once, and only the
lines on screen are drawn, so replacing a hundred rows or moving the cursor costs a few lines of work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: Columns are padded one cell each side; two more are kept for the vertical scroll bar.
PADDING = 1
SCROLLBAR = 2
ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """A column: its heading (always left-justified), a key to find its cells by, a fixed width or None
    to fit the widest cell, how cells are justified, whether it takes (or gives up) the width left over,
    and whether a cell too long for it ends in … (else it is cropped)."""

    label: str
    key: str
    width: int | None = None
    justify: Literal["left", "right"] = "left"
    flexible: bool = False
    ellipsis: bool = False


def fit(text: str, width: int, justify: str = "left", ellipsis: bool = False) -> str:
    """`text` in exactly `width` cells: padded, or cropped (ending in … if `ellipsis`)."""
    length = cell_len(text)
    if length > width:
        if ellipsis and width > 0:
            return set_cell_size(text, width - 1) + ELLIPSIS
        return set_cell_size(text, width)
    padding = " " * (width - length)
    return padding + text if justify == "right" else text + padding


class LineTable(ScrollView, can_focus=True):
    """Rows of plain text (never markup) under a fixed header, with a row cursor and zebra stripes.

    Set the rows with `set_rows`; read them back with `row_keys`, `cursor_key` and `cell`. Enter
    (or a click on the cursor's row) posts `RowChosen`. Looks like Textual's DataTable."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "scroll_top", "Top", show=False),
        Binding("ctrl+end", "scroll_bottom", "Bottom", show=False),
    ]

    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor", "line-table--even-row",
                         "line-table--odd-row"}

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .line-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .line-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .line-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .line-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class RowChosen(Message):
        """Enter on a row, or a click on the cursor's row."""

        def __init__(self, table: "LineTable", key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> "LineTable":
            return self.table

    def __init__(self, columns: Sequence[Column], *, zebra_stripes: bool = True, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = tuple(columns)
        self.zebra_stripes = zebra_stripes
        self._keys: list[str] = []
        self._cells: list[tuple[str, ...]] = []
        self._index: dict[str, int] = {}
        self._natural: list[int] = [cell_len(column.label) for column in self.columns]
        self._lines: list[tuple[str, ...]] | None = None  # the rows laid out for `_laid_out_for`
        self._laid_out_for = -1
        self._header: tuple[str, ...] = ()
        self._widths: list[int] = []
        self.cursor_row = 0
        self._base_style = Style.null()
        self._line_width = 0
        self._column_meta = [Style.from_meta({"column": index}) for index in range(len(self.columns))]

    # -- the rows ---------------------------------------------------------------------------------
    def set_rows(self, cells: Sequence[tuple[str, ...]], keys: Sequence[str], cursor_key: str | None = None) -> None:
        """Replace every row; the cursor goes to `cursor_key` (else stays at its index, within the rows)."""
        self._cells, self._keys = list(cells), list(keys)
        self._index = {key: index for index, key in enumerate(self._keys)}
        natural = [cell_len(column.label) for column in self.columns]
        for row in self._cells:
            for index, text in enumerate(row):
                if cell_len(text) > natural[index]:
                    natural[index] = cell_len(text)
        self._natural, self._lines = natural, None
        row = self._index.get(cursor_key, self.cursor_row) if cursor_key is not None else self.cursor_row
        self.cursor_row = max(0, min(row, len(self._keys) - 1))
        self._lay_out()
        self._scroll_to_cursor()
        self.refresh()

    def _lay_out(self) -> None:
        """Lay the rows out for the current width, and size the scrolling area to them."""
        self._lines_for(self.outer_size.width or self.app.size.width)
        self.virtual_size = Size(self._line_width, len(self._cells) + 1)

    def clear(self) -> None:
        self.set_rows([], [])

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def row_keys(self) -> list[str]:
        return list(self._keys)

    @property
    def cursor_key(self) -> str | None:
        return self._keys[self.cursor_row] if self._keys else None

    def cell(self, key: str, column_key: str) -> str:
        """The text shown in one cell (cut with … when its column is too narrow for it)."""
        self._lines_for(self.outer_size.width or self.app.size.width)
        index = next(number for number, column in enumerate(self.columns) if column.key == column_key)
        text, column = self._cells[self._index[key]][index], self.columns[index]
        return fit(text, self._widths[index], ellipsis=column.ellipsis) if cell_len(text) > self._widths[index] else text

    def row_index(self, key: str) -> int | None:
        return self._index.get(key)

    # -- laying out --------------------------------------------------------------------------------
    def _lines_for(self, width: int) -> list[tuple[str, ...]]:
        """Column widths for a table `width` cells wide (scroll bar included), and every row's cells at
        those widths, padded."""
        if self._lines is not None and self._laid_out_for == width:
            return self._lines
        widths = [column.width if column.width is not None else natural
                  for column, natural in zip(self.columns, self._natural)]
        flexible = [index for index, column in enumerate(self.columns) if column.flexible]
        if flexible:
            others = sum(w + 2 * PADDING for index, w in enumerate(widths) if index != flexible[0])
            widths[flexible[0]] = max(width - others - 2 * PADDING - SCROLLBAR, 8)
        self._widths, self._laid_out_for = widths, width
        self._line_width = sum(widths) + 2 * PADDING * len(widths)
        pad = " " * PADDING
        self._header = tuple(pad + fit(column.label, width) + pad for column, width in zip(self.columns, widths))
        self._lines = [self._line(row) for row in self._cells]
        return self._lines

    def _line(self, texts: Sequence[str]) -> tuple[str, ...]:
        pad = " " * PADDING
        return tuple(pad + fit(text, width, column.justify, column.ellipsis) + pad
                     for text, width, column in zip(texts, self._widths, self.columns))

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out()
        self._scroll_to_cursor()

    # -- drawing -----------------------------------------------------------------------------------
    def render_lines(self, crop):
        self._base_style = self.rich_style  # one look-up a frame, not one a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        lines = self._lines_for(self.outer_size.width or self.app.size.width)
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self._base_style
        if y == 0:
            style = base + self.get_component_rich_style("line-table--header")
            cells = self._header
        else:
            row = scroll_y + y - 1
            if row >= len(lines):
                return Strip.blank(width, base)
            style = base + self._row_style(row)
            cells = lines[row]
        # A segment a cell, each marked with its column (as DataTable does): pictures keep their columns.
        line = Strip([Segment(text, style + meta) for text, meta in zip(cells, self._column_meta)], self._line_width)
        return line.extend_cell_length(scroll_x + width, style).crop(scroll_x, scroll_x + width)

    def _row_style(self, row: int) -> Style:
        if row == self.cursor_row:
            stripe = self._stripe(row)
            return stripe + self.get_component_rich_style("line-table--cursor")
        return self._stripe(row)

    def _stripe(self, row: int) -> Style:
        if not self.zebra_stripes:
            return Style.null()
        return self.get_component_rich_style("line-table--odd-row" if row % 2 else "line-table--even-row")

    # -- the cursor --------------------------------------------------------------------------------
    @property
    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (kept within the rows) and scroll it into view."""
        if not self._keys:
            return
        old, self.cursor_row = self.cursor_row, max(0, min(row, len(self._keys) - 1))
        if old != self.cursor_row:
            self.refresh_line(old + 1)
            self.refresh_line(self.cursor_row + 1)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        top, rows = round(self.scroll_y), self._page_rows
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, force=True)
        elif self.cursor_row >= top + rows:
            self.scroll_to(y=self.cursor_row - rows + 1, animate=False, force=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page_rows)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page_rows)

    def action_scroll_top(self) -> None:
        self.move_cursor(0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(len(self._keys) - 1)

    def action_select_cursor(self) -> None:
        if self._keys:
            self.post_message(self.RowChosen(self, self._keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_y) + event.y - 1
        if event.y < 1 or not 0 <= row < len(self._keys):
            return
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row)
