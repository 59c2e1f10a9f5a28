"""The admin's settings by keys: the daily limit (office and one officer), the idle lock, the anchor log path."""

from __future__ import annotations

from ledger import reports
from ledger.book import Ledger
from ledger.service import Actor
from screens.admin import AdminHome
from screens.admin_forms import OfficerLimitForm, SettingForm
from console_support import SIZE, FixedClock, settle, sign_in

TODAY = "2026-11-23"


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def setting_cells(app) -> dict[str, str]:
    table = app.screen.query_one("#settings-table")
    return {str(table.get_row(key)[0]): str(table.get_row(key)[1]) for key in (k.value for k in table.rows)}


async def open_settings(pilot) -> None:
    await sign_in(pilot, "adam", "555555")
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)


async def test_the_settings_tab_shows_the_current_values_and_defaults(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        assert setting_cells(app) == {"Daily limit, each officer": "£250.00", "Idle lock": "300 seconds",
                                      "Anchor log": "(beside the ledger)"}


async def test_admin_changes_the_daily_limit_and_the_limits_report_shows_it(app, demo_db):
    with Ledger.open(demo_db, clock=FixedClock()) as ledger:
        ledger.open_session(Actor("alice", frozenset({"officer"})), 5000)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, SettingForm)
        await pilot.press(*"300")
        assert shown(app, "#form-preview") == "From now on: £300.00 a day per officer."
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert "Daily limit set to £300.00" in shown(app, "#admin-message")
        assert setting_cells(app)["Daily limit, each officer"] == "£300.00"
    with Ledger.open(demo_db) as ledger:
        (alice,) = [row for row in reports.limits(ledger.store, TODAY) if row["officer"] == "alice"]
    assert alice["limit_pence"] == 30_000 and alice["headroom_pence"] == 30_000


async def test_admin_sets_one_officers_limit(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OfficerLimitForm)
        await pilot.press("enter", "down", "down", "enter")  # the officers: alice, bob, …
        await pilot.press("tab", *"120.50", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert "Daily limit for bob set to £120.50" in shown(app, "#admin-message")
        assert setting_cells(app)["Daily limit for bob"] == "£120.50"
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        assert reader.setting("daily_limit_pence", "bob") == 12_050
        assert reader.setting("daily_limit_pence") == 25_000


async def test_the_idle_lock_set_here_is_the_one_the_console_uses(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        assert app.idle_lock_seconds() == 300
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"30", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert setting_cells(app)["Idle lock"] == "30 seconds"
        assert app.idle_lock_seconds() == 30


async def test_an_idle_lock_out_of_range_is_refused_in_words(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"10", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingForm), "the form stays"
        assert shown(app, "#form-message") == "Refused: idle_lock_seconds must be from 30 to 86400."
        assert app.idle_lock_seconds() == 300


async def test_admin_sets_the_anchor_log_path(app, demo_db, tmp_path):
    target = str(tmp_path / "anchors.log")
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*target, "enter")
        await settle(pilot)
        assert setting_cells(app)["Anchor log"] == target
    assert app.desk.setting("anchor_log_path", "") == target
