"""The finance officer's home and keying forms by keys, each checked on the ledger itself."""

from __future__ import annotations

from console_support import SIZE, make_app, settle, sign_in
from finance_console_support import head_entry, state_of
from ledger.book import Ledger
from screens.finance import FinanceHome
from screens.finance_forms import InvoiceForm, PayeeForm, PaymentForm
from screens.finance_queue import QueueTable


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def head_seq(db) -> int:
    return head_entry(db).seq


def waiting(db) -> list[str]:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return [row["item"] for row in reader.items("keyed")]


async def test_the_home_shows_the_queue_by_deadline_and_the_countdown(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        assert isinstance(app.screen, FinanceHome)
        table = app.screen.query_one(QueueTable)
        assert [str(row[0]) for row in (table.get_row_at(i) for i in range(table.row_count))] == waiting(finance_db)
        assert str(table.get_row_at(0)[5]) == "PR-0002" and str(table.get_row_at(0)[6]) == "1d 07h"
        countdown = text_of(app, "#cutoff-countdown")
        assert "Next cut-off PR-0002: Tue 24 Nov 17:00 · 1 d 07:00:00 left · pays Fri 27 Nov" == countdown
        assert "by deadline: 4 items" in text_of(app, "#queue-title")
        assert "duplicate of INV-0001?" in text_of(app, "#queue-detail")


async def test_a_payee_is_added_and_a_creditor_held_already_is_refused(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("a", *"CAR3", "tab", *"Ann Other", "tab", "tab", *"C0001", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PayeeForm)
        assert text_of(app, "#form-message") == "Refused: creditor number C0001 belongs to payee CAR1."
        before = head_seq(finance_db)
        await pilot.press("backspace", "9", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
        assert "Payee CAR3 (Ann Other) added" in text_of(app, "#finance-message")
    entry = head_entry(finance_db)
    assert entry.seq == before + 1 and entry.kind == "payee_added" and entry.actor == "fay"
    assert entry.body_dict() == {"payee": "CAR3", "name": "Ann Other", "kind": "carer", "creditor": "C0009"}


async def test_an_invoice_warns_of_a_duplicate_as_typed_and_needs_a_reason(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        before = head_seq(finance_db)
        await pilot.press("i", *"PRV1", "tab", *"inv-0042")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceForm)
        warning = text_of(app, "#form-preview")
        assert warning.startswith("Possible duplicate of INV-0001 (the same payee and invoice number)")
        assert "keyed by fay, authorised" in warning and "£120.00" in warning
        assert not app.screen.query_one("#confirm-reason").parent.has_class("-hidden")
        await pilot.press("tab", *"2026-11-20", "tab", *"120", "tab", "enter", "down", "enter",
                          "tab", *"Respite care", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceForm)
        assert text_of(app, "#form-message").startswith("Refused: possible duplicate of INV-0001")
        assert app.screen.focused.id == "confirm-reason"
        assert head_seq(finance_db) == before  # the ledger untouched by the warning and the refusal
        await pilot.press(*"Separate week: checked with Acme", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
        assert "INV-0004 keyed" in text_of(app, "#finance-message")
        assert "INV-0004" in app.screen.query_one(QueueTable).shown
    body = head_entry(finance_db).body_dict()
    assert body["item"] == "INV-0004" and body["duplicate_of"] == "INV-0001"
    assert body["duplicate_reason"] == "Separate week: checked with Acme" and body["code"] == "CAREPROV"
    assert state_of(finance_db, "INV-0004")["state"] == "keyed"


async def test_a_new_number_raises_no_warning_and_an_amount_rule_does(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("i", *"PRV1", "tab", *"B-1", "tab", *"2026-11-25")
        await settle(pilot)
        assert text_of(app, "#form-preview") == ""
        assert app.screen.query_one("#confirm-reason").parent.has_class("-hidden")
        await pilot.press("tab", *"300.00")
        await settle(pilot)
        assert text_of(app, "#form-preview").startswith(
            "Possible duplicate of INV-0003 (the same payee and amount within 14 days")


async def test_a_payment_is_keyed_to_a_payee_found_as_typed(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("p", *"car")
        await settle(pilot)
        assert isinstance(app.screen, PaymentForm)
        assert text_of(app, "#payee-found").startswith("No payee car; perhaps CAR1 (Jo Carer), CAR2 (Sam Foster)")
        await pilot.press("backspace", "backspace", "backspace", *"CAR1")
        await settle(pilot)
        assert text_of(app, "#payee-found") == "Jo Carer · carer · creditor C0001"
        await pilot.press("tab", *"75.00", "tab", "enter", "down", "down", "down", "enter", "tab", *"Festival allowance",
                          "tab", *"CASE-1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
    entry = head_entry(finance_db)
    assert entry.kind == "payment_keyed"
    assert entry.body_dict() == {"item": "PAY-0002", "payee": "CAR1", "amount_pence": 7500, "code": "FOST",
                                 "reason": "Festival allowance", "case_ref": "CASE-1"}
