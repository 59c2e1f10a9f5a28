"""The demo ledger: fixed logins, codes, warrant stock, debtors and past days of counter work."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ledger.book import Ledger
from ledger.debtors import parse_debtor_csv
from ledger.service import Actor

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
PAYERS = ("Mr K Marsh", "Ms T Ojo", "J Whitfield", "R Adeyemi", "S Kowalski", "Mrs H Green", "Mr O Brien")
JOURNEYS = ("Leeds to York", "Bradford to Halifax", "Wakefield to Leeds", "Leeds to Sheffield",
            "Huddersfield to Leeds")


class DemoClock:
    """A clock the builder moves through past days; entries get realistic timestamps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        self.now = datetime.combine(day, time(hour, minute), LONDON)

    def tick(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)


def past_working_days(today: date, count: int) -> list[date]:
    days, day = [], today
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return sorted(days)


def build_demo(path: str | Path, today: date | None = None, seed: int = 2026) -> Ledger:
    """Create the demo ledger at `path`; three past working days of carol's and dev's work."""
    today = today or datetime.now(LONDON).date()
    days = past_working_days(today, 3)
    clock = DemoClock(datetime.combine(days[0] - timedelta(days=7), time(8, 30), LONDON))
    ledger = Ledger.create(path, office=OFFICE, admin="adam", pin=LOGINS["adam"][1], clock=clock,
                           terminal="demo:counter-1")
    _set_up(ledger, clock)
    sam = Actor("sam", frozenset({"supervisor"}))
    rng = random.Random(seed)
    for day in days:
        for number, officer in enumerate(("carol", "dev")):
            clock.at(day, 9, 5 + number * 7)
            _counter_day(ledger, clock, Actor(officer, frozenset({"officer"})), sam, rng)
    clock.now = datetime.now(LONDON) if today == datetime.now(LONDON).date() else clock.now
    return ledger


def _set_up(ledger: Ledger, clock: DemoClock) -> None:
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


def _counter_day(ledger: Ledger, clock: DemoClock, officer: Actor, sam: Actor, rng: random.Random) -> None:
    ledger.open_session(officer, 0, {2000: 1, 1000: 2, 500: 1, 100: 4, 50: 2})
    posted = []
    for _ in range(rng.randint(5, 7)):
        clock.tick(rng.randint(8, 40))
        posted.append(_one_act(ledger, officer, rng))
    clock.tick(15)
    ledger.spoil_warrant(officer, serial=_next_serial(ledger), reason="Misprinted: journey written wrongly")
    mistake = next((p for p in posted if p is not None and p.entry.kind == "receipt_recorded"), None)
    if mistake is not None and rng.random() < 0.7:
        clock.tick(5)
        ledger.reverse(officer, seq=mistake.seq, reason="Keyed against the wrong income code", authoriser=sam)
    _close_day(ledger, clock, officer, sam, rng)


def _close_day(ledger: Ledger, clock: DemoClock, officer: Actor, sam: Actor, rng: random.Random) -> None:
    """Count the till as it is (now and then a coin short), and have sam sign the day off."""
    clock.at(clock.now.date(), 16, 30 + rng.randint(0, 20))
    with ledger.store.reading() as reader:
        session = reader.open_session(officer.username)
        totals = reader.day_totals(officer.username, session["business_date"])
    short_pence = rng.choice((0, 0, 0, 50))
    ledger.declare_count(officer, denominations=_as_coins(totals["cash_pence"] - short_pence),
                         cheques_counted=totals["cheques"])
    clock.tick(25)
    ledger.sign_off(sam, officer=officer.username, business_date=session["business_date"],
                    reason="50p short: counted twice, not found" if short_pence else None)


def _as_coins(cash_pence: int) -> dict[int, int]:
    """Break a cash total into notes and coins, largest first."""
    counts = {}
    for value_pence in (2000, 1000, 500, 100, 50, 10, 1):
        counts[value_pence], cash_pence = divmod(cash_pence, value_pence)
    return {value: count for value, count in counts.items() if count}


def _one_act(ledger: Ledger, officer: Actor, rng: random.Random):
    roll = rng.random()
    pence = rng.choice((500, 750, 1000, 1250, 1500, 2000, 2500))
    if roll < 0.45:
        code = rng.choice(("CONTRIB", "RECORDS", "DBSFEE"))
        return ledger.record_receipt(officer, amount_pence=pence, method=rng.choice(("cash", "cash", "cheque")),
                                     code=code, payer=rng.choice(PAYERS), reference=f"REF{rng.randint(1000, 9999)}")
    if roll < 0.65:
        return _collect(ledger, officer, rng, pence)
    if roll < 0.82:
        return ledger.issue_warrant(officer, recipient=rng.choice(PAYERS), journey=rng.choice(JOURNEYS),
                                    value_pence=pence, code=rng.choice(("TRAVEL-CL", "TRAVEL-FAM")),
                                    case_ref=f"CS{rng.randint(100000, 999999)}", ticket=rng.choice(("single", "return")),
                                    purpose="Contact visit")
    return ledger.record_payout(officer, amount_pence=min(pence, 600), code=rng.choice(("SUNDRY", "CONTACT")),
                                payee="Riverside Co-op", purpose="Milk, tea and biscuits for contact room")


def _collect(ledger: Ledger, officer: Actor, rng: random.Random, pence: int):
    with ledger.store.reading() as reader:
        owing = [row for row in reader.debtors() if row["balance_pence"] >= pence]
    if not owing:
        return None
    debtor = rng.choice(owing)
    return ledger.collect_debt(officer, debtor_ref=debtor["debtor_ref"], amount_pence=pence, method="cash")


def _next_serial(ledger: Ledger) -> int:
    with ledger.store.reading() as reader:
        return reader.next_stock_serial()
