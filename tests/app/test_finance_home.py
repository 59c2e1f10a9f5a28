"""The finance officer's home and keying forms by keys over the demo ledger, each checked on the ledger."""

from __future__ import annotations

from console_support import SIZE, settle, sign_in
from finance_console_support import head_entry, state_of, text_of
from ledger.book import Ledger
from screens.finance import FinanceHome
from screens.finance_forms import InvoiceForm, PayeeForm, PaymentForm
from screens.widgets.row_list import RowList

#: The demo's cost codes in the form's list: CONTACT, FOSTER, LEAVING, RESPITE, SUNDRY, TRAVEL-CL, TRAVEL-FAM.
FOSTER, RESPITE = ("enter", "down", "down", "enter"), ("enter", "down", "down", "down", "down", "enter")


def waiting(db) -> list[str]:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return [row["item"] for row in reader.items("keyed")]


async def test_the_home_shows_the_queue_by_deadline_and_the_countdown(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        assert isinstance(app.screen, FinanceHome)
        table = app.screen.query_one(RowList)
        rows = [list(table.row_at(index)) for index in range(table.row_count)]
        assert [row[0] for row in rows] == waiting(demo_db) == ["INV-0003", "CHG-0001", "PAY-0002"]
        assert rows[0] == ["INV-0003", "Invoice", "PRV-201 Brightwater Respite Ltd", "£410.00", "fay", "PR-0002", "1d 07h"]
        assert text_of(app, "#cutoff-countdown") == (
            "Next cut-off PR-0002: Tue 24 Nov 17:00 · 1 d 07:00:00 left · pays Fri 27 Nov")
        assert text_of(app, "#queue-title") == "Waiting for authorisation, by deadline: 3 items"
        assert text_of(app, "#queue-detail") == "INV-0003: Brightwater Respite Ltd · BR-1201 · keyed by fay"


async def test_a_payee_is_added_and_a_creditor_held_already_is_refused(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        before = head_entry(demo_db).seq
        await pilot.press("a", *"CAR-103", "tab", *"Ann Other", "tab", "tab", *"400101", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PayeeForm)
        assert text_of(app, "#form-message") == "Refused: creditor number 400101 belongs to payee CAR-101."
        assert head_entry(demo_db).seq == before
        await pilot.press("backspace", "9", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
        assert text_of(app, "#finance-message").startswith("Payee CAR-103 (Ann Other) added at seq")
    entry = head_entry(demo_db)
    assert entry.seq == before + 1 and entry.kind == "payee_added" and entry.actor == "fay"
    assert entry.body_dict() == {"payee": "CAR-103", "name": "Ann Other", "kind": "carer", "creditor": "400109"}


async def test_an_invoice_warns_of_a_duplicate_as_typed_and_needs_a_reason(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        before = head_entry(demo_db).seq
        await pilot.press("i", *"PRV-201", "tab", *"br 1187")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceForm)
        assert text_of(app, "#form-preview") == (
            "Possible duplicate of INV-0001 (the same payee and invoice number): PRV-201 BR-1187 of 2026-11-02, "
            "£380.00, keyed by fay, authorised. If it is not one, say why on the line 'Not a dup. as'.")
        assert not app.screen.query_one("#confirm-reason").parent.has_class("-hidden")
        await pilot.press("tab", *"2026-11-16", "tab", *"380", "tab", *RESPITE, "tab", *"Respite weekend", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceForm)
        assert text_of(app, "#form-message").startswith("Refused: possible duplicate of INV-0001")
        assert app.screen.focused.id == "confirm-reason"
        assert head_entry(demo_db).seq == before  # neither the warning nor the refusal wrote anything
        await pilot.press(*"Credit note follows: checked with Brightwater", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
        assert text_of(app, "#finance-message").startswith("INV-0004 keyed at seq")
        assert "INV-0004" in app.screen.query_one(RowList).keys
    body = head_entry(demo_db).body_dict()
    assert body["item"] == "INV-0004" and body["duplicate_of"] == "INV-0001" and body["code"] == "RESPITE"
    assert body["duplicate_reason"] == "Credit note follows: checked with Brightwater"
    assert state_of(demo_db, "INV-0004")["state"] == "keyed"


async def test_a_new_number_raises_no_warning_and_the_amount_rule_does(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("i", *"PRV-201", "tab", *"BR-1300", "tab", *"2026-11-25")
        await settle(pilot)
        assert text_of(app, "#form-preview") == ""
        assert app.screen.query_one("#confirm-reason").parent.has_class("-hidden")
        await pilot.press("tab", *"410.00")
        await settle(pilot)
        assert text_of(app, "#form-preview").startswith(
            "Possible duplicate of INV-0003 (the same payee and amount within 14 days (invoice of 2026-11-20))")


async def test_a_payee_typed_in_lower_case_is_still_the_payee_the_rules_compare(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("i", *"prv-201", "tab", *"BR1187")
        await settle(pilot)
        assert text_of(app, "#payee-found") == "Brightwater Respite Ltd · provider · creditor 500201"
        assert text_of(app, "#form-preview").startswith(
            "Possible duplicate of INV-0001 (the same payee and invoice number)")


async def test_a_payment_is_keyed_to_a_payee_found_as_typed(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("p", *"car")
        await settle(pilot)
        assert isinstance(app.screen, PaymentForm)
        assert text_of(app, "#payee-found") == (
            "No payee car; perhaps CAR-101 (Mrs Joan Carter), CAR-102 (Mr and Mrs Osei)")
        assert app.screen.query_one("#payee-found").has_class("-error")
        await pilot.press(*"-101")
        await settle(pilot)
        assert text_of(app, "#payee-found") == "Mrs Joan Carter · carer · creditor 400101"
        await pilot.press("tab", *"75.00", "tab", *FOSTER, "tab", *"Festival allowance", "tab", *"CH-3021", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
    entry = head_entry(demo_db)
    assert entry.kind == "payment_keyed"
    assert entry.body_dict() == {"item": "PAY-0003", "payee": "CAR-101", "amount_pence": 7500, "code": "FOSTER",
                                 "reason": "Festival allowance", "case_ref": "CH-3021"}


async def test_the_palette_and_f1_offer_the_finance_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles[:8] == ["Payee", "Invoice", "Payment", "Package", "Change", "End", "Refresh", "Sign out"]
        await pilot.press("f1")
        assert app.screen.query("HelpPanel")
