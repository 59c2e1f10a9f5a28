"""A table of plain-text rows drawn line by line, so that a change repaints only what it touches."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: (label, width in cells, right-aligned?) for each column; each cell is padded one cell either side.
Column = tuple[str, int, bool]


class RowList(ScrollView, can_focus=True):
    """Rows keyed by a string, each a tuple of plain-text cells, under a header that stays put.

    A row's line is built once (a few string operations, no Rich rendering) and kept while its cells stay
    the same and the cursor stays off it (no zebra stripes: a row's look never depends on its position, so
    rows that move up when one above them goes are not built again). `show` swaps in a new list of rows and repaints only the lines
    whose row changed; DataTable, by contrast, renders every visible cell again after any change. It
    holds thousands of rows at the cost of the few on screen. Keys: ↑↓, page up/down, Home/End."""

    COMPONENT_CLASSES = {"row-list--header", "row-list--cursor"}
    DEFAULT_CSS = """
    RowList {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .row-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .row-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .row-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "ends(0)", "First", id="rows.first", show=False, tooltip="The first row"),
        Binding("end", "ends(1)", "Last", id="rows.last", show=False, tooltip="The last row"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The row under the cursor is now `key` (None: the list is empty)."""

        def __init__(self, row_list: RowList, key: str | None) -> None:
            super().__init__()
            self.row_list = row_list
            self.key = key

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, columns: tuple[Column, ...], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = columns
        self.keys: list[str] = []
        self.cells: dict[str, tuple[str, ...]] = {}
        self.line_width = sum(width + 2 for _, width, _ in columns)
        self._lines: dict[tuple, Strip] = {}
        self.lines_built = 0
        self.row_operations = 0
        self._highlighted: str | None = None

    # -- what the owner asks -------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.keys)

    def row(self, key: str) -> tuple[str, ...]:
        return self.cells[key]

    def row_at(self, index: int) -> tuple[str, ...]:
        return self.cells[self.keys[index]]

    def key_under_cursor(self) -> str | None:
        return self.keys[self.cursor_row] if 0 <= self.cursor_row < len(self.keys) else None

    def show(self, rows: list[tuple[str, tuple[str, ...]]]) -> None:
        """Hold exactly `rows`, in order; the cursor stays on its row while that row is still there."""
        old_keys, old_cells, under = self.keys, self.cells, self.key_under_cursor()
        self.keys, self.cells = [key for key, _ in rows], dict(rows)
        changed = [index for index, key in enumerate(self.keys)
                   if index >= len(old_keys) or old_keys[index] != key or old_cells[key] != self.cells[key]]
        changed += range(len(self.keys), len(old_keys))  # lines left empty at the end
        self.row_operations += sum(1 for key in self.keys if old_cells.get(key) != self.cells[key])
        self.row_operations += sum(1 for key in old_cells if key not in self.cells)
        self.virtual_size = Size(self.line_width, len(self.keys) + 1)
        index = self.keys.index(under) if under in self.cells else min(self.cursor_row, len(self.keys) - 1)
        self.cursor_row = max(index, 0)
        self._repaint(changed)
        self._announce()

    def _repaint(self, changed: list[int]) -> None:
        """Repaint the changed rows that are on screen: each line alone, or the whole list when many moved."""
        top, height = self.scroll_offset.y, max(self.size.height - 1, 1)
        visible = [index for index in changed if top <= index < top + height]
        if len(visible) > 3:
            self.refresh()
        for index in visible if len(visible) <= 3 else ():
            self.refresh_lines(index + 1)

    # -- keys ------------------------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor_row + direction * max(self.size.height - 2, 1))

    def action_ends(self, last: int) -> None:
        self.move_to(len(self.keys) - 1 if last else 0)

    def move_to(self, index: int) -> None:
        if self.keys:
            self.cursor_row = min(max(index, 0), len(self.keys) - 1)

    def watch_cursor_row(self, old: int, new: int) -> None:
        rows_shown = max(self.size.height - 1, 1)
        if new < self.scroll_offset.y:
            self.scroll_to(y=new, animate=False)
        elif new >= self.scroll_offset.y + rows_shown:
            self.scroll_to(y=new - rows_shown + 1, animate=False)
        self.refresh_lines(old + 1)
        self.refresh_lines(new + 1)
        self._announce()

    def _announce(self) -> None:
        key = self.key_under_cursor()
        if key != self._highlighted:
            self._highlighted = key
            self.post_message(self.Highlighted(self, key))

    # -- drawing ---------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    def _on_focus(self, event) -> None:
        self._lines.clear()
        self.refresh()

    def _on_blur(self, event) -> None:
        self._lines.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("row-list--header")
            strip = self._line(("", tuple(label for label, _, _ in self.columns), "header"), style)
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        index = scroll_y + y - 1
        if index >= len(self.keys):
            return Strip.blank(width, self.rich_style)
        key = self.keys[index]
        state = "cursor" if index == self.cursor_row else "plain"
        style = self.rich_style + self.get_component_rich_style("row-list--cursor") if state == "cursor" \
            else self.rich_style
        return self._line((key, self.cells[key], state), style).crop_extend(scroll_x, scroll_x + width, style)

    def _line(self, cache_key: tuple, style: Style) -> Strip:
        strip = self._lines.get(cache_key)
        if strip is None:
            if len(self._lines) > 4 * max(self.size.height, 24):
                self._lines.clear()  # only the lines on screen are worth keeping
            text = "".join(f" {fit(cell, width, right)} " for (_, width, right), cell
                           in zip(self.columns, cache_key[1]))
            strip = self._lines[cache_key] = Strip([Segment(text, style)], cell_len(text))
            self.lines_built += 1
        return strip


def fit(text: str, width: int, right: bool = False) -> str:
    """`text` cut or padded to exactly `width` cells, on the left or the right."""
    if cell_len(text) >= width:
        return set_cell_size(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad
