"""Properties of the allowance arithmetic over random packages, policies and run windows.

An independent day-by-day reckoning (written here from the rules in docs/FINANCE.md, not from
ledger.allowance) is the oracle: the program's segment arithmetic must equal it exactly.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.allowance import Package, Policy, RateTable, RewardChange, line, round_half_up, run_days

ONE_DAY = timedelta(days=1)
BAND_AGES = ((0, 2), (3, 4), (5, 10), (11, 15), (16, 17))
SETTINGS = settings(max_examples=150, deadline=None, database=None)

pence = st.integers(min_value=0, max_value=150_000)
leap_dobs = st.sampled_from([date(2008, 2, 29), date(2012, 2, 29)])
dobs = st.integers(0, 9).flatmap(lambda n: leap_dobs if n == 0 else st.dates(date(2000, 1, 1), date(2030, 12, 31)))
#: Days from birth to the start: near a birthday that moves the band, so that windows often cross one.
start_ages_days = st.builds(lambda age, before: max(0, age * 365 - before),
                            st.sampled_from([0, 3, 5, 11, 16, 18]), st.integers(-60, 400))


# -- the oracle: one day at a time ---------------------------------------------------------
def oracle_age(dob: date, day: date) -> int:
    birthday = (dob.month, dob.day)
    if birthday == (2, 29) and not calendar.isleap(day.year):
        birthday = (3, 1)
    return day.year - dob.year - ((day.month, day.day) < birthday)


def latest_on(day: date, dated: list[tuple[date, object]]):
    """The value of the last item, in the given order, among those dated latest on or before `day`."""
    best = None
    for when, value in dated:
        if when <= day and (best is None or when >= best[0]):
            best = (when, value)
    return None if best is None else best[1]


def oracle_daily(kept: Package, tables: list[RateTable], day: date) -> tuple[str, Fraction]:
    """("paid" | "outside" | "adult" | "no_policy", the exact pence due that day)."""
    if day < kept.start or (kept.end is not None and day > kept.end):
        return "outside", Fraction(0)
    age = oracle_age(kept.child_dob, day)
    if age >= 18:
        return "adult", Fraction(0)
    table = latest_on(day, [(t.in_force_from, t) for t in tables])
    if table is None:
        return "no_policy", Fraction(0)
    band = next(i for i, (low, high) in enumerate(BAND_AGES) if low <= age <= high)
    reward = latest_on(day, [(c.effective_from, c.weekly_reward_pence) for c in kept.reward_changes])
    weekly = table.weekly_pence[band] + (kept.weekly_reward_pence if reward is None else reward)
    return "paid", Fraction(weekly, 7)


def days(first: date, last: date) -> list[date]:
    return [first + ONE_DAY * n for n in range((last - first).days + 1)]


# -- strategies ----------------------------------------------------------------------------
@st.composite
def scenarios(draw):
    """(package, the tables in the order set, first, last): windows around the package's days."""
    dob = draw(dobs)
    start = dob + ONE_DAY * draw(start_ages_days)
    end = draw(st.none() | st.integers(0, 900).map(lambda n: start + ONE_DAY * n))
    near_start = st.integers(-300, 700).map(lambda n: start + ONE_DAY * n)
    changes = draw(st.lists(st.builds(RewardChange, near_start, pence), max_size=3))
    kept = Package(dob, start, draw(pence), end, tuple(changes))
    table_days = st.integers(-1000, 700).map(lambda n: start + ONE_DAY * n)
    tables = draw(st.lists(st.builds(RateTable, table_days, st.tuples(*[pence] * 5)), max_size=4))
    first = draw(near_start)
    last = first + ONE_DAY * draw(st.integers(-1, 700))
    return kept, tables, first, last


