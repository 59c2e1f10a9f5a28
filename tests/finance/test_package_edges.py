"""Two edges of care packages that the finance state machine found (tests/reliability/test_finance_state_machine.py).

- A package ended on the day before its start (an end may go that far: the placement never began)
  pays no day at all: it can still be authorised, previewed and closed in a run, and if it had
  already been paid, every paid day is an overpayment.
- A reward change cannot reach days that a run past its cut-off will pay: that run was priced on
  the changes authorised before its cut-off, so a change authorised later for those days would
  never be paid, and an overpayment of them would be priced on terms they were not paid on.
- Rate tables likewise take effect only on days not yet paid (nor bound to be by a run past its
  cut-off): a table reaching back was never paid on those days, yet a later back-dated end priced
  their overpayment on it (a session found £2,000.00 charged for days paid £632.00).
"""

from __future__ import annotations

import pytest

from ledger.refusals import Outcome, Refused
from tests.finance.conftest import EXAMPLE_RATES, RUN1, RUN2, after_cutoff, package


def outcome_of(call, *args, **kwargs) -> Outcome:
    with pytest.raises(Refused) as excinfo:
        call(*args, **kwargs)
    return excinfo.value.outcome


# -- an end on the day before the start -----------------------------------------------------------
def test_a_package_ended_the_day_before_it_starts_is_authorised_at_no_cost_and_paid_nothing(fin):
    package(fin)  # from Monday 2 November
    fin.ledger.end_package(fin.fay, "PKG-0001", on="2026-11-01", reason="the placement never began")
    assert fin.ledger.authorise_item(fin.sam, "PKG-0001").body["cost_pence"] == 0
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    assert fin.ledger.preview_payrun(run).lines == []
    after_cutoff(fin, RUN1)
    assert fin.ledger.close_payrun(fin.sam, run).body["total_pence"] == 0


def test_a_paid_package_ended_the_day_before_it_starts_is_all_overpaid_and_later_runs_still_close(fin):
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    package(fin, case_ref="CASE-2", reward_pence=0)  # the carer's other child: £216 a week
    fin.ledger.authorise_item(fin.sam, "PKG-0002")
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    after_cutoff(fin, RUN1)
    fin.ledger.close_payrun(fin.sam, run)  # PKG-0001 paid 2 to 29 November: 4 weeks at £316
    ended = fin.ledger.end_package(fin.fay, "PKG-0001", on="2026-11-01", reason="the placement never began")
    assert ended.body["overpaid_pence"] == 4 * 31600
    second = fin.ledger.schedule_payrun(fin.sam, **RUN2).body["run"]
    lines = fin.ledger.preview_payrun(second).lines
    assert [(line["item"], line["kind"], line["amount_pence"]) for line in lines] == [
        ("PKG-0002", "package", 21600), ("PKG-0001", "recovery", -21600)]
    after_cutoff(fin, RUN2)
    assert fin.ledger.close_payrun(fin.sam, second).body["total_pence"] == 0


# -- a change against a run past its cut-off ------------------------------------------------------
def test_a_change_keyed_after_the_cutoff_cannot_reach_the_days_that_run_pays(fin):
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    after_cutoff(fin, RUN1)  # PR-0001 will pay PKG-0001 to 29 November, as it stood at the cut-off
    refused = pytest.raises(Refused, fin.ledger.change_package, fin.fay, "PKG-0001", from_date="2026-11-16",
                            reward_pence=50000, reason="Skills level 2").value
    assert refused.outcome is Outcome.DAYS_ALREADY_PAID and "2026-11-30" in refused.message
    assert fin.ledger.change_package(fin.fay, "PKG-0001", from_date="2026-11-30", reward_pence=50000,
                                     reason="Skills level 2").outcome is Outcome.APPENDED


def test_a_change_keyed_before_the_cutoff_and_authorised_after_it_is_refused_at_authorising(fin):
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    change = fin.ledger.change_package(fin.fay, "PKG-0001", from_date="2026-11-16", reward_pence=50000,
                                       reason="Skills level 2").body["item"]
    after_cutoff(fin, RUN1)
    assert outcome_of(fin.ledger.authorise_item, fin.sam, change) is Outcome.DAYS_ALREADY_PAID
    closed = fin.ledger.close_payrun(fin.sam, "PR-0001", "the change missed the cut-off").body
    assert closed["lines"][0]["amount_pence"] == 4 * 31600  # the old reward, as the refusal said
    ended = fin.ledger.end_package(fin.fay, "PKG-0001", on="2026-11-15", reason="placement ended")
    assert ended.body["overpaid_pence"] == 2 * 31600  # 16 to 29 November, at the reward they were paid at


