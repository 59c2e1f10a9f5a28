"""An officer's main path by keys: sign in, record a receipt, see it confirmed and in the ledger."""

from __future__ import annotations

from ledger.book import Ledger
from ledger.service import Actor
from screens.officer import OfficerHome
from console_support import SIZE, settle, sign_in


def open_session_directly(db) -> None:
    with Ledger.open(db) as ledger:
        ledger.open_session(Actor("alice", frozenset({"officer"})), 5000)


async def test_officer_records_a_receipt_by_keys(app, demo_db):
    open_session_directly(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        assert isinstance(app.screen, OfficerHome)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"12.50", "tab", "tab")  # amount, then past the method (cash)
        await pilot.press("enter", "down", "enter")  # the first income code
        await pilot.press("tab", *"Jo Bloggs", "ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        message = str(app.screen.query_one("#officer-message").render())
        assert "Receipt number" in message
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        entry = reader.entry(reader.head()[0])
    body = entry.body_dict()
    assert entry.kind == "receipt_recorded" and entry.actor == "alice"
    assert body["amount_pence"] == 1250 and body["payer"] == "Jo Bloggs" and body["method"] == "cash"
    assert body["code"] == "CONTRIB"


async def test_wrong_pin_is_refused_and_counted(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "999999")
        text = str(app.screen.query_one("#signin-message").render())
        assert "not recognised" in text
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        assert reader.user("alice")["failures"] == 1


async def test_palette_offers_the_screens_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Receipt" in titles and "Count" in titles and "Quit" in titles


async def test_ctrl_q_quits_with_exit_code_0(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("ctrl+q")
    assert app.return_code == 0
