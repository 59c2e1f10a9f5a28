"""The console's own widgets, each in a small app: the line table, the status line and the steady footer."""

from __future__ import annotations

import contextlib

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label
from textual.widgets._footer import FooterKey

from screens.widgets.line_table import Column, LineTable
from screens.widgets.status_line import StatusLine
from screens.widgets.steady_footer import SteadyFooter

SIZE = (60, 12)
COLUMNS = (Column("No", "no", justify="right"), Column("Name", "name", width=6),
           Column("Note", "note", flexible=True, ellipsis=True))


def rows(count: int) -> tuple[list[tuple[str, ...]], list[str]]:
    cells = [(str(n), f"name{n}", f"a note about row {n}") for n in range(1, count + 1)]
    return cells, [str(n) for n in range(1, count + 1)]


class TableApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield LineTable(COLUMNS, id="table")

    def on_line_table_row_chosen(self, event: LineTable.RowChosen) -> None:
        self.chosen.append(event.key)


@contextlib.asynccontextmanager
async def table_of(count: int, cursor_key: str):
    """The table app running, focused on a table of `count` rows with the cursor on `cursor_key`."""
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LineTable)
        table.focus()
        table.set_rows(*rows(count), cursor_key=cursor_key)
        await pilot.pause()
        yield app, pilot, table


# -- the line table ---------------------------------------------------------------------------------
async def test_rows_keys_cells_and_the_cursor():
    async with table_of(5, "3") as (app, pilot, table):
        assert table.row_keys == ["1", "2", "3", "4", "5"] and table.row_count == 5
        assert table.cursor_key == "3" and table.cell("3", "name") == "name3"
        await pilot.press("down", "down", "down")
        assert table.cursor_key == "5", "the cursor stops at the last row"
        await pilot.press("ctrl+home", "enter")
        assert table.cursor_key == "1" and app.chosen == ["1"]
        table.set_rows(*rows(2))
        assert table.cursor_key == "1", "the cursor keeps its place when its key is not given"
        table.clear()
        assert table.row_count == 0 and table.cursor_key is None


async def test_cells_are_cropped_or_cut_with_an_ellipsis_and_the_note_takes_the_width_left():
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LineTable)
        table.set_rows([("1", "a-long-name", "x" * 80), ("22", "bo", "short")], ["1", "22"])
        await pilot.pause()
        assert table.cell("1", "name") == "a-long", "a fixed column crops"
        note = table.cell("1", "note")
        # 60 columns: No (2) and Name (6), each padded by one either side, and 2 for the scroll bar.
        assert note == "x" * (60 - 4 - 8 - 2 - 2 - 1) + "…"
        assert table.cell("22", "note") == "short"
        header = str(app.screen.query_one(LineTable).render_line(0).text)
        assert header.startswith(" No  Name  ") and "Note" in header, "labels stay left-justified"
        line = str(table.render_line(2).text)
        assert line.startswith(" 22  bo  "), "numbers right-justified, padded to the widest"


async def test_paging_moves_the_cursor_a_screen_at_a_time_and_keeps_it_in_view():
    async with table_of(100, "1") as (app, pilot, table):
        visible = table.scrollable_content_region.height - 1  # the header stays on screen
        await pilot.press("pagedown")
        assert table.cursor_row == visible
        assert table.scroll_y <= table.cursor_row < table.scroll_y + visible
        await pilot.press("ctrl+end")
        assert table.cursor_key == "100" and table.scroll_y == table.max_scroll_y
        await pilot.press("pageup")
        assert table.cursor_row == 99 - visible


async def test_a_click_moves_the_cursor_and_a_click_on_it_chooses_the_row():
    async with table_of(5, "1") as (app, pilot, table):
        await pilot.click(LineTable, offset=(3, 3))  # the header, then rows 1, 2, 3
        assert table.cursor_key == "3" and app.chosen == []
        await pilot.click(LineTable, offset=(3, 3))
        assert app.chosen == ["3"]


async def test_only_the_lines_on_screen_are_drawn_however_many_rows_are_held():
    drawn: list[int] = []

    class CountingTable(LineTable):
        def render_line(self, y: int):
            drawn.append(y)
            return super().render_line(y)

    class CountingApp(App):
        def compose(self) -> ComposeResult:
            yield CountingTable(COLUMNS)

    app = CountingApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()
        drawn.clear()
        table.set_rows(*rows(20_000), cursor_key="20000")
        await pilot.pause()
        assert 0 < len(drawn) <= SIZE[1], f"{len(drawn)} lines drawn for a {SIZE[1]}-line screen"
        assert table.cursor_key == "20000" and table.scroll_y == table.max_scroll_y


# -- the status line --------------------------------------------------------------------------------
class StatusApp(App):
    def compose(self) -> ComposeResult:
        yield StatusLine("", id="line")
        yield Label("below", id="below")


async def test_a_status_line_grows_and_shrinks_with_its_words():
    app = StatusApp()
    async with app.run_test(size=(40, 10)) as pilot:
        line = app.query_one(StatusLine)
        line.say("short")
        await pilot.pause()
        assert line.size.height == 1 and str(line.render()) == "short"
        line.say("many words " * 6)
        await pilot.pause()
        assert line.size.height == 2 and app.query_one("#below").region.y == 2
        line.say("short again")
        await pilot.pause()
        assert line.size.height == 1 and app.query_one("#below").region.y == 1
        assert str(line.render()) == "short again"


# -- the steady footer ------------------------------------------------------------------------------
class Dialog(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Label("a dialog")


class Home(Screen):
    BINDINGS = [Binding("a", "noop", "Alpha"), Binding("b", "toggle", "Beta")]

    def __init__(self, footer_class) -> None:
        super().__init__()
        self.footer_class = footer_class
        self.beta = True

    def compose(self) -> ComposeResult:
        yield Label("home")
        yield self.footer_class()

    def action_noop(self) -> None:
        pass

    def action_toggle(self) -> None:
        self.beta = not self.beta
        self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        return True if action != "toggle" or self.beta else None  # None: shown, but disabled


class FooterApp(App):
    def __init__(self, footer_class) -> None:
        super().__init__()
        self.footer_class = footer_class

    def on_mount(self) -> None:
        self.push_screen(Home(self.footer_class))


async def keys_after_a_dialog(footer_class) -> tuple[list, list, list[str]]:
    """The footer's key widgets before and after a dialog comes and goes, and the keys shown."""
    app = FooterApp(footer_class)
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        before = list(app.screen.query(FooterKey))
        await app.push_screen(Dialog())
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        after = list(app.screen.query(FooterKey))
        return before, after, [key.description for key in after]


async def test_the_steady_footer_keeps_its_keys_when_the_same_keys_come_back():
    before, after, shown = await keys_after_a_dialog(SteadyFooter)
    assert shown[:2] == ["Alpha", "Beta"]
    assert after == before and all(a is b for a, b in zip(after, before)), "no key widget was rebuilt"


async def test_negative_control_textuals_footer_rebuilds_them_all():
    before, after, shown = await keys_after_a_dialog(Footer)
    assert shown[:2] == ["Alpha", "Beta"]
    assert not any(a is b for a, b in zip(after, before))


async def test_the_steady_footer_shows_a_change_of_keys():
    app = FooterApp(SteadyFooter)
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        beta = [key for key in app.screen.query(FooterKey) if key.description == "Beta"][0]
        assert not beta.has_class("-disabled")
        await pilot.press("b")
        await pilot.pause()
        beta = [key for key in app.screen.query(FooterKey) if key.description == "Beta"][0]
        assert beta.has_class("-disabled"), "a key that became disabled is shown so"
