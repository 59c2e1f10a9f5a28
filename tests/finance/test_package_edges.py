"""Two edges of care packages that the finance state machine found (tests/reliability/test_finance_state_machine.py).

- A package ended on the day before its start (an end may go that far: the placement never began)
  pays no day at all: it can still be authorised, previewed and closed in a run, and if it had
  already been paid, every paid day is an overpayment.
- A reward change cannot reach days that a run past its cut-off will pay: that run was priced on
  the changes authorised before its cut-off, so a change authorised later for those days would
  never be paid, and an overpayment of them would be priced on terms they were not paid on.
"""

from __future__ import annotations

import pytest

from ledger.refusals import Outcome, Refused
from tests.finance.conftest import RUN1, RUN2, after_cutoff, package


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
