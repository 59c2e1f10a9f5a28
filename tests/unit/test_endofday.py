"""End of day: the officer's blind count, a supervisor's recount or sign-off, the variance posted, and
the day closed for good."""

from __future__ import annotations

import pytest

from ledger.refusals import Outcome, Refused

TODAY = "2026-11-23"
#: alice's day in the fixtures below: a £50.00 float and £12.34 in cash -> £62.34 expected.
EXPECTED_PENCE = 6234


def read(book):
    return book.ledger.store.reading()


def receipt(book, actor, amount_pence=1234, **fields):
    fields = {"method": "cash", "code": "INC1", "payer": "Mr A Payer", **fields}
    return book.ledger.record_receipt(actor, amount_pence=amount_pence, **fields)


def cash(pence: int) -> dict[int, int]:
    """Denominations making up exactly `pence`: £10 notes, pound coins and pennies."""
    notes, rest = divmod(pence, 1000)
    return {value: count for value, count in ((1000, notes), (100, rest // 100), (1, rest % 100)) if count}


def count(book, cash_pence: int, cheques: int = 0, officer=None):
    officer = officer or book.alice
    return book.ledger.declare_count(officer, denominations=cash(cash_pence), cheques_counted=cheques)


def sign_off(book, reason: str | None = None, supervisor=None):
    return book.ledger.sign_off(supervisor or book.sam, officer="alice", business_date=TODAY, reason=reason)


def refused(call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as excinfo:
        call(*args, **kwargs)
    return excinfo.value


def postings(posted) -> list[tuple[str, int]]:
    return [(p["account"], p["amount_pence"]) for p in posted.entry.body_dict()["postings"]]


def session_state(book, officer: str = "alice") -> str:
    with read(book) as reader:
        return reader.session(officer, TODAY)["state"]


@pytest.fixture
def day(open_book):
    """alice's open day: £50.00 float, a £12.34 cash receipt and a £20.00 cheque."""
    receipt(open_book, open_book.alice, 1234)
    receipt(open_book, open_book.alice, 2000, method="cheque")
    return open_book


# -- the count -------------------------------------------------------------------------------
def test_the_count_is_blind(day):
    posted = count(day, 6000, cheques=1)
    body = posted.entry.body_dict()
    assert body == {"officer": "alice", "denominations": {"1000": 6}, "cash_pence_counted": 6000,
                    "cheques_counted": 1, "unused_serials": []}
    for answer in (posted.entry.body, str(posted.as_json()), str(posted.body)):
        assert str(EXPECTED_PENCE) not in answer and "234" not in answer
        assert "expected" not in answer and "variance" not in answer


def test_the_count_records_unused_warrant_serials(day):
    posted = day.ledger.declare_count(day.alice, denominations=cash(EXPECTED_PENCE), cheques_counted=1,
                                      unused_serials=(1003, 1001, 1003))
    assert posted.body["unused_serials"] == [1001, 1003]
    assert session_state(day) == "counted"


def test_a_count_takes_no_more_money(day):
    count(day, EXPECTED_PENCE, cheques=1)
    assert refused(receipt, day, day.alice).outcome is Outcome.DAY_CLOSED


# -- sign-off --------------------------------------------------------------------------------
def test_the_officer_cannot_sign_off_their_own_day(open_book):
    open_book.ledger.open_session(open_book.tess, 5000)
    count(open_book, 5000, officer=open_book.tess)
    refusal = refused(open_book.ledger.sign_off, open_book.tess, officer="tess", business_date=TODAY)
    assert refusal.outcome is Outcome.OWN_ENTRY
    assert "tess" in refusal.message


def test_an_officer_cannot_sign_off_anyones_day(day):
    count(day, EXPECTED_PENCE, cheques=1)
    assert refused(sign_off, day, supervisor=day.bob).outcome is Outcome.ROLE_REQUIRED


def test_no_sign_off_without_a_count(day):
    refusal = refused(sign_off, day)
    assert refusal.outcome is Outcome.NOT_COUNTED
    assert refusal.message == f"alice has not declared the count for {TODAY}"


def test_no_sign_off_for_a_day_never_worked(day):
    refusal = refused(day.ledger.sign_off, day.sam, officer="bob", business_date=TODAY)
    assert refusal.outcome is Outcome.NOT_COUNTED
    assert "bob" in refusal.message


@pytest.mark.parametrize(("cash_pence", "cheques", "words"), [
    (6000, 1, "£2.34 short"), (6300, 1, "£0.66 over"), (EXPECTED_PENCE, 0, "cheques are 0 of 1"),
])
def test_a_variance_needs_a_reason(day, cash_pence, cheques, words):
    count(day, cash_pence, cheques=cheques)
    refusal = refused(sign_off, day)
    assert refusal.outcome is Outcome.VARIANCE_REASON_REQUIRED
    assert words in refusal.message
    assert session_state(day) == "counted"


def test_a_count_that_agrees_is_signed_off_without_a_reason(day):
    count(day, EXPECTED_PENCE, cheques=1)
    posted = sign_off(day)
    assert posted.body["cash_pence_expected"] == posted.body["cash_pence_counted"] == EXPECTED_PENCE
    assert posted.body["cash_pence_variance"] == 0
    assert (posted.body["cheques_expected"], posted.body["cheques_counted"]) == (1, 1)
    assert postings(posted) == []
    assert session_state(day) == "signed_off"


def test_a_shortage_is_posted_as_an_expense(day):
    count(day, 6000, cheques=1)
    posted = sign_off(day, reason="a £2.34 error in change")
    assert posted.body["cash_pence_variance"] == -234
    assert posted.body["reason"] == "a £2.34 error in change"
    assert postings(posted) == [("Expenses:CashVariance", 234), ("Assets:Till:alice", -234)]


def test_an_overage_is_posted_as_income(day):
    count(day, 6300, cheques=1)
    posted = sign_off(day, reason="payer left without change")
    assert posted.body["cash_pence_variance"] == 66
    assert postings(posted) == [("Assets:Till:alice", 66), ("Income:CashVariance", -66)]


@pytest.mark.parametrize("counted_pence", [6000, EXPECTED_PENCE, 6300])
def test_after_sign_off_the_till_holds_the_counted_cash(day, counted_pence):
    count(day, counted_pence, cheques=1)
    sign_off(day, reason="as counted")
    with read(day) as reader:
        assert reader.account_balance_pence("Assets:Till:alice", TODAY) == counted_pence


def test_the_sign_off_records_the_head_it_was_made_against(day):
    count(day, EXPECTED_PENCE, cheques=1)
    with read(day) as reader:
        head_seq, head_hash = reader.head()
    posted = sign_off(day)
    assert (posted.body["head_seq"], posted.body["head_hash"]) == (head_seq, head_hash)
    assert (posted.seq, posted.entry.prev_hash) == (head_seq + 1, head_hash)


# -- the closed day --------------------------------------------------------------------------
AFTER_SIGN_OFF = {
    "receipt": lambda b: receipt(b, b.alice),
    "collection": lambda b: b.ledger.collect_debt(b.alice, debtor_ref="DR-1", amount_pence=100, method="cash"),
    "payout": lambda b: b.ledger.record_payout(b.alice, amount_pence=100, code="EXP1", payee="Shop",
                                               purpose="tea"),
    "warrant": lambda b: b.ledger.issue_warrant(b.alice, recipient="Ms T", journey="Leeds to York",
                                                value_pence=100, code="TW1"),
    "a new session": lambda b: b.ledger.open_session(b.alice, 5000),
    "a reversal": lambda b: b.ledger.reverse(b.sam, seq=b.first_receipt_seq, reason="late", authoriser=b.tess),
    "a recount": lambda b: b.ledger.request_recount(b.sam, officer="alice", business_date=TODAY, reason="x"),
    "a second sign-off": lambda b: sign_off(b, reason="again", supervisor=b.tess),
    "a second count": lambda b: count(b, EXPECTED_PENCE, cheques=1),
    "a spoiled warrant": lambda b: b.ledger.spoil_warrant(b.alice, serial=1005, reason="torn"),
}


@pytest.mark.parametrize("act", AFTER_SIGN_OFF.values(), ids=AFTER_SIGN_OFF.keys())
def test_a_signed_off_day_takes_no_more_entries(day, act):
    with read(day) as reader:
        day.first_receipt_seq = next(e.seq for e in reader.iter_entries() if e.kind == "receipt_recorded")
    count(day, EXPECTED_PENCE, cheques=1)
    sign_off(day)
    with read(day) as reader:
        head_before = reader.head()
    refusal = refused(act, day)
    assert refusal.outcome is Outcome.DAY_CLOSED, refusal
    with read(day) as reader:
        assert reader.head() == head_before
        assert reader.account_balance_pence("Assets:Till:alice", TODAY) == EXPECTED_PENCE


# -- recount ---------------------------------------------------------------------------------
def test_a_recount_sends_the_day_back_to_be_counted(day):
    count(day, 6000, cheques=1)
    posted = day.ledger.request_recount(day.sam, officer="alice", business_date=TODAY, reason="count again")
    assert (posted.entry.kind, posted.entry.business_date) == ("recount_requested", TODAY)
    assert session_state(day) == "recount"
    assert refused(sign_off, day).outcome is Outcome.NOT_COUNTED
    assert refused(receipt, day, day.alice).outcome is Outcome.DAY_CLOSED
    count(day, EXPECTED_PENCE, cheques=1)
    signed = sign_off(day)
    assert signed.body["cash_pence_counted"] == EXPECTED_PENCE and signed.body["cash_pence_variance"] == 0


def test_a_recount_needs_a_declared_count_and_a_reason(day):
    assert refused(day.ledger.request_recount, day.sam, officer="alice", business_date=TODAY,
                   reason="again").outcome is Outcome.NOT_COUNTED
    count(day, 6000, cheques=1)
    assert refused(day.ledger.request_recount, day.sam, officer="alice", business_date=TODAY,
                   reason=" ").outcome is Outcome.TEXT_INVALID
