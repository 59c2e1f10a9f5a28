"""A ledger with a finance desk: two finance officers, rates, payees and a fostering cost code."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ledger.service import Actor
from tests.book_support import Clock, build_book

#: The 2025/26 national minimum allowance for the South East: example figures, weekly pence.
EXAMPLE_RATES = {"0-2": 18900, "3-4": 19600, "5-10": 21600, "11-15": 24700, "16-17": 28800}
FINANCE_PINS = {"fay": "777777", "finn": "787878"}


@pytest.fixture
def fin(tmp_path):
    """The base test book plus fay and finn (finance), code FOST (cost), rates from 2025-04-01,
    payees CAR1 and CAR2 (carers) and PRV1 (a provider)."""
    book = build_book(tmp_path / "ledger.db", Clock(datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)))
    ledger, adam = book.ledger, book.adam
    for username, pin in FINANCE_PINS.items():
        ledger.add_user(adam, username, ("finance",), pin)
        book.actors[username] = Actor(username, frozenset({"finance"}))
    ledger.add_code(adam, "FOST", "Fostering allowances", "cost")
    ledger.set_rates(adam, from_date="2025-04-01", weekly_pence=EXAMPLE_RATES)
    fay = book.actors["fay"]
    ledger.add_payee(fay, "CAR1", name="Jo Carer", kind="carer", creditor="C0001")
    ledger.add_payee(fay, "CAR2", name="Sam Foster", kind="carer", creditor="C0002")
    ledger.add_payee(fay, "PRV1", name="Acme Care Ltd", kind="provider", creditor="C0003")
    ledger.set_setting(adam, "authorisation_limit_pence", 5_000_000, user="sam")
    return book


#: The first run of the finance book: cut-off Monday 30 November 17:00 London, paid Friday 4 December.
RUN1 = {"pay_date": "2026-12-04", "cutoff": "2026-11-30 17:00", "period_end": "2026-11-29"}
RUN2 = {"pay_date": "2026-12-11", "cutoff": "2026-12-07 17:00", "period_end": "2026-12-06"}


def at(book, moment: datetime) -> None:
    """Move the book's clock (it still ticks a second a reading)."""
    book.clock.now = moment


def after_cutoff(book, run: dict) -> None:
    """Put the clock a minute past a run's cut-off (London is on GMT in these weeks)."""
    at(book, datetime.fromisoformat(run["cutoff"]).replace(tzinfo=timezone.utc) + timedelta(minutes=1))


def invoice(book, who="fay", **fields):
    values = {"payee": "PRV1", "invoice_no": "INV-0042", "invoice_date": "2026-11-20", "amount_pence": 12000,
              "code": "EXP1", "description": "Respite care"}
    values.update(fields)
    return book.ledger.key_invoice(book.actors[who], **values)


def package(book, who="fay", **fields):
    values = {"payee": "CAR1", "case_ref": "CASE-1", "dob": "2016-12-01", "start": "2026-11-02",
              "reward_pence": 10000, "code": "FOST"}
    values.update(fields)
    return book.ledger.start_package(book.actors[who], **values)


def head_seq(book) -> int:
    with book.ledger.store.reading() as reader:
        return reader.head()[0]
