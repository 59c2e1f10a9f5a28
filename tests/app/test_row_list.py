"""RowList, the queues' table: what a change rebuilds (only what it touches), the cursor, the keys."""

from __future__ import annotations

from textual.app import App, ComposeResult

from screens.widgets.row_list import RowList, fit

COLUMNS = (("Item", 8, False), ("Amount", 9, True))


def rows(first: int, count: int) -> list[tuple[str, tuple[str, ...]]]:
    return [(f"I-{n:04d}", (f"I-{n:04d}", f"£{n}.00")) for n in range(first, first + count)]


class Holder(App):
    def compose(self) -> ComposeResult:
        yield RowList(COLUMNS)


def screen_lines(row_list: RowList) -> list[str]:
    return [row_list.render_line(y).text.rstrip() for y in range(row_list.size.height)]


async def test_removing_the_top_row_builds_only_the_lines_it_changes():
    app = Holder()
    async with app.run_test(size=(40, 10)) as pilot:
        row_list = app.query_one(RowList)
        row_list.show(rows(0, 200))
        await pilot.pause()
        assert screen_lines(row_list)[:3] == [" Item" + " " * 9 + "Amount", " I-0000" + " " * 8 + "£0.00",
                                              " I-0001" + " " * 8 + "£1.00"]
        built, operations = row_list.lines_built, row_list.row_operations
        row_list.show(rows(1, 200))  # the head went, and one more came in at the end
        await pilot.pause()
        assert screen_lines(row_list)[1] == " I-0001" + " " * 8 + "£1.00"
        assert row_list.lines_built - built <= 2  # the new head (now under the cursor), the line that came on screen
        assert row_list.row_operations - operations == 2  # one row gone, one row added
        assert row_list.key_under_cursor() == "I-0001"


async def test_the_cursor_stays_on_its_row_and_the_keys_move_it():
    app = Holder()
    async with app.run_test(size=(40, 10)) as pilot:
        row_list = app.query_one(RowList)
        row_list.focus()
        row_list.show(rows(0, 30))
        await pilot.press("down", "down")
        assert row_list.key_under_cursor() == "I-0002"
        row_list.show(rows(1, 30))
        assert row_list.key_under_cursor() == "I-0002" and row_list.cursor_row == 1
        await pilot.press("end")
        assert row_list.key_under_cursor() == "I-0030" and row_list.scroll_offset.y > 0
        await pilot.press("home")
        assert row_list.key_under_cursor() == "I-0001" and row_list.scroll_offset.y == 0
        row_list.show([])
        assert row_list.key_under_cursor() is None and row_list.row_count == 0


def test_cells_are_cut_or_padded_to_their_width():
    assert fit("Brightwater Respite Ltd", 10) == "Brightwate"
    assert fit("£5.00", 8, right=True) == "   £5.00"
    assert fit("fay", 5) == "fay  "