# -- properties ----------------------------------------------------------------------------
@SETTINGS
@given(scenarios())
def test_the_line_is_the_day_by_day_sum_rounded_once(scenario):
    kept, tables, first, last = scenario
    result = line(kept, Policy(tuple(tables)), first, last)
    reckoned = [oracle_daily(kept, tables, day) for day in days(first, last)]
    assert result.due == sum((due for _, due in reckoned), Fraction(0))
    assert result.amount_pence == round_half_up(result.due)
    assert abs(result.amount_pence - result.due) <= Fraction(1, 2)
    assert result.days_paid == sum(1 for status, _ in reckoned if status == "paid")
    for status, spans in (("adult", result.adult), ("no_policy", result.no_policy)):
        assert sum(span.days for span in spans) == sum(1 for s, _ in reckoned if s == status)


@SETTINGS
@given(scenarios())
def test_no_day_outside_start_to_end_is_ever_paid(scenario):
    kept, tables, first, last = scenario
    policy = Policy(tuple(tables))
    low, high = max(first, kept.start), min(last, kept.end or last)
    whole = line(kept, policy, first, last)
    inside = line(kept, policy, low, high)
    assert (whole.segments, whole.no_policy, whole.adult) == (inside.segments, inside.no_policy, inside.adult)
    assert whole.due == inside.due
    for span in (*whole.segments, *whole.no_policy, *whole.adult):
        assert low <= span.first <= span.last <= high
    if kept.end is not None:
        assert line(kept, policy, kept.end + ONE_DAY, kept.end + ONE_DAY * 400).due == 0
    assert line(kept, policy, kept.start - ONE_DAY * 400, kept.start - ONE_DAY).due == 0


@SETTINGS
@given(scenarios())
def test_segments_and_unpaid_stretches_cover_the_packages_days_once_each_in_order(scenario):
    kept, tables, first, last = scenario
    result = line(kept, Policy(tuple(tables)), first, last)
    pieces = sorted((*result.segments, *result.no_policy, *result.adult), key=lambda span: span.first)
    covered = [day for span in pieces for day in days(span.first, span.last)]
    expected = [day for day in days(first, last) if oracle_daily(kept, tables, day)[0] != "outside"]
    assert covered == expected
    for before, after in zip(result.segments, result.segments[1:]):
        joined = before.last + ONE_DAY == after.first
        same_terms = (before.band, before.weekly_allowance_pence, before.weekly_reward_pence) == (
            after.band, after.weekly_allowance_pence, after.weekly_reward_pence)
        assert not (joined and same_terms), "two stretches on the same terms should have been one"


@SETTINGS
@given(scenarios(), st.lists(st.integers(0, 700), max_size=8))
def test_splitting_a_period_into_runs_moves_the_total_by_at_most_a_penny_a_run(scenario, cut_offsets):
    kept, tables, first, last = scenario
    policy = Policy(tuple(tables))
    cuts = sorted({first + ONE_DAY * n for n in cut_offsets if first + ONE_DAY * n < last})
    runs = list(zip([first, *(cut + ONE_DAY for cut in cuts)], [*cuts, last]))
    parts = [line(kept, policy, run_first, run_last) for run_first, run_last in runs]
    single = line(kept, policy, first, last)
    assert sum((part.due for part in parts), Fraction(0)) == single.due  # exactly additive
    moved = abs(sum(part.amount_pence for part in parts) - single.amount_pence)
    assert moved <= len(runs)  # a penny a run, as promised in docs/FINANCE.md
    assert 2 * moved <= len(runs) + 1  # and in fact half a penny a run, plus half for the single line


@SETTINGS
@given(scenarios(), st.lists(st.integers(1, 120), min_size=1, max_size=12))
def test_runs_chained_by_paid_to_pay_each_day_once(scenario, period_lengths):
    kept, tables, first, _ = scenario
    policy = Policy(tuple(tables))
    paid_to, period_end, paid = None, first, []
    for length in period_lengths:
        period_end += ONE_DAY * length
        span = run_days(kept, paid_to, period_end)
        if span is not None:
            paid.extend(days(span.first, span.last))
            paid_to = span.last
    expected = [day for day in days(kept.start, period_end) if kept.end is None or day <= kept.end]
    assert paid == expected
    if paid:
        assert sum((line(kept, policy, day, day).due for day in paid), Fraction(0)) == line(
            kept, policy, paid[0], paid[-1]).due
