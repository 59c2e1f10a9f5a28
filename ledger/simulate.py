"""Realistic counter history written through the real service layer, day after day."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from ledger.book import Ledger
from ledger.refusals import Refused
from ledger.service import Actor

LONDON = ZoneInfo("Europe/London")
PAYERS = ("Mr K Marsh", "Ms T Ojo", "J Whitfield", "R Adeyemi", "S Kowalski", "Mrs H Green", "Mr O Brien",
          "Ms P Hughes", "Mr A Singh", "Mrs D Clarke")
JOURNEYS = ("Leeds to York", "Bradford to Halifax", "Wakefield to Leeds", "Leeds to Sheffield",
            "Huddersfield to Leeds", "Leeds to Manchester")
FLOAT_DENOMINATIONS = {2000: 1, 1000: 2, 500: 1, 100: 4, 50: 2}


class SimClock:
    """A clock the simulation moves through its days; entries get realistic, ordered times."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        self.now = max(self.now, datetime.combine(day, time(hour, minute), LONDON))

    def tick(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def working_days_before(today: date, count: int) -> list[date]:
    """The `count` England working days before `today` (no weekends, no bank holidays), oldest first."""
    days, day = [], today
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(today.year - 3, today.year + 1))
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays:
            days.append(day)
    return sorted(days)


@dataclass
class Desk:
    """Who works the simulated days and what they may use."""

    officers: list[Actor]
    supervisors: list[Actor]
    income_codes: list[str]
    cost_codes: list[str]
    warrant_codes: list[str]
    rng: random.Random
    acts_per_officer: tuple[int, int] = (5, 7)
    amounts_pence: tuple[int, ...] = (250, 500, 750, 1000, 1250, 1500, 2000, 2500)
    bags: list[int] = field(default_factory=lambda: [0])


def run_day(ledger: Ledger, clock: SimClock, day: date, desk: Desk) -> None:
    """One business day: every officer opens, works (interleaved), counts, is signed off and banked."""
    clock.at(day, 8, 50)
    for officer in desk.officers:
        ledger.open_session(officer, 0, FLOAT_DENOMINATIONS)
        clock.tick(desk.rng.uniform(0.5, 3))
    rounds = desk.rng.randint(*desk.acts_per_officer)
    posted: dict[str, list] = {officer.username: [] for officer in desk.officers}
    for _ in range(rounds):
        for officer in desk.officers:
            clock.tick(desk.rng.uniform(1, 30 / len(desk.officers) + 1))
            result = _attempt(ledger, officer, desk)
            if result is not None:
                posted[officer.username].append(result)
    clock.at(day, 15, 45)
    for officer in desk.officers:
        _maybe_spoil_and_reverse(ledger, clock, officer, posted[officer.username], desk)
    clock.at(day, 16, 30)
    for officer in desk.officers:
        _close(ledger, clock, officer, day, desk)


def _attempt(ledger: Ledger, officer: Actor, desk: Desk):
    """One act at the counter; a refusal (an over-payment, a full limit) is the odd real-life no."""
    try:
        return _act(ledger, officer, desk)
    except Refused:
        return None


def _act(ledger: Ledger, officer: Actor, desk: Desk):
    rng = desk.rng
    roll, pence = rng.random(), rng.choice(desk.amounts_pence)
    if roll < 0.45:
        return ledger.record_receipt(
            officer, amount_pence=pence, method=rng.choice(("cash", "cash", "cheque")),
            code=rng.choice(desk.income_codes), payer=rng.choice(PAYERS), reference=f"REF{rng.randint(1000, 9999)}")
    if roll < 0.65:
        return _collect(ledger, officer, rng, pence)
    if roll < 0.82:
        return ledger.issue_warrant(
            officer, recipient=rng.choice(PAYERS), journey=rng.choice(JOURNEYS), value_pence=pence,
            code=rng.choice(desk.warrant_codes), case_ref=f"CS{rng.randint(100000, 999999)}",
            ticket=rng.choice(("single", "return")), purpose="Contact visit")
    return ledger.record_payout(officer, amount_pence=min(pence, 600), code=rng.choice(desk.cost_codes),
                                payee="Riverside Co-op", purpose="Milk, tea and biscuits for the contact room")


def _collect(ledger: Ledger, officer: Actor, rng: random.Random, pence: int):
    with ledger.store.reading() as reader:
        owing = reader.debtors_owing(pence)
    if not owing:
        return None
    return ledger.collect_debt(officer, debtor_ref=rng.choice(owing), amount_pence=pence, method="cash")


def _maybe_spoil_and_reverse(ledger: Ledger, clock: SimClock, officer: Actor, posted: list, desk: Desk) -> None:
    rng = desk.rng
    if rng.random() < 0.4:
        with ledger.store.reading() as reader:
            serial = reader.next_stock_serial()
        if serial is not None:
            ledger.spoil_warrant(officer, serial=serial, reason="Misprinted: journey written wrongly")
            clock.tick(rng.uniform(1, 4))
    receipts = [p for p in posted if p.entry.kind == "receipt_recorded"]
    if receipts and rng.random() < 0.3:
        supervisor = rng.choice(desk.supervisors)
        ledger.reverse(officer, seq=rng.choice(receipts).seq, reason="Keyed against the wrong income code",
                       authoriser=supervisor)
        clock.tick(rng.uniform(1, 4))


