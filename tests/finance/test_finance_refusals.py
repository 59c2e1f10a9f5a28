"""Every refusal the finance desk adds, reproduced through the service layer, writing nothing."""

from __future__ import annotations

import pytest

from ledger.refusals import Outcome, Refused
from tests.finance.conftest import RUN1, RUN2, after_cutoff, head_seq, invoice, package


def refused_as(outcome: Outcome, book, call, *args, **kwargs) -> str:
    before = head_seq(book)
    with pytest.raises(Refused) as excinfo:
        call(*args, **kwargs)
    assert head_seq(book) == before, "a refused write left an entry behind"
    assert excinfo.value.outcome is outcome, excinfo.value
    return excinfo.value.message


def closed_run(fin) -> str:
    """PR-0001 closed with the package PKG-0001 paid to 29 November."""
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    after_cutoff(fin, RUN1)
    fin.ledger.close_payrun(fin.sam, run)
    return run


def test_payee_exists(fin):
    message = refused_as(Outcome.PAYEE_EXISTS, fin, fin.ledger.add_payee, fin.fay, "CAR1", name="Other",
                         kind="carer", creditor="C9999")
    assert "CAR1" in message


def test_creditor_exists(fin):
    message = refused_as(Outcome.CREDITOR_EXISTS, fin, fin.ledger.add_payee, fin.fay, "CAR9", name="Other",
                         kind="carer", creditor="C0001")
    assert "CAR1" in message


def test_payee_unknown(fin):
    assert "NOPE" in refused_as(Outcome.PAYEE_UNKNOWN, fin, invoice, fin, payee="NOPE")


def test_item_unknown(fin):
    refused_as(Outcome.ITEM_UNKNOWN, fin, fin.ledger.authorise_item, fin.sam, "INV-0999")


def test_run_unknown(fin):
    refused_as(Outcome.RUN_UNKNOWN, fin, fin.ledger.close_payrun, fin.sam, "PR-0999")


def test_payee_retired(fin):
    fin.ledger.retire_payee(fin.fay, "PRV1", "ceased trading")
    refused_as(Outcome.PAYEE_RETIRED, fin, invoice, fin)


def test_not_a_carer(fin):
    refused_as(Outcome.NOT_A_CARER, fin, package, fin, payee="PRV1")


def test_item_decided(fin):
    item = invoice(fin).body["item"]
    fin.ledger.reject_item(fin.sam, item, "wrong cost code")
    message = refused_as(Outcome.ITEM_DECIDED, fin, fin.ledger.authorise_item, fin.tess, item)
    assert "rejected by sam" in message


def test_package_ended(fin):
    package(fin, end="2026-12-31")
    refused_as(Outcome.PACKAGE_ENDED, fin, fin.ledger.change_package, fin.fay, "PKG-0001",
               from_date="2027-01-04", reward_pence=12000, reason="new placement terms")


def test_days_already_paid(fin):
    closed_run(fin)
    message = refused_as(Outcome.DAYS_ALREADY_PAID, fin, fin.ledger.change_package, fin.fay, "PKG-0001",
                         from_date="2026-11-16", reward_pence=12000, reason="skills payment")
    assert "2026-11-30" in message


def test_not_a_working_day(fin):
    message = refused_as(Outcome.NOT_A_WORKING_DAY, fin, fin.ledger.schedule_payrun, fin.sam,
                         pay_date="2026-12-28", cutoff="2026-12-21 17:00", period_end="2026-12-20")
    assert "2026-12-24" in message  # Christmas, Boxing Day substitute (Mon 28th) and the weekend before


def test_run_dates_invalid(fin):
    fin.ledger.schedule_payrun(fin.sam, **RUN2)
    refused_as(Outcome.RUN_DATES_INVALID, fin, fin.ledger.schedule_payrun, fin.sam, **RUN1)


def test_run_not_open(fin):
    run = closed_run(fin)
    refused_as(Outcome.RUN_NOT_OPEN, fin, fin.ledger.close_payrun, fin.sam, run)


def test_previous_run_open(fin):
    fin.ledger.schedule_payrun(fin.sam, **RUN1)
    second = fin.ledger.schedule_payrun(fin.sam, **RUN2).body["run"]
    after_cutoff(fin, RUN2)
    assert "PR-0001" in refused_as(Outcome.PREVIOUS_RUN_OPEN, fin, fin.ledger.close_payrun, fin.sam, second)


def test_cutoff_not_reached(fin):
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    refused_as(Outcome.CUTOFF_NOT_REACHED, fin, fin.ledger.close_payrun, fin.sam, run)


def test_run_not_closed(fin):
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    refused_as(Outcome.RUN_NOT_CLOSED, fin, fin.ledger.mark_paid, fin.sam, run, paid_on="2026-12-04")
    with pytest.raises(Refused) as excinfo:
        fin.ledger.export_payrun(run)
    assert excinfo.value.outcome is Outcome.RUN_NOT_CLOSED


def test_run_already_paid(fin):
    run = closed_run(fin)
    fin.ledger.mark_paid(fin.sam, run, paid_on="2026-12-04")
    refused_as(Outcome.RUN_ALREADY_PAID, fin, fin.ledger.mark_paid, fin.sam, run, paid_on="2026-12-04")


def test_possible_duplicate(fin):
    invoice(fin)
    message = refused_as(Outcome.POSSIBLE_DUPLICATE, fin, invoice, fin, invoice_no="inv42", amount_pence=500)
    assert "INV-0001" in message


def test_exceptions_reason_required(fin):
    invoice(fin)  # keyed before the cut-off and never authorised: it misses the deadline
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    after_cutoff(fin, RUN1)
    refused_as(Outcome.EXCEPTIONS_REASON_REQUIRED, fin, fin.ledger.close_payrun, fin.sam, run)
    assert fin.ledger.close_payrun(fin.sam, run, "INV-0001 is queried with the provider").body["exceptions"]


def test_authorisation_limit_exceeded(fin):
    package(fin)  # £316 a week: £16,432.00 over 52 weeks, above tess's default £5,000.00
    message = refused_as(Outcome.AUTHORISATION_LIMIT_EXCEEDED, fin, fin.ledger.authorise_item, fin.tess,
                         "PKG-0001")
    assert "£16432.00" in message and "£5000.00" in message
