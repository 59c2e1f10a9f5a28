"""The admin's warrant stock by keys: the summary and next serial, receiving a range, and the overlap refusal."""

from __future__ import annotations

from ledger.book import Ledger
from screens.admin import AdminHome
from screens.admin_forms import ReceiveWarrantsForm
from console_support import SIZE, settle, sign_in


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def serials_held(db, first: int, last: int) -> int:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.serials_held(first, last)


async def open_stock(pilot) -> None:
    await sign_in(pilot, "adam", "555555")
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


async def test_the_summary_counts_the_register_and_names_the_next_serial(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot)
        summary = shown(app, "#warrants-summary")
        assert "In stock 194 · issued 5 · spoiled 1 · cancelled 0" in summary
        assert "Next serial 500007" in summary and "highest 500200" in summary
        runs = app.screen.query_one("#warrants-table")
        assert [str(cell) for cell in runs.get_row("500007")] == ["500007", "500200", "in stock", "194"]


async def test_admin_receives_a_range_of_warrant_forms(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ReceiveWarrantsForm)
        assert app.screen.query_one("#first").value == "500201", "the form offers the serial after the highest"
        await pilot.press(*"500300")
        assert shown(app, "#form-preview") == "100 forms, serials 500201 to 500300."
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert "Warrant forms 500201 to 500300 received" in shown(app, "#admin-message")
        assert "In stock 294" in shown(app, "#warrants-summary")
    assert serials_held(demo_db, 500201, 500300) == 100


async def test_an_overlapping_range_is_refused_in_words(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_stock(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("shift+tab", *["backspace"] * 6, *"500151", "enter", *"500250", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiveWarrantsForm), "the form stays"
        assert shown(app, "#form-message") == (
            "Refused: 50 of serials 500151-500250 are already in the register.")
    assert serials_held(demo_db, 500201, 500250) == 0
