"""Working days in England and Europe/London cut-offs (ledger.calendar)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.calendar import (CUTOFF_ERROR_CODES, LONDON, CutoffError, bank_holiday_name, format_cutoff,
                             is_working_day, parse_cutoff, previous_working_day, working_days_between)

REPO_ROOT = Path(__file__).resolve().parents[2]
D = date.fromisoformat
ONE_DAY = timedelta(days=1)
#: England's bank holidays in 2026, as gov.uk lists them.
ENGLAND_2026 = ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
                "2026-12-25", "2026-12-28"]
years = st.dates(date(1995, 1, 1), date(2045, 12, 31))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# -- working days --------------------------------------------------------------------------
def test_the_2026_bank_holidays_are_not_working_days_and_the_days_around_them_are():
    holidays_2026 = [D(day) for day in ENGLAND_2026]
    assert not any(is_working_day(day) for day in holidays_2026)
    assert all(is_working_day(day - ONE_DAY) or day.weekday() == 0 for day in holidays_2026[1:])
    every_day = [D("2026-01-01") + ONE_DAY * n for n in range(365)]
    off_on_a_weekday = [day for day in every_day if day.weekday() < 5 and not is_working_day(day)]
    assert off_on_a_weekday == holidays_2026
    assert sum(map(is_working_day, every_day)) == 261 - 8 == 253


def test_christmas_and_boxing_day_and_their_substitute_days():
    assert [is_working_day(D(day)) for day in ("2025-12-24", "2025-12-25", "2025-12-26", "2025-12-29")] == [
        True, False, False, True]
    # 2026: Boxing Day is a Saturday, so the bank holiday is Monday 28 December.
    assert bank_holiday_name(D("2026-12-28")) == "Boxing Day (observed)"
    assert [is_working_day(D(day)) for day in ("2026-12-24", "2026-12-25", "2026-12-28", "2026-12-29")] == [
        True, False, False, True]
    # 2021: both fell at the weekend; Monday 27 and Tuesday 28 December were the bank holidays.
    assert not is_working_day(D("2021-12-27")) and not is_working_day(D("2021-12-28"))
    assert is_working_day(D("2021-12-29"))
    # 2022: Christmas on a Sunday, Boxing Day on the Monday, the substitute on Tuesday 27th.
    assert [is_working_day(D(day)) for day in ("2022-12-26", "2022-12-27", "2022-12-28")] == [False, False, True]


def test_easter_early_may_and_a_weekend():
    assert not is_working_day(D("2026-04-03")) and not is_working_day(D("2026-04-06"))  # Good Friday, Easter Monday
    assert bank_holiday_name(D("2026-04-06")) == "Easter Monday"
    assert not is_working_day(D("2026-05-04")) and is_working_day(D("2026-05-05"))  # early May bank holiday
    assert not is_working_day(D("2020-05-08")) and is_working_day(D("2020-05-04"))  # moved to VE Day in 2020
    assert not is_working_day(D("2023-05-08"))  # the coronation
    assert [is_working_day(D(day)) for day in ("2026-06-05", "2026-06-06", "2026-06-07", "2026-06-08")] == [
        True, False, False, True]
    assert bank_holiday_name(D("2026-06-06")) is None  # a weekend is not a bank holiday
    assert bank_holiday_name(D("2026-03-17")) is None  # St Patrick's Day is Northern Ireland's, not England's


def test_previous_working_day_names_the_last_working_day_before():
    assert previous_working_day(D("2026-12-28")) == D("2026-12-24")
    assert previous_working_day(D("2026-04-06")) == D("2026-04-02")
    assert previous_working_day(D("2026-06-08")) == D("2026-06-05")  # a Monday: the Friday before
    assert previous_working_day(D("2026-06-10")) == D("2026-06-09")  # strictly before, even on a working day
    assert previous_working_day(D("2027-01-01")) == D("2026-12-31")


def test_age_in_working_days_counts_after_the_first_day_up_to_and_including_the_last():
    assert working_days_between(D("2026-04-02"), D("2026-04-02")) == 0
    assert working_days_between(D("2026-04-02"), D("2026-04-06")) == 0  # Good Friday, weekend, Easter Monday
    assert working_days_between(D("2026-04-02"), D("2026-04-07")) == 1
    assert working_days_between(D("2026-06-05"), D("2026-06-12")) == 5
    assert working_days_between(D("2025-12-31"), D("2026-12-31")) == 253
    assert working_days_between(D("2026-06-12"), D("2026-06-05")) == 0


@settings(max_examples=80, deadline=None, database=None)
@given(years, st.integers(0, 120), st.integers(0, 120))
def test_working_days_between_is_a_count_of_working_days_and_adds_up(start, first_gap, second_gap):
    middle, end = start + ONE_DAY * first_gap, start + ONE_DAY * (first_gap + second_gap)
    counted = sum(1 for n in range(1, first_gap + 1) if is_working_day(start + ONE_DAY * n))
    assert working_days_between(start, middle) == counted
    assert working_days_between(start, middle) + working_days_between(middle, end) == working_days_between(start, end)


@settings(max_examples=60, deadline=None, database=None)
@given(years)
def test_previous_working_day_is_a_working_day_with_none_between(day):
    before = previous_working_day(day)
    assert before < day and is_working_day(before)
    assert working_days_between(before, day - ONE_DAY) == 0


def test_importing_the_calendar_does_not_import_holidays_until_a_day_is_asked_about():
    """`holidays` costs ~60 ms to import; headless commands that never ask must not pay it."""
    ask = "import sys, ledger.calendar, ledger.allowance; print('holidays' in sys.modules, end=' ')"
    then = ("from datetime import date; ledger.calendar.is_working_day(date(2026, 1, 2)); "
            "print('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", f"{ask}\n{then}"], cwd=REPO_ROOT, capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.split() == ["False", "True"]  # the second is the negative control: asking does load it


# -- cut-offs ------------------------------------------------------------------------------
def test_a_cut_off_is_london_wall_clock_time_stored_as_utc():
    assert parse_cutoff("2026-06-30 17:00") == utc(2026, 6, 30, 16, 0)  # BST
    assert parse_cutoff("2026-01-30 17:00:30") == utc(2026, 1, 30, 17, 0, 30)  # GMT
    assert parse_cutoff("  2026-11-23 09:15 ") == utc(2026, 11, 23, 9, 15)
    assert parse_cutoff("2026-06-30 17:00").tzinfo is timezone.utc
    assert format_cutoff(parse_cutoff("2026-06-30 17:00")) == "2026-06-30 17:00:00"


@pytest.mark.parametrize("text", ["2026-03-29 01:00", "2026-03-29 01:30", "2026-03-29 01:59:59"])
def test_a_time_skipped_when_the_clocks_go_forward_is_refused(text):
    with pytest.raises(CutoffError, match="does not exist in London: the clocks go forward") as refused:
        parse_cutoff(text)
    assert refused.value.code == "nonexistent"


@pytest.mark.parametrize("text", ["2026-10-25 01:00", "2026-10-25 01:30", "2026-10-25 01:59:59"])
def test_a_time_repeated_when_the_clocks_go_back_is_refused(text):
    with pytest.raises(CutoffError, match="happens twice in London: the clocks go back") as refused:
        parse_cutoff(text)
    assert refused.value.code == "ambiguous"


def test_the_times_either_side_of_a_clock_change_are_accepted():
    assert parse_cutoff("2026-03-29 00:59:59") == utc(2026, 3, 29, 0, 59, 59)
    assert parse_cutoff("2026-03-29 02:00") == utc(2026, 3, 29, 1, 0)
    assert parse_cutoff("2026-10-25 00:59:59") == utc(2026, 10, 24, 23, 59, 59)
    assert parse_cutoff("2026-10-25 02:00") == utc(2026, 10, 25, 2, 0)


@pytest.mark.parametrize("text, code", [
    ("", "malformed"), ("17:00", "malformed"), ("2026-06-30", "malformed"), ("2026-6-30 17:00", "malformed"),
    ("2026-06-30T17:00", "malformed"), ("2026-06-30 17:00Z", "malformed"), ("2026-06-30 17:00+01:00", "malformed"),
    ("2026-06-30 17:00:00.5", "malformed"), ("2026-06-30  17:00", "malformed"), ("30/06/2026 17:00", "malformed"),
    ("٢٠٢٦-06-30 17:00", "malformed"), ("2026-06-30 5pm", "malformed"), (None, "malformed"),
    ("2026-02-30 10:00", "no_such_time"), ("2026-06-30 24:00", "no_such_time"),
    ("2026-06-30 23:59:60", "no_such_time"), ("2026-13-01 10:00", "no_such_time"),
])
def test_a_cut_off_that_is_not_one_moment_is_refused_in_one_line(text, code):
    with pytest.raises(CutoffError) as refused:
        parse_cutoff(text)
    assert refused.value.code == code and code in CUTOFF_ERROR_CODES
    assert str(refused.value) and "\n" not in str(refused.value)


def last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)
    return last - ONE_DAY * ((last.weekday() + 1) % 7)


#: Moments within three hours of 01:00 UTC on the last Sunday of March or October: the clock changes.
near_a_clock_change = st.builds(
    lambda year, month, seconds: datetime.combine(last_sunday(year, month), datetime.min.time())
    + timedelta(hours=1, seconds=seconds), st.integers(1996, 2045), st.sampled_from([3, 10]),
    st.integers(-3 * 3600, 3 * 3600))


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.datetimes(datetime(1996, 1, 1), datetime(2045, 12, 31)), near_a_clock_change))
def test_every_moment_reads_back_from_its_london_time_unless_that_time_happens_twice(moment):
    moment = moment.replace(microsecond=0, tzinfo=timezone.utc)
    local = moment.astimezone(LONDON)
    shown = format_cutoff(moment)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        with pytest.raises(CutoffError, match="happens twice"):
            parse_cutoff(shown)
    else:
        assert parse_cutoff(shown) == moment
