"""The demo ledger: fixed logins, codes, warrant stock, debtors and past days of counter work."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ledger.book import Ledger
from ledger.debtors import parse_debtor_csv
from ledger.demo_finance import open_run, past_run, set_up_finance
from ledger.service import Actor, SeededIds
from ledger.simulate import Desk, SimClock, run_day, working_days_before

LONDON = ZoneInfo("Europe/London")
OFFICE = "Children's Services, Riverside House"
#: username -> (roles, PIN, full name). Fixed so that people and tests can rely on them.
LOGINS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "alice": (("officer",), "111111", "Alice Ahmed"),
    "bob": (("officer",), "222222", "Bob Nowak"),
    "sam": (("supervisor",), "333333", "Sam Okafor"),
    "ava": (("auditor",), "444444", "Ava Lindqvist"),
    "adam": (("admin",), "555555", "Adam Price"),
    "carol": (("officer",), "777777", "Carol Jenkins"),
    "dev": (("officer",), "888888", "Dev Patel"),
    "fay": (("finance",), "666666", "Fay Morgan"),
}
CODES = (
    ("CONTRIB", "Parental contributions to care costs", "income"),
    ("RECORDS", "Access-to-records copying fees", "income"),
    ("DBSFEE", "DBS check fees (volunteers)", "income"),
    ("RECOVERY", "Recovered overpayments", "income"),
    ("SUNDRY", "Sundry petty cash", "cost"),
    ("CONTACT", "Refreshments for family contact sessions", "cost"),
    ("TRAVEL-CL", "Care leavers' travel", "cost"),
    ("TRAVEL-FAM", "Family contact travel", "cost"),
)
DEBTORS_CSV = """debtor_ref,name,amount,code,description
DR-10231,Mr K Marsh,240.00,CONTRIB,Contribution arrears Apr-Jun
DR-10244,Ms T Ojo,85.50,CONTRIB,Contribution arrears July
DR-10250,Mrs L Byrne,120.00,RECOVERY,Overpaid setting-up-home allowance
DR-10262,Mr P Quinn,60.00,RECORDS,Copies of case records
DR-10275,Ms A Rahman,310.00,RECOVERY,Overpaid fostering allowance (2 weeks)
DR-10281,Mr D Evans,45.00,DBSFEE,DBS checks for two volunteers
"""
WARRANT_FIRST, WARRANT_LAST = 500_001, 500_200


def build_demo(path: str | Path, today: date | None = None, seed: int = 2026) -> Ledger:
    """Create the demo ledger at `path`: three past working days of carol's and dev's work,
    each counted, signed off by sam and banked, so alice and bob start today with no session;
    and fay's finance desk: a pay run closed and paid before those days, one open until tomorrow."""
    today = today or datetime.now(LONDON).date()
    days = working_days_before(today, 3)
    clock = SimClock(datetime.combine(days[0] - timedelta(days=7), time(8, 30), LONDON))
    ledger = Ledger.create(path, office=OFFICE, admin="adam", pin=LOGINS["adam"][1], clock=clock,
                           terminal="demo:counter-1", ids=SeededIds("demo"))
    _set_up(ledger, clock)
    set_up_finance(ledger, clock, days[0])
    past_run(ledger, clock, days[0])
    desk = Desk(officers=[Actor(name, frozenset({"officer"})) for name in ("carol", "dev")],
                supervisors=[Actor("sam", frozenset({"supervisor"}))],
                income_codes=["CONTRIB", "RECORDS", "DBSFEE"], cost_codes=["SUNDRY", "CONTACT"],
                warrant_codes=["TRAVEL-CL", "TRAVEL-FAM"], rng=random.Random(seed))
    for day in days:
        run_day(ledger, clock, day, desk)
    open_run(ledger, clock, today)
    return ledger


def _set_up(ledger: Ledger, clock: SimClock) -> None:
    adam = Actor("adam", frozenset({"admin"}))
    for username, (roles, pin, name) in LOGINS.items():
        if username != "adam":
            ledger.add_user(adam, username, roles, pin, name=name)
        clock.tick(2)
    for code, name, code_type in CODES:
        ledger.add_code(adam, code, name, code_type)
    ledger.receive_warrants(adam, WARRANT_FIRST, WARRANT_LAST)
    ledger.import_debts(adam, parse_debtor_csv(DEBTORS_CSV))
    clock.tick(30)
