"""A small pure model of the finance desk, for its state machine: what each act should answer.

It shares nothing with `ledger/` but the wording of the rules (docs/FINANCE.md): allowances are
summed day by day (the ledger sums stretches), invoice numbers come with their normalised key
from a fixed table, and a package's paid days remember the weekly due each was paid at, so an
overpayment is priced on the terms those days were really paid on.
"""

from __future__ import annotations

import calendar
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from math import floor

ONE_DAY = timedelta(days=1)
#: The example rates from April 2025, and a council's higher ones from Monday 4 January 2027.
RATES = ((date(2025, 4, 1), {"0-2": 18900, "3-4": 19600, "5-10": 21600, "11-15": 24700, "16-17": 28800}),
         (date(2027, 1, 4), {"0-2": 19500, "3-4": 20300, "5-10": 22400, "11-15": 25600, "16-17": 29900}))
BAND_FIRST_AGES = ((16, "16-17"), (11, "11-15"), (5, "5-10"), (3, "3-4"), (0, "0-2"))
#: England bank holidays in the weeks the machine's runs can fall in.
BANK_HOLIDAYS = {date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29)}
DUPLICATE_WINDOW_DAYS = 14
COST_DAYS = 364


def attains(dob: date, age: int) -> date:
    """The birthday on which a child attains `age` (a 29 February child on 1 March in a common year)."""
    year = dob.year + age
    if (dob.month, dob.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 3, 1)
    return dob.replace(year=year)


def age_on(dob: date, day: date) -> int:
    age = day.year - dob.year
    return age if attains(dob, age) <= day else age - 1


def allowance_on(dob: date, day: date) -> int | None:
    """The weekly allowance for the child's band on `day`; None from 18, or before any rates."""
    age = age_on(dob, day)
    tables = [weekly for since, weekly in RATES if since <= day]
    if age >= 18 or not tables:
        return None
    return tables[-1][next(band for first, band in BAND_FIRST_AGES if age >= first)]


def round_half_up(exact: Fraction) -> int:
    return floor(exact + Fraction(1, 2))


def days(first: date, last: date):
    while first <= last:
        yield first
        first += ONE_DAY


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


@dataclass
class Item:
    """An invoice, payment, package or change, as the desk's queue holds it."""

    item: str
    kind: str
    keyed_by: str
    keyed_at: str
    keyed_seq: int
    payee: str | None = None
    amount_pence: int | None = None
    key: str | None = None
    invoice_date: date | None = None
    duplicate_of: str | None = None
    package: str | None = None
    from_date: date | None = None
    reward_pence: int | None = None
    state: str = "keyed"
    decided_by: str | None = None
    decided_at: str | None = None
    decided_seq: int | None = None
    run: str | None = None

    @property
    def root(self) -> str:
        return self.package or self.item


@dataclass
class Package:
    item: str
    payee: str
    case_ref: str
    dob: date
    start: date
    end: date | None
    reward_pence: int
    code: str = "FOST"
    #: Each day paid, and the weekly due it was paid at (None: paid nothing, e.g. 18 or over).
    paid: dict[date, int | None] = field(default_factory=dict)

    @property
    def paid_to(self) -> date | None:
        return max(self.paid) if self.paid else None

    def last_day(self, until: date) -> date:
        return until if self.end is None else min(self.end, until)


@dataclass
class Run:
    run: str
    week: int
    pay_date: date
    cutoff: str
    cutoff_utc: str
    period_end: date
    state: str = "scheduled"
    lines: list[tuple] = field(default_factory=list)
    total_pence: int | None = None


@dataclass
class Plan:
    lines: list[tuple] = field(default_factory=list)  # (item, kind, payee, amount_pence, first, last)
    exceptions: Counter = field(default_factory=Counter)  # (kind, item) -> how many
    weekly: dict[str, dict[date, int | None]] = field(default_factory=dict)  # package -> day -> weekly due

    @property
    def total_pence(self) -> int:
        return sum(line[3] for line in self.lines)


