"""The blind end-of-day count by keys: what was counted reaches the ledger; the expected figure never reaches the screen."""

from __future__ import annotations

import html
import re

from ledger.book import Ledger
from ledger.service import Actor
from screens.forms.count import CountForm
from screens.officer import OfficerHome
from screens.serials import SerialsError, parse_serials
from screens.widgets.day_status import DayStatus
from console_support import SIZE, FixedClock, settle, sign_in

import pytest

ALICE = Actor("alice", frozenset({"officer"}))
#: £50.00 float + £12.50 cash receipt: the till should hold £62.50. The officer counts £60.00.
EXPECTED = "£62.50"


def set_up(db) -> None:
    with Ledger.open(db, clock=FixedClock(), terminal="test:setup") as ledger:
        ledger.open_session(ALICE, 5000)
        ledger.record_receipt(ALICE, amount_pence=1250, method="cash", code="CONTRIB", payer="Jo Bloggs")


def screen_text(app) -> str:
    """Everything on the terminal, line by line, as the SVG screenshot draws it."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(r'<text[^>]*?x="([\d.]+)"[^>]*?y="([\d.]+)"[^>]*>(.*?)</text>',
                                 app.export_screenshot(), re.S):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    return "\n".join("".join(part for _, part in sorted(parts)) for _, parts in sorted(rows.items()))


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_the_count_is_declared_by_keys_and_stays_blind(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        home = app.screen
        assert EXPECTED in screen_text(app)  # the open till shows on the home: the check below can see it
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CountForm)
        assert EXPECTED not in screen_text(app)
        assert EXPECTED not in str(home.query_one(DayStatus).render())  # nor on the home beneath the form
        assert "Till hidden" in str(home.query_one(DayStatus).render())
        await pilot.press("tab", "3", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab")
        await pilot.press("1", "tab", *"500010-500012, 500020")
        assert text_of(app, "#form-preview") == ("Counted £60.00 (notes £60.00, coins £0.00) · 1 cheque · "
                                                 "4 unused forms")
        assert EXPECTED not in screen_text(app)
        await pilot.press("ctrl+s")
        assert "Press ctrl+s again" in text_of(app, "#form-message")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert "Count declared at seq" in text_of(app, "#officer-message")
        assert "counted, waiting for sign-off" in text_of(app, "#day-status")
        assert EXPECTED not in screen_text(app)
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        count = reader.entry(reader.session("alice", "2026-11-23")["count_seq"])
    body = count.body_dict()
    assert body["cash_pence_counted"] == 6000 and body["denominations"] == {"2000": 3}
    assert body["cheques_counted"] == 1 and body["unused_serials"] == [500010, 500011, 500012, 500020]


async def test_serials_that_cannot_be_read_are_shown_and_nothing_is_declared(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#unused-serials").focus()
        await pilot.press(*"500050-500010")
        assert "500050-500010 runs backwards" in text_of(app, "#form-message")
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CountForm)
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        assert reader.session("alice", "2026-11-23")["state"] == "open"


async def test_no_count_without_an_open_day(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert "nothing to count" in text_of(app, "#officer-message")


@pytest.mark.parametrize(("typed", "serials"), [
    ("", ()), ("500060", (500060,)), ("500010-500012,500060", (500010, 500011, 500012, 500060)),
    (" 7 - 8 , 7 ", (7, 8)),
])
def test_serials_are_read_as_ranges_and_single_serials(typed, serials):
    assert parse_serials(typed) == serials


@pytest.mark.parametrize(("typed", "problem"), [
    ("abc", "abc is not a serial"), ("5-", "5- is not a serial"), ("9-1", "9-1 runs backwards"),
    ("1-10001", "more than 10,000"), ("١٢", "is not a serial"),
])
def test_serials_that_are_not_serials_are_refused_in_words(typed, problem):
    with pytest.raises(SerialsError, match=problem):
        parse_serials(typed)
