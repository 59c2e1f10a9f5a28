"""The daily limit at the counter by keys: the preview, the refusal with nothing written, a supervisor's override."""

from __future__ import annotations

from ledger.book import Ledger
from ledger.service import Actor
from screens.forms.payout import PayoutForm
from screens.forms.receipt import ReceiptForm
from screens.officer import OfficerHome
from console_support import SIZE, FixedClock, settle, sign_in

ALICE = Actor("alice", frozenset({"officer"}))
LIMIT_KINDS = ("receipt_recorded", "debt_collected", "payout_recorded", "warrant_issued")


def set_up(db, receipt_pence: int = 0) -> None:
    with Ledger.open(db, clock=FixedClock(), terminal="test:setup") as ledger:
        ledger.open_session(ALICE, 30000)
        if receipt_pence:
            ledger.record_receipt(ALICE, amount_pence=receipt_pence, method="cash", code="CONTRIB", payer="Jo Bloggs")


def alices_money_entries(db) -> list:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        entries = [reader.entry(seq) for seq in range(1, reader.head()[0] + 1)]
    return [entry for entry in entries if entry.kind in LIMIT_KINDS and entry.actor == "alice"]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def fill_receipt(pilot, amount: str) -> None:
    await pilot.press("r")
    await settle(pilot)
    await pilot.press(*amount, "tab", "tab", "enter", *"CONTRIB", "enter", "tab", *"Jo Bloggs")


async def test_a_receipt_of_250_pounds_01_is_refused_and_nothing_written(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await fill_receipt(pilot, "250.01")
        preview = app.screen.query_one("#form-preview")
        assert "Over the limit by £0.01" in text_of(app, "#form-preview") and preview.has_class("-over-limit")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptForm)
        message = text_of(app, "#form-message")
        assert "Refused: £250.01 would pass the daily limit of £250.00" in message
        assert "£250.00 headroom left" in message and "ctrl+o" in message
        assert app.screen.query_one("#amount").value == "250.01"
        assert app.screen.query_one("#payer").value == "Jo Bloggs"
    assert alices_money_entries(demo_db) == []


async def test_exactly_the_limit_is_accepted(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await fill_receipt(pilot, "250.00")
        assert "Limit after this: £250.00 of £250.00 (£0.00 left)" in text_of(app, "#form-preview")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert "£0.00 left" in text_of(app, "#day-status")
        assert app.screen.query_one("#day-status").has_class("-over-limit")
    assert [entry.body_dict()["amount_pence"] for entry in alices_money_entries(demo_db)] == [25000]


async def test_two_entries_that_pass_the_limit_refuse_the_second(app, demo_db):
    set_up(demo_db, receipt_pence=20000)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"50.01", "tab", "enter", *"SUNDRY", "enter", "tab", *"Corner Shop", "tab", *"Milk")
        assert "Over the limit by £0.01: £50.00 left" in text_of(app, "#form-preview")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PayoutForm)
        assert "£200.00 used, £50.00 headroom left" in text_of(app, "#form-message")
    assert [entry.kind for entry in alices_money_entries(demo_db)] == ["receipt_recorded"]


async def test_sams_pin_overrides_the_limit_for_one_entry(app, demo_db):
    set_up(demo_db, receipt_pence=20000)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await fill_receipt(pilot, "60.00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Refused" in text_of(app, "#form-message")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*"sam", "enter", *"333333", "enter", *"Large contribution paid in full", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptForm)
        assert "Authorised by sam" in text_of(app, "#form-message")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert "Receipt number" in text_of(app, "#officer-message")
    receipt = alices_money_entries(demo_db)[-1].body_dict()
    assert receipt["amount_pence"] == 6000
    assert receipt["override"] == {"supervisor": "sam", "reason": "Large contribution paid in full"}


async def test_a_wrong_supervisor_pin_authorises_nothing(app, demo_db):
    set_up(demo_db, receipt_pence=20000)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await fill_receipt(pilot, "60.00")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*"sam", "enter", *"999999", "enter", *"Please", "enter")
        await settle(pilot)
        assert "not recognised" in text_of(app, "#authorise-message")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptForm)
        assert "would pass the daily limit" in text_of(app, "#form-message")
    assert len(alices_money_entries(demo_db)) == 1