class FinanceModel:
    """Items, packages, runs and overpayment debts, and the rules that decide each act."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}
        self.packages: dict[str, Package] = {}
        self.runs: list[Run] = []
        self.hands: dict[str, set[str]] = {}
        self.debts: dict[str, list[int]] = {}  # OP-PKG-n -> [raised, collected]

    # -- numbering ---------------------------------------------------------------------------
    def next_item(self, kind: str) -> str:
        prefix = {"invoice": "INV", "payment": "PAY", "package": "PKG", "change": "CHG"}[kind]
        return f"{prefix}-{sum(1 for item in self.items.values() if item.kind == kind) + 1:04d}"

    def next_run(self) -> str:
        return f"PR-{len(self.runs) + 1:04d}"

    def run(self, run_id: str) -> Run | None:
        return next((run for run in self.runs if run.run == run_id), None)

    # -- the rules -----------------------------------------------------------------------------
    def duplicate_of(self, payee: str, key: str, amount_pence: int, invoice_date: date) -> str | None:
        """The first live invoice, oldest first, that this one may duplicate by any of the three rules."""
        for item in self.items.values():
            if item.kind != "invoice" or item.state == "rejected":
                continue
            same_payee = item.payee == payee
            near = abs((item.invoice_date - invoice_date).days) <= DUPLICATE_WINDOW_DAYS
            if (same_payee and item.key == key) or (not same_payee and item.key == key
                                                   and item.amount_pence == amount_pence) \
                    or (same_payee and item.amount_pence == amount_pence and near):
                return item.item
        return None

    def reward_on(self, package: Package, day: date, before: str | None = None,
                  extra: tuple[date, int] | None = None) -> int:
        changes = sorted(((item.from_date, item.decided_seq, item.reward_pence) for item in self.items.values()
                          if item.kind == "change" and item.package == package.item and item.state == "authorised"
                          and (before is None or item.decided_at < before)), key=lambda c: (c[0], c[1]))
        if extra is not None:
            changes.append((extra[0], None, extra[1]))
        changes.sort(key=lambda change: change[0])  # stable: the extra is the later of one day's changes
        in_force = [reward for since, _, reward in changes if since <= day]
        return in_force[-1] if in_force else package.reward_pence

    def weekly_due(self, package: Package, day: date, before: str | None = None,
                   extra: tuple[date, int] | None = None) -> int | None:
        allowance = allowance_on(package.dob, day)
        return None if allowance is None else allowance + self.reward_on(package, day, before, extra)

    def line(self, package: Package, first: date, last: date, before: str | None = None,
             extra: tuple[date, int] | None = None) -> tuple[int, dict[date, int | None]]:
        """The rounded line over first..last (clipped to start..end) and each day's weekly due."""
        weekly = {day: self.weekly_due(package, day, before, extra)
                  for day in days(max(first, package.start), package.last_day(last))}
        exact = sum((Fraction(due, 7) for due in weekly.values() if due is not None), Fraction(0))
        return round_half_up(exact), weekly

    def cost_pence(self, item: Item) -> int:
        """What an authoriser's limit is measured against: the amount, or 52 weeks of a package."""
        if item.kind in ("invoice", "payment"):
            return item.amount_pence
        if item.kind == "package":
            package = self.packages[item.item]
            return self.line(package, package.start, package.start + COST_DAYS * ONE_DAY - ONE_DAY)[0]
        package = self.packages[item.package]
        first = max(item.from_date, package.start)
        return self.line(package, first, first + COST_DAYS * ONE_DAY - ONE_DAY,
                         extra=(item.from_date, item.reward_pence))[0]

    def committed_to(self, package: Package, now_utc: str) -> date | None:
        """The last day paid, or bound to be paid by a run whose cut-off has passed with it authorised."""
        ends = [package.paid_to] if package.paid_to else []
        authorised = self.items[package.item]
        for run in self.runs:
            if run.state == "scheduled" and run.cutoff_utc <= now_utc and authorised.state == "authorised" \
                    and authorised.decided_at < run.cutoff_utc:
                ends.append(run.period_end)
        return max(ends) if ends else None

    def overpaid_pence(self, package: Package, new_end: date) -> int:
        """What was paid for days after a new end, at the weekly dues those days were paid at."""
        return round_half_up(sum((Fraction(due, 7) for day, due in package.paid.items()
                                  if day > new_end and due is not None
                                  and (package.end is None or day <= package.end)), Fraction(0)))

    def abnormal(self, item: Item) -> bool:
        history = [other.amount_pence for other in self.items.values()
                   if other.kind == "invoice" and other.state != "rejected" and other.payee == item.payee
                   and other.keyed_seq < item.keyed_seq][-10:]
        if len(history) < 10:
            return False
        return item.amount_pence > statistics.fmean(history) + 2 * statistics.pstdev(history)

    # -- pay runs ------------------------------------------------------------------------------
    def previous(self, run: Run) -> Run | None:
        earlier = [other for other in self.runs if other.cutoff_utc < run.cutoff_utc]
        return max(earlier, key=lambda other: other.cutoff_utc) if earlier else None

    def plan(self, run: Run, now_utc: str) -> Plan:
        """The run as it would close now: items authorised since the previous cut-off, packages to
        the period end (assuming an open previous run pays its period), then recoveries."""
        previous = self.previous(run)
        plan = Plan()
        self._plan_items(plan, run, previous.cutoff_utc if previous else "")
        for package in sorted(self.packages.values(), key=lambda package: package.item):
            self._plan_package(plan, run, previous, package)
        self._plan_recoveries(plan)
        for item in sorted(self.items.values(), key=lambda item: item.keyed_seq):
            decided_in_time = item.state in ("authorised", "rejected") and item.decided_at < run.cutoff_utc
            if item.keyed_at < run.cutoff_utc and item.run is None and not decided_in_time:
                kind = "missed_deadline" if now_utc >= run.cutoff_utc else "awaiting_authorisation"
                plan.exceptions[(kind, item.item)] += 1
        return plan

    def _plan_items(self, plan: Plan, run: Run, since_utc: str) -> None:
        joining = [item for item in self.items.values() if item.kind in ("invoice", "payment")
                   and item.state == "authorised" and item.run is None and since_utc <= item.decided_at < run.cutoff_utc]
        for item in sorted(joining, key=lambda item: item.decided_seq):
            plan.lines.append((item.item, item.kind, item.payee, item.amount_pence, None, None))
            if item.duplicate_of:
                plan.exceptions[("confirmed_duplicate", item.item)] += 1
            if item.kind == "invoice" and self.abnormal(item):
                plan.exceptions[("abnormal_amount", item.item)] += 1

    def _plan_package(self, plan: Plan, run: Run, previous: Run | None, package: Package) -> None:
        authorised = self.items[package.item]
        if authorised.state != "authorised" or authorised.decided_at >= run.cutoff_utc:
            return
        paid_to = package.paid_to
        if previous is not None and previous.state == "scheduled" and authorised.decided_at < previous.cutoff_utc:
            paid_to = max(paid_to or previous.period_end, previous.period_end)
        first = package.start if paid_to is None else max(package.start, paid_to + ONE_DAY)
        last = package.last_day(run.period_end)
        if first > last:
            return
        amount_pence, weekly = self.line(package, first, last, before=run.cutoff_utc)
        if None in weekly.values():
            plan.exceptions[("off_policy", package.item)] += 1
        if package.end is not None and previous is not None and package.end <= previous.period_end:
            plan.exceptions[("package_past_end", package.item)] += 1
        plan.lines.append((package.item, "package", package.payee, amount_pence, first.isoformat(), last.isoformat()))
        plan.weekly[package.item] = weekly

    def _plan_recoveries(self, plan: Plan) -> None:
        totals: Counter = Counter()
        for line in plan.lines:
            totals[line[2]] += line[3]
        for payee in sorted(totals):
            room_pence = totals[payee]
            for ref in sorted(self.debts):
                raised, collected = self.debts[ref]
                if self.packages[ref.removeprefix("OP-")].payee != payee or raised <= collected:
                    continue
                if room_pence <= 0:
                    break
                taken = min(room_pence, raised - collected)
                room_pence -= taken
                plan.lines.append((ref.removeprefix("OP-"), "recovery", payee, -taken, None, None))

    def close(self, run: Run, plan: Plan) -> None:
        run.state, run.lines, run.total_pence = "closed", list(plan.lines), plan.total_pence
        for item, kind, _, amount_pence, _, _ in plan.lines:
            if kind in ("invoice", "payment"):
                self.items[item].run = run.run
            elif kind == "package":
                self.packages[item].paid.update(plan.weekly[item])
            else:
                self.debts[f"OP-{item}"][1] -= amount_pence
