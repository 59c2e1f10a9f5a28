"""Fostering allowances day by day: age bands, the rates in force, a package's terms, a pay-run line.

Pure arithmetic on `datetime.date`, `int` pence and `Fraction`: no SQL, no I/O, no float. The
service reads the ledger, builds a `Policy` and a `Package`, and asks for a `line`; docs/FINANCE.md
("How an allowance is calculated") explains the rules with a worked example that
tests/unit/test_allowance.py recomputes.

A package's daily due is (weekly allowance for the child's band that day, under the rate table in
force that day, + the weekly reward fee in force that day) / 7, kept exact. A line over a run's days
is the exact sum of its daily dues, rounded once, half up, to the penny. A day the policy cannot
price (no table in force yet, or a child aged 18 or over) pays nothing at all and is listed in the
line so that the caller can show it as an exception.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction

#: The age bands, youngest first, as typed in `rates set --weekly 0-2=...`.
BANDS = ("0-2", "3-4", "5-10", "11-15", "16-17")
#: The age at which each band starts.
BAND_FIRST_AGES = (0, 3, 5, 11, 16)
#: From this age there is no band and no allowance.
ADULT_AGE = 18
DAYS_PER_WEEK = 7
#: A package is authorised at the cost of its first 52 weeks (or to its end, if sooner).
COST_WEEKS = 52
ONE_DAY = timedelta(days=1)
_BAND_CHANGE_AGES = (*BAND_FIRST_AGES[1:], ADULT_AGE)


# -- ages and bands ------------------------------------------------------------------------
def birthday(dob: date, age: int) -> date:
    """The day someone born on `dob` attains `age`.

    English law (Family Law Reform Act 1969, s.9) has a person attain an age at the start of the
    anniversary of their birth; someone born on 29 February attains it on 1 March in a common year.
    """
    year = dob.year + age
    if dob.month == 2 and dob.day == 29 and not _is_leap(year):
        return date(year, 3, 1)
    return dob.replace(year=year)


def age_on(dob: date, day: date) -> int:
    """Age in whole years on `day` (a birthday counts from its first moment)."""
    _check_day("dob", dob)
    _check_day("day", day)
    if day < dob:
        raise ValueError(f"{day} is before the date of birth {dob}")
    age = day.year - dob.year
    return age - 1 if birthday(dob, age) > day else age


def band_on(dob: date, day: date) -> str | None:
    """The child's band on `day` ("0-2" ... "16-17"), or None from the 18th birthday."""
    age = age_on(dob, day)
    if age >= ADULT_AGE:
        return None
    return BANDS[bisect.bisect_right(BAND_FIRST_AGES, age) - 1]


def next_birthday_band_change(dob: date, day: date) -> date | None:
    """The first birthday after `day` that moves the band (the 18th ends the bands); None once 18."""
    for age in _BAND_CHANGE_AGES:
        if dob.year + age > date.max.year:
            return None
        moved = birthday(dob, age)
        if moved > day:
            return moved
    return None


# -- the policy ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RateTable:
    """Weekly allowance pence for each band in `BANDS`, in force from a day until the next table."""

    in_force_from: date
    weekly_pence: tuple[int, ...]

    def __post_init__(self) -> None:
        _check_day("in_force_from", self.in_force_from)
        object.__setattr__(self, "weekly_pence", tuple(self.weekly_pence))
        if len(self.weekly_pence) != len(BANDS):
            raise ValueError(f"a rate table needs {len(BANDS)} weekly rates, one per band {BANDS}")
        for band, pence in zip(BANDS, self.weekly_pence):
            _check_pence(f"weekly rate for {band}", pence)

    def weekly_pence_for(self, band: str) -> int:
        return self.weekly_pence[BANDS.index(band)]


@dataclass(frozen=True)
class Policy:
    """Every rate table set, in the order they were set: the one in force on a day is the latest
    whose `in_force_from` is on or before it; of two from the same day, the one set later."""

    tables: tuple[RateTable, ...] = ()
    _dates: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tables = tuple(sorted(self.tables, key=lambda table: table.in_force_from))  # stable
        object.__setattr__(self, "tables", tables)
        object.__setattr__(self, "_dates", tuple(table.in_force_from for table in tables))

    def table_on(self, day: date) -> RateTable | None:
        index = bisect.bisect_right(self._dates, day)
        return self.tables[index - 1] if index else None


