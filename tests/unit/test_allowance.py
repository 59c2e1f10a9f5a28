"""The fostering allowance arithmetic (ledger.allowance) by worked examples, and docs/FINANCE.md's
worked example recomputed from the document. Properties over random packages are in
test_allowance_properties.py."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from ledger.allowance import (BANDS, Line, Package, Policy, RateTable, RewardChange, Span, age_on,
                              band_on, birthday, cost_line, cost_pence, line, line_pence, next_birthday_band_change,
                              overpayment, round_half_up, run_days, weekly_due_on)
from ledger.money import format_plain, parse_amount

DOC = Path(__file__).resolve().parents[2] / "docs" / "FINANCE.md"
#: Example figures: the 2025/26 national minimum allowance for the South East, per week, youngest band first.
SOUTH_EAST_2025 = RateTable(date(2025, 4, 1), (18900, 19600, 21600, 24700, 28800))
#: Invented figures for a second table, to show a rate change (not anybody's real rates).
INVENTED_2026 = RateTable(date(2026, 4, 1), (19500, 20200, 22300, 25500, 29700))
POLICY = Policy((SOUTH_EAST_2025, INVENTED_2026))
D = date.fromisoformat


def package(dob="2015-03-20", start="2026-01-05", reward=15000, end=None, changes=()) -> Package:
    return Package(D(dob), D(start), reward, None if end is None else D(end),
                   tuple(RewardChange(D(day), pence) for day, pence in changes))


def terms(result: Line) -> list[tuple]:
    return [(str(s.first), str(s.last), s.band, s.weekly_allowance_pence, s.weekly_reward_pence)
            for s in result.segments]


# -- ages and bands ------------------------------------------------------------------------
def test_a_birthday_moves_the_band_on_the_day_itself():
    dob = D("2015-03-20")
    assert [band_on(dob, D(day)) for day in ("2026-03-19", "2026-03-20")] == ["5-10", "11-15"]
    assert [age_on(dob, D(day)) for day in ("2015-03-20", "2016-03-19", "2016-03-20")] == [0, 0, 1]
    assert [band_on(dob, birthday(dob, age)) for age in (0, 2, 3, 4, 5, 10, 11, 15, 16, 17, 18)] == [
        "0-2", "0-2", "3-4", "3-4", "5-10", "5-10", "11-15", "11-15", "16-17", "16-17", None]


def test_a_child_born_on_29_february_attains_an_age_on_1_march_in_a_common_year():
    dob = D("2016-02-29")
    assert birthday(dob, 11) == D("2027-03-01") and birthday(dob, 12) == D("2028-02-29")
    assert age_on(dob, D("2027-02-28")) == 10 and age_on(dob, D("2027-03-01")) == 11
    assert age_on(dob, D("2028-02-28")) == 11 and age_on(dob, D("2028-02-29")) == 12
    result = line(package("2016-02-29", "2027-01-04", reward=0), POLICY, D("2027-02-27"), D("2027-03-02"))
    assert terms(result) == [("2027-02-27", "2027-02-28", "5-10", 22300, 0),
                             ("2027-03-01", "2027-03-02", "11-15", 25500, 0)]


def test_no_band_from_the_18th_birthday_and_those_days_are_listed_not_paid():
    kept = package("2008-06-15", "2026-01-05", reward=10000)
    result = line(kept, POLICY, D("2026-06-10"), D("2026-06-20"))
    assert terms(result) == [("2026-06-10", "2026-06-14", "16-17", 29700, 10000)]
    assert result.adult == (Span(D("2026-06-15"), D("2026-06-20")),) and result.no_policy == ()
    assert result.due == Fraction(5 * 39700, 7) and (result.days_paid, result.days_unpaid) == (5, 6)
    assert weekly_due_on(kept, POLICY, D("2026-06-14")) == 39700
    assert weekly_due_on(kept, POLICY, D("2026-06-15")) is None
    assert band_on(kept.child_dob, D("2026-06-15")) is None


def test_next_band_change_is_the_next_birthday_that_moves_the_band():
    dob = D("2015-03-20")
    assert next_birthday_band_change(dob, D("2026-03-19")) == D("2026-03-20")
    assert next_birthday_band_change(dob, D("2026-03-20")) == D("2031-03-20")  # 16: band 16-17
    assert next_birthday_band_change(dob, D("2031-03-20")) == D("2033-03-20")  # 18: no band
    assert next_birthday_band_change(dob, D("2033-03-20")) is None
    assert next_birthday_band_change(D("2016-02-29"), D("2026-06-01")) == D("2027-03-01")


def test_the_package_form_shows_the_weekly_due_today_and_after_the_next_birthday():
    kept = package(start="2026-03-09")
    today = D("2026-03-09")
    after = next_birthday_band_change(kept.child_dob, today)
    assert (weekly_due_on(kept, POLICY, today), after, weekly_due_on(kept, POLICY, after)) == (
        21600 + 15000, D("2026-03-20"), 24700 + 15000)
    assert weekly_due_on(kept, POLICY, D("2026-03-08")) is None  # before the start


# -- worked examples -----------------------------------------------------------------------
def test_a_birthday_mid_period_splits_the_line_at_the_birthday():
    result = line(package(reward=0), POLICY, D("2026-03-16"), D("2026-03-22"))
    assert terms(result) == [("2026-03-16", "2026-03-19", "5-10", 21600, 0),
                             ("2026-03-20", "2026-03-22", "11-15", 24700, 0)]
    assert result.due == Fraction(4 * 21600 + 3 * 24700, 7) == Fraction(160500, 7)  # 22928.57...
    assert result.amount_pence == 22929


def test_a_rate_change_mid_period_splits_the_line_at_the_new_table():
    result = line(package(reward=0), POLICY, D("2026-03-30"), D("2026-04-05"))
    assert terms(result) == [("2026-03-30", "2026-03-31", "11-15", 24700, 0),
                             ("2026-04-01", "2026-04-05", "11-15", 25500, 0)]
    assert result.amount_pence == round_half_up(Fraction(2 * 24700 + 5 * 25500, 7)) == 25271  # 25271.43


def test_a_start_and_an_end_mid_period_pay_only_the_days_between():
    kept = package(start="2026-02-10", end="2026-02-12", reward=15000)
    result = line(kept, POLICY, D("2026-02-01"), D("2026-02-28"))
    assert [(s.first, s.last, s.days) for s in result.segments] == [(D("2026-02-10"), D("2026-02-12"), 3)]
    assert result.amount_pence == round_half_up(Fraction(3 * 36600, 7)) == 15686  # 15685.71
    assert line(kept, POLICY, D("2026-02-13"), D("2026-02-28")).amount_pence == 0
    assert line(kept, POLICY, D("2026-02-01"), D("2026-02-09")) == Line(D("2026-02-01"), D("2026-02-09"))


def test_a_reward_change_mid_period_splits_the_line_at_its_effective_date():
    kept = package(changes=[("2026-02-16", 17500)])
    result = line(kept, POLICY, D("2026-02-09"), D("2026-02-22"))
    assert terms(result) == [("2026-02-09", "2026-02-15", "5-10", 21600, 15000),
                             ("2026-02-16", "2026-02-22", "5-10", 21600, 17500)]
    assert result.amount_pence == 36600 + 39100  # two whole weeks: no fraction at all


def test_days_before_the_first_rate_table_are_listed_as_no_policy_and_not_paid():
    result = line(package(start="2025-03-24"), POLICY, D("2025-03-24"), D("2025-04-06"))
    assert result.no_policy == (Span(D("2025-03-24"), D("2025-03-31")),)
    assert terms(result) == [("2025-04-01", "2025-04-06", "5-10", 21600, 15000)]
    assert result.amount_pence == round_half_up(Fraction(6 * 36600, 7))
    assert line(package(), Policy(), D("2026-01-05"), D("2026-01-11")).no_policy == (
        Span(D("2026-01-05"), D("2026-01-11")),)


def test_a_day_both_without_policy_and_aged_18_is_listed_once_as_18():
    result = line(package("2007-03-20", "2025-01-06"), POLICY, D("2025-03-18"), D("2025-03-22"))
    assert result.no_policy == (Span(D("2025-03-18"), D("2025-03-19")),)
    assert result.adult == (Span(D("2025-03-20"), D("2025-03-22")),) and result.segments == ()


def test_tables_with_the_same_figures_join_into_one_segment_and_a_later_table_for_a_day_stands():
    same_figures = RateTable(D("2026-03-01"), SOUTH_EAST_2025.weekly_pence)
    result = line(package(), Policy((SOUTH_EAST_2025, same_figures)), D("2026-02-20"), D("2026-03-10"))
    assert terms(result) == [("2026-02-20", "2026-03-10", "5-10", 21600, 15000)]
    corrected = RateTable(INVENTED_2026.in_force_from, (1, 2, 3, 4, 5))
    assert Policy((INVENTED_2026, corrected)).table_on(D("2026-05-01")) == corrected
    assert Policy((corrected, INVENTED_2026)).table_on(D("2026-05-01")) == INVENTED_2026
    assert Policy((INVENTED_2026, SOUTH_EAST_2025)).table_on(D("2026-03-31")) == SOUTH_EAST_2025
    assert POLICY.table_on(D("2025-03-31")) is None


def test_of_two_reward_changes_from_one_day_the_later_keyed_stands():
    kept = package(changes=[("2026-02-16", 17500), ("2026-02-16", 16000)])
    assert (kept.reward_on(D("2026-02-15")), kept.reward_on(D("2026-02-16"))) == (15000, 16000)


def test_the_line_is_rounded_once_half_up():
    assert [round_half_up(Fraction(n, d)) for n, d in [(1, 2), (3, 2), (7, 2), (-1, 2), (3, 7), (4, 7), (0, 1)]] \
        == [1, 2, 4, 0, 0, 1, 0]
    one_week_of_days = line(package(reward=1), POLICY, D("2026-01-05"), D("2026-01-11"))
    assert one_week_of_days.amount_pence == 21601  # seven days of 21601/7, not 7 x round(3085.86)
    assert line_pence(package(reward=1), POLICY, D("2026-01-05"), D("2026-01-05")) == 3086


# -- what the service asks -----------------------------------------------------------------
def test_run_days_from_the_day_after_the_last_paid_to_the_earlier_of_end_and_period_end():
    kept = package(start="2026-03-09", end="2026-05-20")
    assert run_days(kept, None, D("2026-03-31")) == Span(D("2026-03-09"), D("2026-03-31"))
    assert run_days(kept, D("2026-03-31"), D("2026-04-30")) == Span(D("2026-04-01"), D("2026-04-30"))
    assert run_days(kept, D("2026-04-30"), D("2026-05-31")) == Span(D("2026-05-01"), D("2026-05-20"))
    assert run_days(kept, D("2026-05-20"), D("2026-06-30")) is None
    assert run_days(kept, D("2026-01-31"), D("2026-03-31")) == Span(D("2026-03-09"), D("2026-03-31"))
    assert run_days(kept, None, D("2026-03-08")) is None
    assert run_days(package(start="2026-03-09"), D("2026-03-31"), D("2027-01-31")).last == D("2027-01-31")


def test_cost_is_the_first_52_weeks_or_to_the_end_if_sooner():
    steady = package("2015-06-01", "2026-04-06")  # 10 at the start, 11 on 1 June 2026
    expected = Fraction(56 * (22300 + 15000) + (364 - 56) * (25500 + 15000), 7)
    assert cost_pence(steady, POLICY) == round_half_up(expected) == 8 * 37300 + 44 * 40500
    assert cost_pence(steady, POLICY) == line_pence(steady, POLICY, D("2026-04-06"), D("2027-04-04"))
    short = package("2015-06-01", "2026-04-06", end="2026-04-19")
    assert cost_pence(short, POLICY) == 2 * (22300 + 15000)
    changed = package("2015-06-01", "2026-04-06", changes=[("2026-09-07", 20000)])
    assert cost_pence(changed, POLICY, D("2026-09-07")) == 52 * (25500 + 20000)
    assert cost_pence(changed, POLICY, D("2020-01-01")) == cost_pence(changed, POLICY)
    unpriced = cost_line(package("2015-06-01", "2025-03-03"), POLICY)
    assert (unpriced.no_policy, unpriced.days_paid) == ((Span(D("2025-03-03"), D("2025-03-31")),), 364 - 29)


def test_an_end_back_dated_into_paid_days_is_overpaid_by_the_line_after_it():
    paid_terms = package(start="2026-03-09")
    over = overpayment(paid_terms, POLICY, D("2026-03-20"), D("2026-03-31"))
    assert (over.first, over.last) == (D("2026-03-21"), D("2026-03-31"))
    assert over.amount_pence == round_half_up(Fraction(11 * (24700 + 15000), 7)) == 62386  # 62385.71
    assert overpayment(paid_terms, POLICY, D("2026-03-31"), D("2026-03-31")) is None
    assert overpayment(paid_terms, POLICY, D("2026-04-10"), D("2026-03-31")) is None
    assert overpayment(paid_terms, POLICY, D("2026-03-20"), None) is None
    assert overpayment(paid_terms, POLICY, D("2026-03-01"), D("2026-03-31")).first == D("2026-03-02")
    assert overpayment(paid_terms, POLICY, D("2026-03-01"), D("2026-03-31")).amount_pence == line_pence(
        paid_terms, POLICY, D("2026-03-09"), D("2026-03-31"))


def test_a_package_ended_the_day_before_it_starts_never_began_and_pays_no_day():
    never = package(start="2026-01-05", end="2026-01-04")
    assert line(never, POLICY, D("2026-01-01"), D("2026-03-31")).days_paid == 0
    assert run_days(never, None, D("2026-03-31")) is None
    assert cost_pence(never, POLICY) == 0
    paid_terms = package(start="2026-01-05")
    assert overpayment(paid_terms, POLICY, never.end, D("2026-01-31")).amount_pence == line_pence(
        paid_terms, POLICY, D("2026-01-05"), D("2026-01-31"))


# -- bad terms are bugs in the caller, refused loudly --------------------------------------
@pytest.mark.parametrize("build, error, words", [
    (lambda: package(start="2026-01-05", end="2026-01-03"), ValueError, "before it starts"),
    (lambda: package(dob="2026-01-06", start="2026-01-05"), ValueError, "before the child's date of birth"),
    (lambda: package(reward=-1), ValueError, "cannot be negative"),
    (lambda: package(reward=True), TypeError, "int pence"),
    (lambda: package(reward=150.0), TypeError, "int pence"),
    (lambda: Package(D("2015-03-20"), datetime(2026, 1, 5), 0), TypeError, "datetime.date"),
    (lambda: RewardChange(D("2026-01-05"), -5), ValueError, "cannot be negative"),
    (lambda: RateTable(D("2026-01-05"), (1, 2, 3, 4)), ValueError, "5 weekly rates"),
    (lambda: RateTable(D("2026-01-05"), (1, 2, 3, 4, -5)), ValueError, "16-17 cannot be negative"),
    (lambda: RateTable("2026-01-05", (1, 2, 3, 4, 5)), TypeError, "datetime.date"),
    (lambda: age_on(D("2026-01-05"), D("2026-01-04")), ValueError, "before the date of birth"),
    (lambda: line(package(), POLICY, D("2026-01-05"), datetime(2026, 2, 1)), TypeError, "datetime.date"),
])
def test_impossible_terms_raise_naming_the_problem(build, error, words):
    with pytest.raises(error, match=words):
        build()


def test_a_window_that_ends_before_it_starts_is_an_empty_line():
    empty = line(package(), POLICY, D("2026-02-01"), D("2026-01-31"))
    assert (empty.segments, empty.amount_pence, empty.days_paid) == ((), 0, 0)


# -- docs/FINANCE.md's worked example ------------------------------------------------------
@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def stated(doc: str, name: str) -> list[str]:
    """The lines of the block after `<!-- allowance-example: NAME -->`, without a ```text fence."""
    block = re.search(rf"<!-- allowance-example: {name} -->\s*(.*?)\n\n", doc, re.S).group(1)
    return block.removeprefix("```text\n").removesuffix("\n```").splitlines()


def stated_fields(doc: str, name: str) -> dict[str, str]:
    return dict(row.split(None, 1) for row in stated(doc, name))


def pounds(amount_pence: int) -> str:
    return f"£{amount_pence // 100:,}.{amount_pence % 100:02d}"


def stated_example(doc: str) -> tuple[Policy, Package, Span]:
    rates, terms_, run = (stated_fields(doc, name) for name in ("rates", "package", "run"))
    policy = Policy((RateTable(D(rates["in_force_from"]), tuple(parse_amount(rates[band]) for band in BANDS)),))
    change_day, change_amount = terms_["reward_change"].split()
    kept = Package(D(terms_["child_dob"]), D(terms_["start"]), parse_amount(terms_["reward"]),
                   None if terms_["end"] == "-" else D(terms_["end"]),
                   (RewardChange(D(change_day), parse_amount(change_amount)),))
    paid_to = None if run["paid_to"] == "-" else D(run["paid_to"])
    return policy, kept, run_days(kept, paid_to, D(run["period_end"]))


def test_the_worked_example_segments_are_the_programs(doc):
    policy, kept, days = stated_example(doc)
    table = [tuple(cell.strip() for cell in row.strip("|").split("|")) for row in stated(doc, "segments")[2:]]
    result = line(kept, policy, days.first, days.last)
    assert len(table) == 3 and table == [
        (str(s.first), str(s.last), str(s.days), s.band, format_plain(s.weekly_allowance_pence),
         format_plain(s.weekly_reward_pence), format_plain(s.weekly_due_pence),
         f"{s.due.numerator}/{s.due.denominator}") for s in result.segments]


def test_the_worked_example_total_is_the_programs(doc):
    policy, kept, days = stated_example(doc)
    total = stated_fields(doc, "total")
    result = line(kept, policy, days.first, days.last)
    assert Fraction(total["exact_pence"]) == result.due
    assert abs(Fraction(total["decimal_pence"].rstrip("…")) - result.due) < Fraction(1, 10**6)
    assert total["amount"] == format_plain(result.amount_pence) == "1262.86"
    assert f"pays **{pounds(result.amount_pence)}**" in doc


def test_the_worked_example_rounded_daily_is_the_stated_penny_more(doc):
    policy, kept, days = stated_example(doc)
    segments = line(kept, policy, days.first, days.last).segments
    daily_pence = [round_half_up(Fraction(s.weekly_due_pence, 7)) for s in segments]
    rounded_daily = sum(s.days * pence for s, pence in zip(segments, daily_pence))
    stated_daily = ", ".join(f"{pence:,}p" for pence in daily_pence[:-1]) + f" and {daily_pence[-1]:,}p a day"
    assert f"({stated_daily}) would have paid {pounds(rounded_daily)}" in " ".join(doc.split())
    assert rounded_daily == line_pence(kept, policy, days.first, days.last) + 1


def test_the_worked_example_split_into_two_runs_is_the_programs(doc):
    policy, kept, days = stated_example(doc)
    split = [row.split() for row in stated(doc, "split")]
    parts = [line_pence(kept, policy, D(first), D(last)) for first, last, _ in split]
    assert [amount for *_, amount in split] == [format_plain(pence) for pence in parts]
    assert (D(split[0][0]), D(split[-1][1])) == (days.first, days.last)
    assert D(split[1][0]) == D(split[0][1]) + timedelta(days=1)
    assert abs(sum(parts) - line_pence(kept, policy, days.first, days.last)) == 1
    assert f"{pounds(sum(parts))} together" in doc
