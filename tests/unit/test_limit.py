"""The daily limit: £250.00 per officer and business date, over receipts, collections, payouts and
warrants, less reversals; per-user limits, supervisor overrides, and the business date itself."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ledger.refusals import Outcome, Refused

TODAY = "2026-11-23"
TOMORROW = "2026-11-24"
LIMIT_PENCE = 25_000


def used_pence(book, officer: str = "alice", business_date: str = TODAY) -> int:
    with book.ledger.store.reading() as reader:
        return reader.limit_used_pence(officer, business_date)


def receipt(book, actor, amount_pence, **fields):
    fields = {"method": "cash", "code": "INC1", "payer": "Mr A Payer", **fields}
    return book.ledger.record_receipt(actor, amount_pence=amount_pence, **fields)


def collection(book, actor, amount_pence, **fields):
    return book.ledger.collect_debt(actor, debtor_ref="DR-1", amount_pence=amount_pence, method="cash", **fields)


def payout(book, actor, amount_pence, **fields):
    return book.ledger.record_payout(actor, amount_pence=amount_pence, code="EXP1", payee="Corner Shop",
                                     purpose="milk for the office", **fields)


def warrant(book, actor, value_pence, **fields):
    return book.ledger.issue_warrant(actor, recipient="Ms A Traveller", journey="Leeds to York",
                                     value_pence=value_pence, code="TW1", **fields)


KINDS = {"receipt": receipt, "collection": collection, "payout": payout, "warrant": warrant}


def over_limit(call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as excinfo:
        call(*args, **kwargs)
    assert excinfo.value.outcome is Outcome.OFFICER_LIMIT_EXCEEDED, excinfo.value
    return excinfo.value


# -- exactly the limit, a penny over ---------------------------------------------------------
def test_exactly_250_pounds_in_one_entry_is_accepted(open_book):
    posted = receipt(open_book, open_book.alice, LIMIT_PENCE)
    assert posted.outcome is Outcome.APPENDED
    assert used_pence(open_book) == LIMIT_PENCE


def test_250_pounds_and_a_penny_in_one_entry_is_refused(open_book):
    refused = over_limit(receipt, open_book, open_book.alice, LIMIT_PENCE + 1)
    assert "daily limit of £250.00" in refused.message
    assert used_pence(open_book) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_entry_is_refused_a_penny_over(open_book, kind):
    open_book.ledger.open_session(open_book.bob, 0)
    receipt(open_book, open_book.bob, LIMIT_PENCE - 100)
    refused = over_limit(KINDS[kind], open_book, open_book.bob, 101)
    assert "£1.00 headroom left" in refused.message
    assert KINDS[kind](open_book, open_book.bob, 100).outcome is Outcome.APPENDED
    assert used_pence(open_book, "bob") == LIMIT_PENCE


def test_the_limit_is_cumulative_over_receipts(open_book):
    receipt(open_book, open_book.alice, 10_000)
    receipt(open_book, open_book.alice, 15_000)
    refused = over_limit(receipt, open_book, open_book.alice, 1)
    assert refused.message == ("£0.01 would pass the daily limit of £250.00: "
                               "£250.00 used, £0.00 headroom left")


def test_the_limit_is_cumulative_across_every_kind(open_book):
    receipt(open_book, open_book.alice, 10_000, method="cheque")
    collection(open_book, open_book.alice, 5_000)
    payout(open_book, open_book.alice, 2_000)
    warrant(open_book, open_book.alice, 7_999)
    assert used_pence(open_book) == 24_999
    refused = over_limit(payout, open_book, open_book.alice, 2)
    assert "£249.99 used, £0.01 headroom left" in refused.message
    warrant(open_book, open_book.alice, 1)
    for kind in KINDS.values():
        over_limit(kind, open_book, open_book.alice, 1)
    assert used_pence(open_book) == LIMIT_PENCE


def test_the_refusal_shows_the_headroom_left(open_book):
    receipt(open_book, open_book.alice, 24_000)
    refused = over_limit(receipt, open_book, open_book.alice, 1_500)
    assert refused.message == ("£15.00 would pass the daily limit of £250.00: "
                               "£240.00 used, £10.00 headroom left")


@pytest.mark.parametrize("kind", ["receipt", "payout"])
def test_a_reversal_gives_the_headroom_back(open_book, kind):
    receipt(open_book, open_book.alice, LIMIT_PENCE - 3_000)
    posted = KINDS[kind](open_book, open_book.alice, 3_000)
    over_limit(receipt, open_book, open_book.alice, 1)
    open_book.ledger.reverse(open_book.alice, seq=posted.seq, reason="keyed twice", authoriser=open_book.sam)
    assert used_pence(open_book) == LIMIT_PENCE - 3_000
    assert receipt(open_book, open_book.alice, 3_000).outcome is Outcome.APPENDED
    over_limit(receipt, open_book, open_book.alice, 1)


# -- per-user limits -------------------------------------------------------------------------
def test_a_per_user_limit_changes_that_officers_limit_only(open_book):
    open_book.ledger.set_setting(open_book.adam, "daily_limit_pence", 30_000, user="alice")
    open_book.ledger.open_session(open_book.bob, 0)
    assert receipt(open_book, open_book.alice, 30_000).outcome is Outcome.APPENDED
    refused = over_limit(receipt, open_book, open_book.alice, 1)
    assert "daily limit of £300.00" in refused.message
    bob_refused = over_limit(receipt, open_book, open_book.bob, LIMIT_PENCE + 1)
    assert "daily limit of £250.00" in bob_refused.message


def test_a_per_user_limit_can_be_lower_than_the_office_limit(open_book):
    open_book.ledger.set_setting(open_book.adam, "daily_limit_pence", 10_000, user="alice")
    refused = over_limit(receipt, open_book, open_book.alice, 10_001)
    assert "daily limit of £100.00" in refused.message and "£100.00 headroom left" in refused.message


def test_the_office_limit_is_a_chained_setting(open_book):
    posted = open_book.ledger.set_setting(open_book.adam, "daily_limit_pence", 20_000)
    assert posted.entry.kind == "setting_changed"
    assert posted.body == {"key": "daily_limit_pence", "value": 20_000}
    refused = over_limit(receipt, open_book, open_book.alice, 20_001)
    assert "daily limit of £200.00" in refused.message


# -- a supervisor's override -----------------------------------------------------------------
def test_a_supervisor_lets_one_entry_over_and_it_is_recorded_in_that_entry(open_book):
    receipt(open_book, open_book.alice, LIMIT_PENCE)
    posted = receipt(open_book, open_book.alice, 5_000, authoriser=open_book.sam,
                     override_reason="planning fee paid in full")
    assert posted.outcome is Outcome.APPENDED
    assert posted.body["override"] == {"supervisor": "sam", "reason": "planning fee paid in full"}
    assert posted.entry.body_dict()["override"] == posted.body["override"]
    assert used_pence(open_book) == 30_000
    refused = over_limit(receipt, open_book, open_book.alice, 1)
    assert "£300.00 used, £0.00 headroom left" in refused.message


@pytest.mark.parametrize("kind", KINDS)
def test_an_override_works_for_every_kind(open_book, kind):
    receipt(open_book, open_book.alice, LIMIT_PENCE)
    posted = KINDS[kind](open_book, open_book.alice, 100, authoriser=open_book.tess, override_reason="agreed")
    assert posted.body["override"] == {"supervisor": "tess", "reason": "agreed"}


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_an_officer_cannot_override(open_book, who):
    with pytest.raises(Refused) as excinfo:
        receipt(open_book, open_book.alice, 30_000, authoriser=open_book.actors[who], override_reason="big fee")
    assert excinfo.value.outcome is Outcome.AUTHORISER_NOT_SUPERVISOR
    assert excinfo.value.message == f"{who} does not hold the supervisor role"
    assert used_pence(open_book) == 0


def test_a_supervisor_cannot_override_their_own_entry(open_book):
    open_book.ledger.open_session(open_book.tess, 0)
    with pytest.raises(Refused) as excinfo:
        receipt(open_book, open_book.tess, 30_000, authoriser=open_book.tess, override_reason="big fee")
    assert excinfo.value.outcome is Outcome.OWN_ENTRY
    assert used_pence(open_book, "tess") == 0


def test_a_deactivated_supervisor_cannot_override(open_book):
    open_book.ledger.deactivate_user(open_book.adam, "sam", reason="left")
    with pytest.raises(Refused) as excinfo:
        receipt(open_book, open_book.alice, 30_000, authoriser=open_book.sam, override_reason="big fee")
    assert excinfo.value.outcome is Outcome.AUTHORISER_NOT_SUPERVISOR


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_an_override_needs_a_reason(open_book, reason):
    with pytest.raises(Refused) as excinfo:
        receipt(open_book, open_book.alice, 30_000, authoriser=open_book.sam, override_reason=reason)
    assert excinfo.value.outcome is Outcome.OVERRIDE_REASON_REQUIRED
    assert "sam" in excinfo.value.message
    assert used_pence(open_book) == 0


# -- per officer, per business date ----------------------------------------------------------
def test_the_limit_is_per_officer(open_book):
    open_book.ledger.open_session(open_book.bob, 0)
    receipt(open_book, open_book.alice, LIMIT_PENCE)
    assert receipt(open_book, open_book.bob, LIMIT_PENCE).outcome is Outcome.APPENDED
    assert (used_pence(open_book, "alice"), used_pence(open_book, "bob")) == (LIMIT_PENCE, LIMIT_PENCE)


def test_the_next_day_starts_fresh_after_sign_off(open_book):
    receipt(open_book, open_book.alice, LIMIT_PENCE)
    open_book.ledger.declare_count(open_book.alice, denominations={5000: 6}, cheques_counted=0)
    open_book.ledger.sign_off(open_book.sam, officer="alice", business_date=TODAY)
    open_book.clock.now += timedelta(days=1)
    open_book.ledger.open_session(open_book.alice, 5000)
    posted = receipt(open_book, open_book.alice, LIMIT_PENCE)
    assert posted.entry.business_date == TOMORROW
    assert used_pence(open_book, "alice", TOMORROW) == LIMIT_PENCE
    assert used_pence(open_book, "alice", TODAY) == LIMIT_PENCE
    over_limit(receipt, open_book, open_book.alice, 1)


def test_the_business_date_is_the_sessions_even_past_midnight(book):
    book.clock.now = datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc)  # 23:30 in London (GMT)
    opened = book.ledger.open_session(book.bob, 0)
    assert opened.entry.business_date == TODAY
    book.clock.now = datetime(2026, 11, 24, 0, 30, tzinfo=timezone.utc)
    posted = receipt(book, book.bob, 20_000)
    assert posted.entry.recorded_at.startswith("2026-11-24T00:30")
    assert posted.entry.business_date == TODAY
    refused = over_limit(receipt, book, book.bob, 5_001)
    assert "£200.00 used, £50.00 headroom left" in refused.message
    assert (used_pence(book, "bob", TODAY), used_pence(book, "bob", TOMORROW)) == (20_000, 0)


def test_the_session_is_dated_by_the_london_clock_at_opening(book):
    book.clock.now = datetime(2027, 6, 10, 23, 30, tzinfo=timezone.utc)  # 00:30 on 11 June in London (BST)
    opened = book.ledger.open_session(book.bob, 0)
    assert opened.entry.business_date == "2027-06-11"
    book.clock.now = datetime(2027, 6, 11, 23, 30, tzinfo=timezone.utc)  # 00:30 on 12 June in London
    assert receipt(book, book.bob, LIMIT_PENCE).entry.business_date == "2027-06-11"
    assert used_pence(book, "bob", "2027-06-11") == LIMIT_PENCE