# -- a package -----------------------------------------------------------------------------
@dataclass(frozen=True)
class RewardChange:
    """From `effective_from` on, the carer's weekly reward fee is `weekly_reward_pence`."""

    effective_from: date
    weekly_reward_pence: int

    def __post_init__(self) -> None:
        _check_day("effective_from", self.effective_from)
        _check_pence("weekly reward", self.weekly_reward_pence)


@dataclass(frozen=True)
class Package:
    """A care package's terms: paid from `start` to `end` (the last day paid, inclusive; None while
    open; the day before `start` for a package that never began), the child's date of birth, the
    weekly reward fee at the start and its changes."""

    child_dob: date
    start: date
    weekly_reward_pence: int
    end: date | None = None
    reward_changes: tuple[RewardChange, ...] = ()
    _change_dates: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_day("child_dob", self.child_dob)
        _check_day("start", self.start)
        _check_pence("weekly reward", self.weekly_reward_pence)
        if self.start < self.child_dob:
            raise ValueError(f"the package starts {self.start}, before the child's date of birth {self.child_dob}")
        if self.end is not None:
            _check_day("end", self.end)
            if self.end < self.start - ONE_DAY:  # the day before the start: it never began, and pays no day
                raise ValueError(f"the package ends {self.end}, before it starts {self.start} "
                                 "(the day before the start is the earliest end)")
        changes = tuple(sorted(self.reward_changes, key=lambda change: change.effective_from))  # stable
        object.__setattr__(self, "reward_changes", changes)
        object.__setattr__(self, "_change_dates", tuple(change.effective_from for change in changes))

    def reward_on(self, day: date) -> int:
        """The weekly reward pence in force on `day` (of two changes from one day, the later one)."""
        index = bisect.bisect_right(self._change_dates, day)
        return self.reward_changes[index - 1].weekly_reward_pence if index else self.weekly_reward_pence

    def last_day(self, period_end: date) -> date:
        """The last day payable up to `period_end`: the earlier of the end and `period_end`."""
        return period_end if self.end is None else min(self.end, period_end)


# -- a line and its breakdown --------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """Consecutive days, `first` to `last` inclusive."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Segment(Span):
    """Consecutive paid days on the same band, weekly allowance and weekly reward."""

    band: str
    weekly_allowance_pence: int
    weekly_reward_pence: int

    @property
    def weekly_due_pence(self) -> int:
        return self.weekly_allowance_pence + self.weekly_reward_pence

    @property
    def due(self) -> Fraction:
        """The exact pence due for these days: days x weekly due / 7."""
        return Fraction(self.days * self.weekly_due_pence, DAYS_PER_WEEK)


@dataclass(frozen=True)
class Line:
    """What a package earns over the days `first`..`last`: the paid segments, and the package's
    days in the window that were not paid because no rate table was in force (`no_policy`) or the
    child was 18 or over (`adult`; a day that is both is listed only here)."""

    first: date
    last: date
    segments: tuple[Segment, ...] = ()
    no_policy: tuple[Span, ...] = ()
    adult: tuple[Span, ...] = ()

    @property
    def due(self) -> Fraction:
        """The exact sum of the daily dues, in pence."""
        return sum((segment.due for segment in self.segments), Fraction(0))

    @property
    def amount_pence(self) -> int:
        """The line's amount: the exact sum rounded once, half up, to the penny."""
        return round_half_up(self.due)

    @property
    def days_paid(self) -> int:
        return sum(segment.days for segment in self.segments)

    @property
    def days_unpaid(self) -> int:
        return sum(span.days for span in (*self.no_policy, *self.adult))


def round_half_up(exact: Fraction) -> int:
    """The whole number nearest to `exact`, a half going up. (A sum of sevenths never ends in a half,
    so for a line the direction of a tie is never needed; it is fixed here all the same.)"""
    return math.floor(exact + Fraction(1, 2))


