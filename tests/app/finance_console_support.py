"""The finance desk over the demo ledger, for console tests and pictures: people, payees, runs, items waiting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from ledger.book import Ledger
from ledger.service import Actor, SeededIds

ADAM = Actor("adam", frozenset({"admin"}))
FAY = Actor("fay", frozenset({"finance"}))
SAM = Actor("sam", frozenset({"supervisor"}))
FAY_PIN = "666666"
#: The 2025/26 national minimum for the South East (example figures), weekly pence.
EXAMPLE_RATES = {"0-2": 18900, "3-4": 19600, "5-10": 21600, "11-15": 24700, "16-17": 28800}
#: The open run: cut-off Tuesday 24 November 17:00 London, a day and seven hours after the console's "now".
OPEN_RUN = {"pay_date": "2026-11-27", "cutoff": "2026-11-24 17:00", "period_end": "2026-11-29"}


class StepClock:
    """A clock set by the setup, moving a second a reading."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def add_finance(db: Path) -> None:
    """fay (finance), FOST and CAREPROV (cost), rates, three payees; PKG-0001 and INV-0001 authorised
    and paid in PR-0001 (period to 22 November); PR-0002 open; and waiting for authorisation: INV-0002
    (a confirmed duplicate of INV-0001), PAY-0001, PKG-0002 and INV-0003."""
    clock = StepClock(datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc))
    with Ledger.open(db, clock=clock, terminal="test:finance", ids=SeededIds("finance")) as ledger:
        ledger.add_user(ADAM, "fay", ("finance",), FAY_PIN, name="Fay Mensah")
        ledger.add_code(ADAM, "FOST", "Fostering allowances", "cost")
        ledger.add_code(ADAM, "CAREPROV", "Commissioned care providers", "cost")
        ledger.set_rates(ADAM, from_date="2025-04-01", weekly_pence=EXAMPLE_RATES)
        ledger.set_setting(ADAM, "authorisation_limit_pence", 5_000_000, user="sam")
        ledger.add_payee(FAY, "CAR1", name="Jo Carer", kind="carer", creditor="C0001")
        ledger.add_payee(FAY, "CAR2", name="Sam Foster", kind="carer", creditor="C0002")
        ledger.add_payee(FAY, "PRV1", name="Acme Care Ltd", kind="provider", creditor="C0003")
        ledger.start_package(FAY, payee="CAR1", case_ref="CASE-1", dob="2016-03-14", start="2026-11-02",
                             reward_pence=10000, code="FOST")
        ledger.key_invoice(FAY, payee="PRV1", invoice_no="INV-0042", invoice_date="2026-11-20",
                           amount_pence=12000, code="CAREPROV", description="Respite care, 2 nights")
        ledger.authorise_item(SAM, "PKG-0001")
        ledger.authorise_item(SAM, "INV-0001")
        ledger.schedule_payrun(SAM, pay_date="2026-11-23", cutoff="2026-11-21 12:00", period_end="2026-11-22")
        clock.now = datetime(2026, 11, 21, 12, 5, tzinfo=timezone.utc)
        ledger.close_payrun(SAM, "PR-0001")
        ledger.mark_paid(SAM, "PR-0001", paid_on="2026-11-23")
        ledger.schedule_payrun(SAM, **OPEN_RUN)
        clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
        ledger.key_invoice(FAY, payee="PRV1", invoice_no="inv42", invoice_date="2026-11-20", amount_pence=12000,
                           code="CAREPROV", description="Respite care, 2 nights",
                           confirm_duplicate="Second invoice for the same nights: disputed with Acme")
        ledger.key_payment(FAY, payee="CAR2", amount_pence=5000, code="FOST", reason="Birthday allowance",
                           case_ref="CASE-2")
        ledger.start_package(FAY, payee="CAR2", case_ref="CASE-2", dob="2023-01-10", start="2026-11-16",
                             reward_pence=8000, code="FOST")
        ledger.key_invoice(FAY, payee="PRV1", invoice_no="A-7781", invoice_date="2026-11-19", amount_pence=30000,
                           code="CAREPROV", description="Weekend placement")


def state_of(db: Path, item: str) -> dict:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.item(item)


def head_entry(db: Path):
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.entry(reader.head()[0])
