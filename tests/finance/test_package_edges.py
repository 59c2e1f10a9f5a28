"""An edge of care packages that the finance state machine found (tests/reliability/test_finance_state_machine.py).

A package ended on the day before its start (an end may go that far: the placement never began)
pays no day at all: it can still be authorised, previewed and closed in a run, and if it had
already been paid, every paid day is an overpayment.
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
