"""The admin's codes tab by keys: add a code, retire one (after a yes), and the refusals in words."""

from __future__ import annotations

from ledger.book import Ledger
from screens.admin import AdminHome
from screens.admin_forms import AddCodeForm, ConfirmScreen
from console_support import SIZE, settle, sign_in

#: The demo's codes in the order the table lists them (cost codes first, then income).
CODES = ["CONTACT", "FOSTER", "LEAVING", "RESPITE", "SUNDRY", "TRAVEL-CL", "TRAVEL-FAM", "CONTRIB", "DBSFEE",
         "RECORDS", "RECOVERY"]


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def code_row(db, code: str) -> dict | None:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.code(code)


async def open_codes(pilot) -> None:
    await sign_in(pilot, "adam", "555555")
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    assert pilot.app.screen.query_one("#admin-tabs").active == "codes"


async def test_admin_adds_a_cost_code(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_codes(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AddCodeForm)
        await pilot.press(*"parking", "enter", *"Staff parking permits", "enter")
        await pilot.press("enter", "down", "enter")  # the type: from income down to cost
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert "Code PARKING added" in shown(app, "#admin-message")
        row = app.screen.query_one("#codes-table").get_row("PARKING")
        assert [str(cell) for cell in row] == ["PARKING", "Staff parking permits", "cost", "yes"]
    row = code_row(demo_db, "PARKING")
    assert (row["name"], row["type"], row["active"]) == ("Staff parking permits", "cost", 1)


async def test_a_code_that_exists_is_refused_in_words(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_codes(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"CONTRIB", "enter", *"Something else", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AddCodeForm), "the form stays"
        assert shown(app, "#form-message") == "Refused: code CONTRIB already exists."
    assert code_row(demo_db, "CONTRIB")["name"] == "Parental contributions to care costs"


async def test_admin_retires_the_selected_code_after_a_yes(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_codes(pilot)
        await pilot.press(*["down"] * CODES.index("SUNDRY"), "t")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Retire code SUNDRY?" in shown(app, "#confirm-question")
        await pilot.press("y")
        await settle(pilot)
        assert "Code SUNDRY retired" in shown(app, "#admin-message")
        assert str(app.screen.query_one("#codes-table").get_row("SUNDRY")[3]) == "no"
        await pilot.press("t")  # again: the ledger refuses, in words
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        message = app.screen.query_one("#admin-message")
        assert str(message.render()).startswith("Refused: ") and "SUNDRY" in str(message.render())
        assert "-error" in message.classes
    assert not code_row(demo_db, "SUNDRY")["active"]
    assert code_row(demo_db, "CONTACT")["active"]
