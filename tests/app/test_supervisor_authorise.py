"""The supervisor's authorisation queue by keys: authorise, reject with a reason, and the four-eyes refusals."""

from __future__ import annotations

from datetime import datetime, timezone

from console_support import SIZE, FixedClock, make_app, settle, sign_in
from finance_console_support import ADAM, head_entry, state_of
from ledger.book import Ledger
from ledger.service import Actor
from screens.finance_queue import QueueTable
from screens.homes import DeskChooser
from screens.supervisor import SupervisorHome
from screens.supervisor_authorise import AuthorisationScreen


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def cells(app, item: str) -> list[str]:
    table = app.screen.query_one(QueueTable)
    return [str(value) for value in table.get_row(item)]


async def open_queue(pilot, username: str = "sam", pin: str = "333333") -> None:
    await sign_in(pilot, username, pin)
    await pilot.press("a")
    await settle(pilot)


async def test_authorise_the_item_under_the_cursor(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "333333")
        assert isinstance(app.screen, SupervisorHome)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AuthorisationScreen)
        assert "4 waiting · your limit £50,000.00 · next cut-off PR-0002 Tue 24 Nov 17:00" == text_of(
            app, "#auth-summary")
        detail = text_of(app, "#auth-detail")
        assert detail.startswith("INV-0002: invoice inv42 of 2026-11-20 from PRV1, CAREPROV")
        assert "£120.00 against your limit of £50,000.00: within it" in detail
        assert "confirmed_duplicate: keyed as not a duplicate of INV-0001" in detail
        await pilot.press("a")
        await settle(pilot)
        said = text_of(app, "#auth-message")
        assert said == ("Authorised INV-0002 at seq %d: it joins PR-0002 (cut-off Tue 24 Nov 17:00); 1 exception "
                        "recorded as seen." % head_entry(finance_db).seq)
        assert "INV-0002" not in app.screen.query_one(QueueTable).shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorHome)
    entry = head_entry(finance_db)
    assert entry.kind == "item_authorised" and entry.actor == "sam"
    assert entry.body_dict()["item"] == "INV-0002" and entry.body_dict()["cost_pence"] == 12000
    assert state_of(finance_db, "INV-0002")["state"] == "authorised"


async def test_reject_needs_a_reason_and_kills_the_item(finance_db):
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        assert text_of(app, "#auth-detail").startswith("PKG-0002: package for CASE-2 with carer CAR2")
        await pilot.press("r", "enter")
        assert text_of(app, "#ask-message") == "Reason: type it first."
        await pilot.press(*"Wrong carer", "enter")
        await settle(pilot)
        assert text_of(app, "#auth-message").startswith("Rejected PKG-0002 at seq")
    entry = head_entry(finance_db)
    assert entry.kind == "item_rejected" and entry.body_dict() == {"item": "PKG-0002", "reason": "Wrong carer"}
    assert state_of(finance_db, "PKG-0002")["state"] == "rejected"


async def test_over_the_supervisors_own_limit_is_refused_in_one_line(finance_db):
    with Ledger.open(finance_db, clock=FixedClock()) as ledger:
        ledger.set_setting(ADAM, "authorisation_limit_pence", 10_000, user="sam")
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        assert cells(app, "INV-0003")[5] == "over" and cells(app, "PAY-0001")[5] == "ok"
        await pilot.press("end")
        await settle(pilot)
        assert "OVER it by £200.00" in text_of(app, "#auth-detail")
        before = head_entry(finance_db).seq
        await pilot.press("a")
        await settle(pilot)
        assert text_of(app, "#auth-message") == (
            "Refused: the item costs £300.00, over sam's authorisation limit of £100.00: a supervisor with a "
            "higher limit must authorise it.")
        assert app.screen.query_one("#auth-message").has_class("-error")
    assert head_entry(finance_db).seq == before
    assert state_of(finance_db, "INV-0003")["state"] == "keyed"


async def test_a_supervisor_never_authorises_what_they_keyed(finance_db):
    sue = Actor("sue", frozenset({"supervisor", "finance"}))
    with Ledger.open(finance_db, clock=FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc))) as ledger:
        ledger.add_user(ADAM, "sue", ("supervisor", "finance"), "919191")
        ledger.key_payment(sue, payee="CAR1", amount_pence=2000, code="FOST", reason="School trip")
    app = make_app(finance_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sue", "919191")
        assert isinstance(app.screen, DeskChooser)
        await pilot.press("enter")  # the supervisor's desk, first in the list
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert cells(app, "PAY-0002")[5] == "yours"
        await pilot.press("end")
        await settle(pilot)
        assert "— you, so another supervisor must authorise it" in text_of(app, "#auth-detail")
        before = head_entry(finance_db).seq
        await pilot.press("a")
        await settle(pilot)
        assert text_of(app, "#auth-message") == (
            "Refused: sue keyed, changed or ended PAY-0002: another supervisor must authorise it.")
    assert head_entry(finance_db).seq == before
    assert state_of(finance_db, "PAY-0002")["state"] == "keyed"
