"""The supervisor's authorisation queue by keys over the demo: authorise, reject, the four-eyes refusals."""

from __future__ import annotations

from datetime import datetime, timezone

from console_support import SIZE, FixedClock, settle, sign_in
from finance_console_support import ADAM, FAY, head_entry, state_of, text_of
from ledger.book import Ledger
from ledger.service import Actor
from screens.widgets.row_list import RowList
from screens.homes import DeskChooser
from screens.supervisor import SupervisorHome
from screens.supervisor_authorise import AuthorisationScreen

#: Half an hour before the console's "now", so that anything keyed here is waiting when sam looks.
EARLIER = FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc))


def cells(app, item: str) -> list[str]:
    return list(app.screen.query_one(RowList).row(item))


async def open_queue(pilot, username: str = "sam", pin: str = "333333") -> None:
    await sign_in(pilot, username, pin)
    await pilot.press("a")
    await settle(pilot)


async def test_authorise_the_item_under_the_cursor(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "333333")
        assert isinstance(app.screen, SupervisorHome)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AuthorisationScreen)
        assert text_of(app, "#auth-summary") == (
            "3 waiting · your limit £50,000.00 · next cut-off PR-0002 Tue 24 Nov 17:00")
        assert text_of(app, "#auth-detail").splitlines() == [
            "INV-0003: invoice BR-1201 of 2026-11-20 from PRV-201, RESPITE, Respite weekend, CH-3021",
            "£410.00 against your limit £50,000.00: within it (£49,590.00 spare).",
            "Keyed by fay; everyone who keyed, changed or ended it: fay.", "Exceptions: 0 (none)"]
        await pilot.press("a")
        await settle(pilot)
        assert text_of(app, "#auth-message") == (
            f"Authorised INV-0003 at seq {head_entry(demo_db).seq}: it joins PR-0002 (cut-off Tue 24 Nov 17:00).")
        assert app.screen.query_one(RowList).keys == ["CHG-0001", "PAY-0002"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorHome)
    entry = head_entry(demo_db)
    assert entry.kind == "item_authorised" and entry.actor == "sam"
    assert entry.body_dict()["item"] == "INV-0003" and entry.body_dict()["cost_pence"] == 41000
    assert state_of(demo_db, "INV-0003")["state"] == "authorised"


async def test_an_items_exceptions_are_shown_and_a_reject_needs_a_reason(app, demo_db):
    with Ledger.open(demo_db, clock=EARLIER) as ledger:
        ledger.key_invoice(FAY, payee="PRV-201", invoice_no="BR1201", invoice_date="2026-11-20", amount_pence=41000,
                           code="RESPITE", description="Respite weekend, CH-3021", confirm_duplicate="Sent twice?")
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("end")
        await settle(pilot)
        detail = text_of(app, "#auth-detail").splitlines()
        assert detail[0].startswith("INV-0004: invoice BR1201 of 2026-11-20 from PRV-201")
        assert detail[3:] == ["Exceptions: 1",
                              "  confirmed_duplicate: keyed as not a duplicate of INV-0003: Sent twice?"]
        await pilot.press("r", "enter")
        assert text_of(app, "#ask-message") == "Reason: type it first."
        await pilot.press(*"The same invoice twice", "enter")
        await settle(pilot)
        assert text_of(app, "#auth-message").startswith("Rejected INV-0004 at seq")
    entry = head_entry(demo_db)
    assert entry.kind == "item_rejected" and entry.body_dict() == {"item": "INV-0004",
                                                                   "reason": "The same invoice twice"}
    assert state_of(demo_db, "INV-0004")["state"] == "rejected"


async def test_over_the_supervisors_own_limit_is_refused_in_one_line(app, demo_db):
    with Ledger.open(demo_db, clock=EARLIER) as ledger:
        ledger.set_setting(ADAM, "authorisation_limit_pence", 10_000, user="sam")
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        assert cells(app, "INV-0003")[5] == "over" and cells(app, "PAY-0002")[5] == "ok"
        assert "OVER it by £310.00" in text_of(app, "#auth-detail")
        before = head_entry(demo_db).seq
        await pilot.press("a")
        await settle(pilot)
        assert text_of(app, "#auth-message") == (
            "Refused: the item costs £410.00, over sam's authorisation limit of £100.00: a supervisor with a "
            "higher limit must authorise it.")
        assert app.screen.query_one("#auth-message").has_class("-error")
    assert head_entry(demo_db).seq == before
    assert state_of(demo_db, "INV-0003")["state"] == "keyed"


async def test_a_supervisor_never_authorises_what_they_keyed(app, demo_db):
    sue = Actor("sue", frozenset({"supervisor", "finance"}))
    with Ledger.open(demo_db, clock=EARLIER) as ledger:
        ledger.add_user(ADAM, "sue", ("supervisor", "finance"), "919191")
        ledger.key_payment(sue, payee="CAR-102", amount_pence=2000, code="FOSTER", reason="School trip")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sue", "919191")
        assert isinstance(app.screen, DeskChooser)
        await pilot.press("enter")  # the supervisor's desk, first in the list
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert cells(app, "PAY-0003")[5] == "yours"
        await pilot.press("end")
        await settle(pilot)
        assert "— you, so another supervisor must authorise it" in text_of(app, "#auth-detail")
        before = head_entry(demo_db).seq
        await pilot.press("a")
        await settle(pilot)
        assert text_of(app, "#auth-message") == (
            "Refused: sue keyed, changed or ended PAY-0003: another supervisor must authorise it.")
    assert head_entry(demo_db).seq == before
    assert state_of(demo_db, "PAY-0003")["state"] == "keyed"
