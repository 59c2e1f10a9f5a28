"""Working days in England, and pay-run cut-offs typed in Europe/London time.

A working day is Monday to Friday and not an England bank holiday, as the `holidays` package
lists them (substitute days included: Boxing Day on a Saturday is taken on the Monday). That
package takes about 60 ms to import, so it is imported on the first question about a holiday
and never by `cashdesk verify` or anything else that does not ask.

A cut-off is typed as a wall-clock time in London, "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS",
and kept as an aware UTC datetime. When the clocks change, a local time can name no instant (the
hour skipped in March) or two (the hour repeated in October); such a time is refused, naming the
problem, rather than guessed: a deadline must mean one moment to everyone who reads it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
CUTOFF_FORMAT = "YYYY-MM-DD HH:MM[:SS]"
CUTOFF_ERROR_CODES = frozenset({"malformed", "no_such_time", "nonexistent", "ambiguous"})
ONE_DAY = timedelta(days=1)
_CUTOFF = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?")
_WEEKDAYS = 5  # Monday (0) to Friday (4)


class CutoffError(ValueError):
    """A typed cut-off that names no single moment in London.

    ``str(error)`` is one short line for a person; ``error.code`` is one of ``CUTOFF_ERROR_CODES``:
    malformed (not the format), no_such_time (30 February, 24:00), nonexistent (skipped when the
    clocks go forward), ambiguous (repeated when they go back).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self):
        return (type(self), (self.code, str(self)))


# -- working days --------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> dict[date, str]:
    import holidays  # lazy on purpose: see the module docstring

    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday_name(day: date) -> str | None:
    """The England bank holiday on `day` ("Boxing Day (observed)"), or None."""
    return _bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an England bank holiday."""
    return day.weekday() < _WEEKDAYS and day not in _bank_holidays(day.year)


def previous_working_day(day: date) -> date:
    """The last working day strictly before `day`."""
    day -= ONE_DAY
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def working_days_between(after: date, until: date) -> int:
    """Working days after `after` up to and including `until`; 0 when `until` is not later.

    A bag banked on Thursday 2 April 2026 is 1 working day old on Tuesday 7 April (Good Friday
    and Easter Monday do not count, nor the weekend), and 0 on the day it was banked.
    """
    if until <= after:
        return 0
    weekdays = _weekdays_to(until) - _weekdays_to(after)
    holidays_off = sum(1 for year in range(after.year, until.year + 1) for day in _bank_holidays(year)
                       if after < day <= until and day.weekday() < _WEEKDAYS)
    return weekdays - holidays_off


def _weekdays_to(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * _WEEKDAYS + min(rest, _WEEKDAYS)


# -- cut-offs ------------------------------------------------------------------------------
def parse_cutoff(text: str) -> datetime:
    """The UTC moment of a cut-off typed as London wall-clock time, or raise CutoffError."""
    match = _CUTOFF.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise CutoffError("malformed", f"cut-off must be written {CUTOFF_FORMAT} (London time)")
    try:
        local = datetime(*(int(part or 0) for part in match.groups()))
    except ValueError:
        raise CutoffError("no_such_time", f"cut-off {match.group(0)} is not a real date and time") from None
    return _london_to_utc(local)


def format_cutoff(moment: datetime) -> str:
    """A cut-off as London wall-clock time, "YYYY-MM-DD HH:MM:SS": what parse_cutoff reads back."""
    if moment.tzinfo is None:
        raise ValueError("a cut-off must be an aware datetime")
    return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S")


def _london_to_utc(local: datetime) -> datetime:
    earlier = local.replace(tzinfo=LONDON, fold=0)
    moment = earlier.astimezone(timezone.utc)
    shown = f"{local:%Y-%m-%d %H:%M:%S}"
    if moment.astimezone(LONDON).replace(tzinfo=None) != local:
        raise CutoffError("nonexistent", f"cut-off {shown} does not exist in London: the clocks go "
                                         "forward an hour that night; choose a time outside that hour")
    if local.replace(tzinfo=LONDON, fold=1).utcoffset() != earlier.utcoffset():
        raise CutoffError("ambiguous", f"cut-off {shown} happens twice in London: the clocks go back "
                                       "an hour that night; choose a time outside that hour")
    return moment