def _close(ledger: Ledger, clock: SimClock, officer: Actor, day: date, desk: Desk) -> None:
    """Count (now and then a coin out), sign off by a supervisor, bank the takings."""
    rng = desk.rng
    with ledger.store.reading() as reader:
        totals = reader.day_totals(officer.username, day.isoformat())
    variance_pence = rng.choice((0,) * 8 + (-50, -20, 10))
    ledger.declare_count(officer, denominations=as_notes_and_coins(totals["cash_pence"] + variance_pence),
                         cheques_counted=totals["cheques"])
    clock.tick(rng.uniform(5, 15))
    supervisor = rng.choice(desk.supervisors)
    reason = "Counted twice; difference not found" if variance_pence else None
    ledger.sign_off(supervisor, officer=officer.username, business_date=day.isoformat(), reason=reason)
    clock.tick(rng.uniform(1, 3))
    desk.bags[0] += 1
    try:
        ledger.bank(supervisor, officer=officer.username, business_date=day.isoformat(),
                    bag=f"BAG{day:%y%m%d}{desk.bags[0]:04d}")
    except Refused:
        pass  # a till holding no more than its float: nothing to bank that day
    clock.tick(rng.uniform(1, 3))


def as_notes_and_coins(cash_pence: int) -> dict[int, int]:
    """Break a cash total into notes and coins, largest first."""
    counts = {}
    for value_pence in (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1):
        counts[value_pence], cash_pence = divmod(max(cash_pence, 0), value_pence)
    return {value: count for value, count in counts.items() if count}


SIM_CODES = (("SIM-FEES", "Simulated fees", "income"), ("SIM-CONTRIB", "Simulated contributions", "income"),
             ("SIM-SUNDRY", "Simulated sundries", "cost"), ("SIM-TRAVEL", "Simulated travel", "cost"))
SIM_PIN = "246810"
STOCK_BATCH = 5_000


@dataclass(frozen=True)
class SimulationResult:
    days: int
    first_day: str
    last_day: str
    entries_before: int
    entries_after: int


def simulate(ledger: Ledger, clock: SimClock, days: int, officers: int, seed: int = 1,
             today: date | None = None) -> SimulationResult:
    """Write `days` working days of history for `officers` simulated officers (sim01…), creating the
    users, codes, warrant stock and debts they need; days follow any this simulation wrote before."""
    rng = random.Random(seed)
    admin = _an_admin(ledger)
    desk = _desk(ledger, clock, admin, officers, rng)
    with ledger.store.reading() as reader:
        before = reader.count_entries()
        last = max((s["business_date"] for s in reader.sessions_on(None) if s["officer"].startswith("sim")),
                   default=None)
    today = today or datetime.now(LONDON).date()
    dates = working_days_before(today, days)
    if last is not None and dates[0].isoformat() <= last:
        dates = working_days_after(date.fromisoformat(last), days)
    for day in dates:
        _restock(ledger, clock, admin, day, len(desk.officers), rng)
        run_day(ledger, clock, day, desk)
    with ledger.store.reading() as reader:
        after = reader.count_entries()
    return SimulationResult(len(dates), dates[0].isoformat(), dates[-1].isoformat(), before, after)


def working_days_after(start: date, count: int) -> list[date]:
    days, day = [], start
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, start.year + 4))
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays:
            days.append(day)
    return days


def _an_admin(ledger: Ledger) -> Actor:
    with ledger.store.reading() as reader:
        admin = next(row for row in reader.users() if "admin" in row["roles"].split(",") and row["active"])
    return Actor(admin["username"], frozenset(admin["roles"].split(",")))


def _desk(ledger: Ledger, clock: SimClock, admin: Actor, officers: int, rng: random.Random) -> Desk:
    """The simulated people and codes, added where missing."""
    names = [f"sim{number:02d}" for number in range(1, officers + 1)]
    supervisors = ["simsup1", "simsup2"]
    with ledger.store.reading() as reader:
        have_users = {row["username"] for row in reader.users()}
        have_codes = {row["code"] for row in reader.codes()}
    for name in names + supervisors:
        if name not in have_users:
            role = ("supervisor",) if name.startswith("simsup") else ("officer",)
            ledger.add_user(admin, name, role, SIM_PIN, name=f"Simulated {name}")
    for code, name, code_type in SIM_CODES:
        if code not in have_codes:
            ledger.add_code(admin, code, name, code_type)
    return Desk(officers=[Actor(name, frozenset({"officer"})) for name in names],
                supervisors=[Actor(name, frozenset({"supervisor"})) for name in supervisors],
                income_codes=["SIM-FEES", "SIM-CONTRIB"], cost_codes=["SIM-SUNDRY"],
                warrant_codes=["SIM-TRAVEL"], rng=rng, acts_per_officer=(36, 46),
                amounts_pence=(150, 250, 300, 450, 500, 600, 750, 900))


def _restock(ledger: Ledger, clock: SimClock, admin: Actor, day: date, officers: int, rng: random.Random) -> None:
    """Before the day starts: enough warrant forms and enough debts for the officers to collect."""
    clock.at(day, 8, 30)
    with ledger.store.reading() as reader:
        stock = reader.warrants_by_status().get("stock", 0)
        highest = reader.highest_serial()
        owing = len(reader.debtors_owing(2500))
    if stock < 20 * officers:
        ledger.receive_warrants(admin, highest + 1, highest + STOCK_BATCH)
    if owing < 5 * officers:
        from ledger.debtors import DebtorRow

        rows = [DebtorRow(number, f"SD-{day:%y%m%d}-{number:03d}", rng.choice(PAYERS), rng.randint(100, 600) * 100,
                          "SIM-CONTRIB", "Simulated arrears") for number in range(1, 10 * officers + 1)]
        ledger.import_debts(admin, rows)
    clock.tick(5)