def line(package: Package, policy: Policy, first: date, last: date) -> Line:
    """The package's line over the days `first`..`last` (inclusive; none outside start..end count)."""
    _check_day("first", first)
    _check_day("last", last)
    low, high = max(first, package.start), package.last_day(last)
    builder = _LineBuilder()
    if low <= high:
        cuts = _change_days(package, policy, low, high)
        for piece_first, piece_last in zip([low, *cuts], [*(cut - ONE_DAY for cut in cuts), high]):
            builder.add(package, policy, piece_first, piece_last)
    return Line(first, last, tuple(builder.segments), tuple(builder.no_policy), tuple(builder.adult))


def line_pence(package: Package, policy: Policy, first: date, last: date) -> int:
    """`line(...).amount_pence`: the rounded line over `first`..`last`."""
    return line(package, policy, first, last).amount_pence


def _change_days(package: Package, policy: Policy, low: date, high: date) -> list[date]:
    """Every day in (low, high] on which the band, the rate table or the reward may change."""
    candidates = {*policy._dates, *package._change_dates}
    for age in _BAND_CHANGE_AGES:
        if package.child_dob.year + age <= date.max.year:
            candidates.add(birthday(package.child_dob, age))
    return sorted(day for day in candidates if low < day <= high)


class _LineBuilder:
    """Collects a line's pieces, joining a piece to the one before when nothing differs."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.no_policy: list[Span] = []
        self.adult: list[Span] = []

    def add(self, package: Package, policy: Policy, first: date, last: date) -> None:
        band, table = band_on(package.child_dob, first), policy.table_on(first)
        if band is None:
            _append(self.adult, Span(first, last))
        elif table is None:
            _append(self.no_policy, Span(first, last))
        else:
            _append(self.segments, Segment(first, last, band, table.weekly_pence_for(band),
                                           package.reward_on(first)))


def _append(pieces: list, piece: Span) -> None:
    """Add `piece`, or lengthen the last piece when it ends the day before on the same terms."""
    before = pieces[-1] if pieces else None
    if before is not None and before.last + ONE_DAY == piece.first and replace(
            before, first=piece.first, last=piece.last) == piece:
        pieces[-1] = replace(before, last=piece.last)
    else:
        pieces.append(piece)


# -- what the service asks -----------------------------------------------------------------
def run_days(package: Package, paid_to: date | None, period_end: date) -> Span | None:
    """The package's days in a run: from max(start, paid_to + 1) to min(end, period_end), where
    `paid_to` is the last day already paid (None if none); None when there is nothing to pay."""
    first = package.start if paid_to is None else max(package.start, paid_to + ONE_DAY)
    last = package.last_day(period_end)
    return Span(first, last) if first <= last else None


def weekly_due_on(package: Package, policy: Policy, day: date) -> int | None:
    """Weekly pence due on `day` (allowance + reward), or None if `day` is not paid (outside
    start..end, no rate table in force, or the child is 18 or over)."""
    segments = line(package, policy, day, day).segments
    return segments[0].weekly_due_pence if segments else None


def cost_line(package: Package, policy: Policy, from_day: date | None = None) -> Line:
    """The package's first 52 weeks from `from_day` (default and earliest: its start), or to its end
    if sooner. Days it cannot price cost nothing here, so a caller measuring a limit should look at
    `days_unpaid` too."""
    first = package.start if from_day is None else max(from_day, package.start)
    return line(package, policy, first, first + timedelta(weeks=COST_WEEKS) - ONE_DAY)


def cost_pence(package: Package, policy: Policy, from_day: date | None = None) -> int:
    """`cost_line(...).amount_pence`: what an authoriser's limit is measured against."""
    return cost_line(package, policy, from_day).amount_pence


def overpayment(paid_terms: Package, policy: Policy, new_end: date, paid_to: date | None) -> Line | None:
    """What was overpaid when an end is back-dated to `new_end` (the last day now due) but days up to
    `paid_to` were already paid: the line over new_end + 1 .. paid_to under `paid_terms`, the terms
    those days were paid on (before the end was keyed). None when nothing paid lies after `new_end`."""
    if paid_to is None or new_end >= paid_to:
        return None
    return line(paid_terms, policy, new_end + ONE_DAY, paid_to)


# -- checks --------------------------------------------------------------------------------
def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _check_day(name: str, value: object) -> None:
    if type(value) is not date:  # a datetime is a date too, and would compare wrongly
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")


def _check_pence(name: str, value: object) -> None:
    if type(value) is not int:
        raise TypeError(f"{name} must be int pence, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative")