def test_a_package_the_passed_run_does_not_pay_can_still_change_in_that_runs_period(fin):
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    package(fin)
    after_cutoff(fin, RUN1)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")  # after the cut-off: PR-0001 does not pay it
    change = fin.ledger.change_package(fin.fay, "PKG-0001", from_date="2026-11-16", reward_pence=50000,
                                       reason="Skills level 2").body["item"]
    assert fin.ledger.authorise_item(fin.sam, change).outcome is Outcome.APPENDED


# -- rates reaching back into paid days -----------------------------------------------------------
DOUBLED = {band: 2 * pence for band, pence in EXAMPLE_RATES.items()}


def rates_outcome(fin, from_date: str) -> Outcome:
    try:
        return fin.ledger.set_rates(fin.adam, from_date=from_date, weekly_pence=DOUBLED).outcome
    except Refused as refused:
        return refused.outcome


def entry_count(fin) -> int:
    with fin.ledger.store.reading() as reader:
        return reader.count_entries()


def test_rates_cannot_reach_back_into_days_a_closed_run_paid(fin):
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    after_cutoff(fin, RUN1)
    paid = fin.ledger.close_payrun(fin.sam, "PR-0001").body["lines"][0]["amount_pence"]
    before = entry_count(fin)
    refused = pytest.raises(Refused, fin.ledger.set_rates, fin.adam, from_date="2026-11-16",
                            weekly_pence=DOUBLED).value
    assert refused.outcome is Outcome.DAYS_ALREADY_PAID
    assert "paid to 2026-11-29" in refused.message and "from 2026-11-30" in refused.message
    assert entry_count(fin) == before  # nothing written
    # so a back-dated end recovers what those days were paid, not what the doubled rates would have paid
    ended = fin.ledger.end_package(fin.fay, "PKG-0001", on="2026-11-15", reason="placement ended")
    assert ended.body["overpaid_pence"] == 2 * 31600 == paid // 2  # 16 to 29 November at £316 a week
    assert rates_outcome(fin, "2026-11-30") is Outcome.APPENDED  # control: the first unpaid day may take them


def test_rates_cannot_reach_days_a_run_past_its_cutoff_will_pay(fin):
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    assert rates_outcome(fin, "2026-11-23") is Outcome.APPENDED  # before the cut-off: PR-0001 will pay them
    after_cutoff(fin, RUN1)
    refused = pytest.raises(Refused, fin.ledger.set_rates, fin.adam, from_date="2026-11-27",
                            weekly_pence=EXAMPLE_RATES).value
    assert refused.outcome is Outcome.DAYS_ALREADY_PAID and "by PR-0001, past its cut-off" in refused.message


def test_rates_may_reach_back_over_a_run_past_its_cutoff_that_pays_no_package(fin):
    """Negative control for the run's part: a run past its cut-off with no package authorised before it
    pays no package day, so rates for its period are still free to change."""
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    package(fin)
    after_cutoff(fin, RUN1)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")  # after the cut-off: PR-0001 does not pay it
    assert rates_outcome(fin, "2026-11-16") is Outcome.APPENDED


def test_rates_may_reach_back_over_days_a_passed_run_pays_no_package(fin):
    """A package authorised before the cut-off but starting after the run's period adds no day to it."""
    package(fin, start="2026-12-10")
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    after_cutoff(fin, RUN1)
    assert fin.ledger.preview_payrun("PR-0001").lines == []
    assert rates_outcome(fin, "2026-11-16") is Outcome.APPENDED


def test_rates_may_follow_a_package_paid_to_its_end(fin):
    """A package paid to its end by a closed run adds no day to a later run past its cut-off."""
    package(fin)
    fin.ledger.end_package(fin.fay, "PKG-0001", on="2026-11-29", reason="placement ends")
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    after_cutoff(fin, RUN1)
    fin.ledger.close_payrun(fin.sam, "PR-0001")
    fin.ledger.schedule_payrun(fin.sam, **RUN2)
    after_cutoff(fin, RUN2)
    assert fin.ledger.preview_payrun("PR-0002").lines == []
    assert rates_outcome(fin, "2026-11-29") is Outcome.DAYS_ALREADY_PAID  # the closed run paid that day
    assert rates_outcome(fin, "2026-11-30") is Outcome.APPENDED
