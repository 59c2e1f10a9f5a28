"""Care packages by keys: the weekly due shown as typed, a reward change, an end back-dated into paid days."""

from __future__ import annotations

from console_support import SIZE, make_app, settle, sign_in
from finance_console_support import head_entry
from ledger.book import Ledger
from screens.finance import FinanceHome
from screens.package_forms import PackageChangeForm, PackageEndForm, PackageStartForm


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def entries_after(db, seq: int) -> list:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return [reader.entry(n) for n in range(seq + 1, reader.head()[0] + 1)]


async def test_a_package_shows_its_weekly_due_now_and_after_the_birthday(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("k", *"CAR2", "tab", *"CASE-7", "tab", *"2016-03-14", "tab", *"2026-11-30", "tab", "tab",
                          *"100")
        await settle(pilot)
        assert isinstance(app.screen, PackageStartForm)
        preview = text_of(app, "#form-preview").splitlines()
        assert preview[0] == "Due from Mon 30 Nov 2026: £316.00 a week (allowance £216.00 for 5-10 + reward £100.00)."
        assert preview[1] == ("From the 11th birthday, Sun 14 Mar 2027: £347.00 a week (allowance £247.00 for 11-15 "
                              "+ reward £100.00).")
        cost_shown = preview[2].removeprefix("First 52 weeks: ").split(" ")[0]
        await pilot.press("tab", "ctrl+s")  # the cost code is FOST already
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
        assert "PKG-0003 keyed" in text_of(app, "#finance-message")
        row = app.screen.rows["PKG-0003"]
        assert app.money(row["cost_pence"]) == cost_shown  # the form's arithmetic is the ledger's
    body = head_entry(finance_db).body_dict()
    assert body == {"item": "PKG-0003", "payee": "CAR2", "case_ref": "CASE-7", "dob": "2016-03-14",
                    "start": "2026-11-30", "reward_pence": 10000, "code": "FOST"}


async def test_a_reward_change_from_a_paid_day_is_warned_then_refused_then_moved(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("c", *"PKG-0001", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PackageChangeForm)
        assert text_of(app, "#package-chosen").startswith("PKG-0001 · Jo Carer (CAR1) · CASE-1 · from 2026-11-02")
        assert "paid to 2026-11-22 · £316.00/wk today" in text_of(app, "#package-chosen")
        await pilot.press(*"2026-11-20", "tab", *"120", "tab", *"Extra needs")
        await settle(pilot)
        assert text_of(app, "#form-preview") == "PKG-0001 is paid to 2026-11-22: a change can start the day after."
        before = head_entry(finance_db).seq
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#form-message").startswith("Refused: PKG-0001 is paid to 2026-11-22")
        assert head_entry(finance_db).seq == before
        await pilot.press("shift+tab", "shift+tab", *"2026-11-23")  # focusing selects the old date
        await settle(pilot)
        assert text_of(app, "#form-preview") == (
            "From Mon 23 Nov 2026: £336.00 a week (allowance £216.00 for 5-10 + reward £120.00).")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
    entry = head_entry(finance_db)
    assert entry.kind == "package_changed" and entry.body_dict() == {
        "item": "CHG-0001", "package": "PKG-0001", "from_date": "2026-11-23", "reward_pence": 12000,
        "reason": "Extra needs"}


async def test_an_end_back_dated_into_paid_days_shows_the_overpayment_before_posting(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        before = head_entry(finance_db).seq
        await pilot.press("e", *"case-1", "enter", *"2026-11-15")
        await settle(pilot)
        assert isinstance(app.screen, PackageEndForm)
        assert text_of(app, "#form-preview").startswith(
            "PKG-0001 is paid to 2026-11-22: ending it on 2026-11-15 overpays 7 days, £316.00.")
        assert head_entry(finance_db).seq == before  # shown before anything is posted
        await pilot.press("tab", *"Placement ended early", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
        said = text_of(app, "#finance-message")
        assert said.startswith("PKG-0001 ends on 2026-11-15") and "£316.00 was overpaid" in said
    ended, overpayment = entries_after(finance_db, before)
    assert ended.kind == "package_ended" and ended.body_dict()["overpaid_pence"] == 31600
    assert overpayment.kind == "overpayment_recorded" and overpayment.body_dict()["amount_pence"] == 31600
    with Ledger.open(finance_db) as ledger, ledger.store.reading() as reader:
        assert reader.account_balance_pence("Assets:Debtors:OP-PKG-0001", "2026-11-23") == 31600


async def test_an_end_within_unpaid_days_overpays_nothing(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("e", *"PKG-0001", "enter", *"2026-12-31")
        await settle(pilot)
        assert text_of(app, "#form-preview") == "PKG-0001 is paid to 2026-11-22: nothing is overpaid."
