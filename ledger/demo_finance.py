"""The demo's finance desk: payees, care packages, invoices, a paid past run and an open one.

The rates are EXAMPLE figures: the 2025/26 national minimum fostering allowance for the South
East (£189, £196, £216, £247, £288 a week for ages 0-2, 3-4, 5-10, 11-15, 16-17), and an
illustrative uplift three weeks before the past run's cut-off, so that the demo shows a line
crossing a rate change. A council keys its own with `cashdesk rates set`.
"""

from __future__ import annotations

from datetime import date, timedelta

from ledger.book import Ledger
from ledger.calendar import is_working_day, previous_working_day
from ledger.service import Actor

RATES_2025 = {"0-2": 18900, "3-4": 19600, "5-10": 21600, "11-15": 24700, "16-17": 28800}
RATES_UPLIFT = {"0-2": 19600, "3-4": 20300, "5-10": 22400, "11-15": 25600, "16-17": 29800}
COST_CODES = (
    ("FOSTER", "Fostering allowances and fees", "cost"),
    ("RESPITE", "Respite and short breaks", "cost"),
    ("LEAVING", "Leaving-care allowances", "cost"),
)
PAYEES = (
    ("CAR-101", "Mrs Joan Carter", "carer", "400101"),
    ("CAR-102", "Mr and Mrs Osei", "carer", "400102"),
    ("PRV-201", "Brightwater Respite Ltd", "provider", "500201"),
    ("IND-301", "Ms Rachel Bell", "individual", "600301"),
)
ADAM = Actor("adam", frozenset({"admin"}))
FAY = Actor("fay", frozenset({"finance"}))
SAM = Actor("sam", frozenset({"supervisor"}))


def set_up_finance(ledger: Ledger, clock, first_day: date) -> None:
    """Codes, rates, sam's limit and the payees, at the start of the demo's history."""
    for code, name, code_type in COST_CODES:
        ledger.add_code(ADAM, code, name, code_type)
    uplift = _cutoff(first_day) - timedelta(days=21)
    ledger.set_rates(ADAM, from_date=date(uplift.year - 1, 4, 1).isoformat(), weekly_pence=RATES_2025)
    ledger.set_rates(ADAM, from_date=uplift.isoformat(), weekly_pence=RATES_UPLIFT)
    ledger.set_setting(ADAM, "authorisation_limit_pence", 5_000_000, user="sam")
    clock.tick(5)
    for payee, name, kind, creditor in PAYEES:
        ledger.add_payee(FAY, payee, name=name, kind=kind, creditor=creditor)
        clock.tick(1)


def past_run(ledger: Ledger, clock, first_day: date) -> None:
    """Before the counter's past days: items keyed and authorised, PR-0001 scheduled, closed and paid."""
    cutoff = _cutoff(first_day)
    pay_date = previous_working_day(first_day)
    _key_first_items(ledger, clock, cutoff)
    ledger.schedule_payrun(SAM, pay_date=pay_date.isoformat(), cutoff=f"{cutoff.isoformat()} 17:00",
                           period_end=(cutoff + timedelta(days=2)).isoformat())
    clock.at(cutoff + timedelta(days=1), 9, 30)
    ledger.close_payrun(SAM, "PR-0001", "checked against the placements list")
    clock.at(pay_date, 10)
    ledger.mark_paid(SAM, "PR-0001", paid_on=pay_date.isoformat())


def _key_first_items(ledger: Ledger, clock, cutoff: date) -> None:
    clock.tick(10)
    start = cutoff - timedelta(days=27)
    # A child who turns 11 in the next period (band 5-10 to 11-15), placed since before the rate change.
    ledger.start_package(FAY, payee="CAR-101", case_ref="CH-3021", dob=_birthday_soon(cutoff, 11).isoformat(),
                         start=start.isoformat(), reward_pence=12000, code="FOSTER")
    ledger.start_package(FAY, payee="CAR-102", case_ref="CH-3107", dob=(cutoff - timedelta(days=3 * 365 + 40)).isoformat(),
                         start=(cutoff - timedelta(days=60)).isoformat(), reward_pence=9500, code="FOSTER")
    week = cutoff - timedelta(days=11)
    ledger.key_invoice(FAY, payee="PRV-201", invoice_no="BR-1187", invoice_date=week.isoformat(),
                       amount_pence=38000, code="RESPITE", description="Respite weekend, CH-3107")
    ledger.key_invoice(FAY, payee="PRV-201", invoice_no="BR-1194", invoice_date=(week + timedelta(days=7)).isoformat(),
                       amount_pence=38000, code="RESPITE", description="Respite weekend, CH-3107",
                       confirm_duplicate="weekly respite: a different weekend, same price")
    ledger.key_payment(FAY, payee="IND-301", amount_pence=15000, code="LEAVING", reason="Setting-up-home allowance",
                       case_ref="CL-0077")
    clock.tick(45)
    for item in ("PKG-0001", "PKG-0002", "INV-0001", "INV-0002", "PAY-0001"):
        ledger.authorise_item(SAM, item)
        clock.tick(2)


def open_run(ledger: Ledger, clock, today: date) -> None:
    """After the past days: PR-0002 open with its cut-off tomorrow, and work waiting for sam."""
    pay_date = today + timedelta(days=4)
    while not is_working_day(pay_date):
        pay_date += timedelta(days=1)
    period_end = date.fromisoformat(_last_period_end(ledger)) + timedelta(days=7)
    ledger.schedule_payrun(SAM, pay_date=pay_date.isoformat(), cutoff=f"{(today + timedelta(days=1)).isoformat()} 17:00",
                           period_end=period_end.isoformat())
    clock.tick(20)
    ledger.key_invoice(FAY, payee="PRV-201", invoice_no="BR-1201", invoice_date=(today - timedelta(days=3)).isoformat(),
                       amount_pence=41000, code="RESPITE", description="Respite weekend, CH-3021")
    ledger.change_package(FAY, "PKG-0002", from_date=(period_end - timedelta(days=6)).isoformat(),
                          reward_pence=11000, reason="Carer completed skills level 2")
    ledger.key_payment(FAY, payee="CAR-101", amount_pence=7500, code="FOSTER", reason="Birthday allowance, CH-3021",
                       case_ref="CH-3021")


def _cutoff(first_day: date) -> date:
    """The past run's cut-off: five days before the counter's first past day."""
    return first_day - timedelta(days=5)


def _birthday_soon(cutoff: date, age: int) -> date:
    """A date of birth whose `age`th birthday falls a few days after the cut-off."""
    birthday = cutoff + timedelta(days=4)
    return birthday.replace(year=birthday.year - age) if (birthday.month, birthday.day) != (2, 29) \
        else date(birthday.year - age, 2, 28)


def _last_period_end(ledger: Ledger) -> str:
    with ledger.store.reading() as reader:
        return reader.last_payrun()["period_end"]
