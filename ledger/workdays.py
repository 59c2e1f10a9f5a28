"""England working days (no weekends, no England bank holidays): how long a bag has been in transit.

Kept apart on purpose: ledger/calendar.py, written beside this by another engineer, holds
functions of the same names; when it lands on main, this module folds into it.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an England bank holiday (substitute days included)."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`: a bag banked on Friday is one working
    day old on Monday. 0 when `end` is not after `start`."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    tail_start = start + timedelta(days=full_weeks * 7)
    count += sum(1 for offset in range(1, rest + 1) if (tail_start + timedelta(days=offset)).weekday() < 5)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for holiday in _bank_holidays(year) if start < holiday <= end and holiday.weekday() < 5)
    return count
