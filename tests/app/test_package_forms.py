"""Care packages by keys over the demo: the weekly due shown as typed, a reward change, an end back-dated."""

from __future__ import annotations

import re

from console_support import SIZE, settle, sign_in
from finance_console_support import entries_after, head_entry, text_of
from ledger.book import Ledger
from screens.finance import FinanceHome
from screens.package_forms import PackageChangeForm, PackageEndForm, PackageStartForm

FOSTER = ("enter", "down", "down", "enter")  # the second cost code in the list


async def test_a_package_shows_its_weekly_due_now_and_after_the_birthday(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("k", *"CAR-102", "tab", *"CH-4001", "tab", *"2016-03-14", "tab", *"2026-11-30", "tab",
                          "tab", *"100")
        await settle(pilot)
        assert isinstance(app.screen, PackageStartForm)
        preview = text_of(app, "#form-preview").splitlines()
        assert preview[0] == "Due from Mon 30 Nov 2026: £324.00 a week (allowance £224.00 for 5-10 + reward £100.00)."
        assert preview[1] == ("From the 11th birthday, Sun 14 Mar 2027: £356.00 a week (allowance £256.00 for 11-15 "
                              "+ reward £100.00).")
        cost_shown = preview[2].removeprefix("First 52 weeks: ").split(" ")[0]
        await pilot.press("tab", *FOSTER, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
        assert text_of(app, "#finance-message").startswith("PKG-0003 keyed at seq")
        assert app.money(app.screen.rows["PKG-0003"]["cost_pence"]) == cost_shown  # the form's sum is the ledger's
    body = head_entry(demo_db).body_dict()
    assert body == {"item": "PKG-0003", "payee": "CAR-102", "case_ref": "CH-4001", "dob": "2016-03-14",
                    "start": "2026-11-30", "reward_pence": 10000, "code": "FOSTER"}


async def test_a_reward_change_from_a_paid_day_is_warned_then_refused_then_moved(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("c", *"PKG-0001", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PackageChangeForm)
        assert text_of(app, "#package-chosen") == ("PKG-0001 · Mrs Joan Carter (CAR-101) · CH-3021 · from 2026-10-17 "
                                                   "· paid to 2026-11-15 · £376.00/wk today")
        await pilot.press(*"2026-11-10", "tab", *"150", "tab", *"Extra support needs")
        await settle(pilot)
        assert text_of(app, "#form-preview") == "PKG-0001 is paid to 2026-11-15: a change can start the day after."
        before = head_entry(demo_db).seq
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#form-message").startswith("Refused: PKG-0001 is paid to 2026-11-15")
        assert head_entry(demo_db).seq == before
        await pilot.press("shift+tab", "shift+tab", *"2026-11-16")  # focusing selects the date typed before
        await settle(pilot)
        assert text_of(app, "#form-preview") == (
            "From Mon 16 Nov 2026: £374.00 a week (allowance £224.00 for 5-10 + reward £150.00).")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
    entry = head_entry(demo_db)
    assert entry.kind == "package_changed" and entry.body_dict() == {
        "item": "CHG-0002", "package": "PKG-0001", "from_date": "2026-11-16", "reward_pence": 15000,
        "reason": "Extra support needs"}


async def test_an_end_back_dated_into_paid_days_shows_the_overpayment_before_posting(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        before = head_entry(demo_db).seq
        await pilot.press("e", *"ch-3021", "enter", *"2026-11-08")
        await settle(pilot)
        assert isinstance(app.screen, PackageEndForm)
        shown = re.match(r"PKG-0001 is paid to 2026-11-15: ending it on 2026-11-08 overpays 7 days, (£[0-9,]+\.[0-9]{2})\.",
                         text_of(app, "#form-preview"))
        assert shown is not None
        overpaid_shown = shown.group(1)
        assert head_entry(demo_db).seq == before  # shown before anything is posted
        await pilot.press("tab", *"Placement ended early", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FinanceHome)
        said = text_of(app, "#finance-message")
        assert said.startswith("PKG-0001 ends on 2026-11-08") and f"{overpaid_shown} was overpaid" in said
    ended, overpayment = entries_after(demo_db, before)
    assert ended.kind == "package_ended" and app.money(ended.body_dict()["overpaid_pence"]) == overpaid_shown
    assert overpayment.kind == "overpayment_recorded" and overpayment.body_dict()["days"] == 7
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        debt = reader.account_balance_pence("Assets:Debtors:OP-PKG-0001")
    assert app.money(debt) == overpaid_shown


async def test_an_end_within_unpaid_days_overpays_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "fay", "666666")
        await pilot.press("e", *"PKG-0001", "enter", *"2026-12-31")
        await settle(pilot)
        assert text_of(app, "#form-preview") == "PKG-0001 is paid to 2026-11-15: nothing is overpaid."
