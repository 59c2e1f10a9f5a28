"""Counter operations through the service layer: sessions, receipts, collections, payouts, warrants
and reversals, with the postings each one writes."""

from __future__ import annotations

import pytest

from ledger.refusals import Outcome, Refused

TODAY = "2026-11-23"


def read(book):
    return book.ledger.store.reading()


def receipt(book, actor, amount_pence=1000, **fields):
    fields = {"method": "cash", "code": "INC1", "payer": "Mr A Payer", **fields}
    return book.ledger.record_receipt(actor, amount_pence=amount_pence, **fields)


def warrant(book, actor, value_pence=1000, **fields):
    return book.ledger.issue_warrant(actor, recipient="Ms A Traveller", journey="Leeds to York",
                                     value_pence=value_pence, code="TW1", **fields)


def refused(call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as excinfo:
        call(*args, **kwargs)
    return excinfo.value


def postings(posted) -> list[tuple[str, int]]:
    return [(p["account"], p["amount_pence"]) for p in posted.entry.body_dict()["postings"]]


def warrant_status(book, serial: int) -> str:
    with read(book) as reader:
        return reader.warrant(serial)["status"]


# -- the session -----------------------------------------------------------------------------
def test_opening_the_till_moves_the_float_from_the_safe(book):
    posted = book.ledger.open_session(book.alice, 0, denominations={2000: 2, 500: 1, 100: 5})
    assert posted.body["float_pence"] == 5000
    assert posted.body["denominations"] == {"2000": 2, "500": 1, "100": 5}
    assert postings(posted) == [("Assets:Till:alice", 5000), ("Assets:Safe", -5000)]
    assert posted.entry.business_date == TODAY


def test_a_second_session_while_one_is_open_is_refused(open_book):
    refusal = refused(open_book.ledger.open_session, open_book.alice, 1000)
    assert refusal.outcome is Outcome.SESSION_ALREADY_OPEN
    assert TODAY in refusal.message


def test_a_counted_day_cannot_be_opened_again(open_book):
    open_book.ledger.declare_count(open_book.alice, denominations={5000: 1}, cheques_counted=0)
    refusal = refused(open_book.ledger.open_session, open_book.alice, 1000)
    assert refusal.outcome is Outcome.DAY_CLOSED


MONEY_ACTS = {
    "receipt": lambda b: receipt(b, b.bob),
    "collection": lambda b: b.ledger.collect_debt(b.bob, debtor_ref="DR-1", amount_pence=100, method="cash"),
    "payout": lambda b: b.ledger.record_payout(b.bob, amount_pence=100, code="EXP1", payee="Shop", purpose="tea"),
    "warrant": lambda b: warrant(b, b.bob),
}


@pytest.mark.parametrize("act", MONEY_ACTS.values(), ids=MONEY_ACTS.keys())
def test_no_money_is_recorded_without_a_session(open_book, act):
    refusal = refused(act, open_book)
    assert refusal.outcome is Outcome.NO_OPEN_SESSION
    assert "bob" in refusal.message


# -- receipts --------------------------------------------------------------------------------
def test_receipt_numbers_are_gapless_and_a_refusal_uses_none(open_book):
    numbers = [receipt(open_book, open_book.alice).body["receipt_no"]]
    refused(receipt, open_book, open_book.alice, code="NOPE")
    numbers.append(receipt(open_book, open_book.alice).body["receipt_no"])
    refused(receipt, open_book, open_book.alice, 30_000)
    refused(receipt, open_book, open_book.alice, payer="")
    numbers.append(receipt(open_book, open_book.alice).body["receipt_no"])
    assert numbers == [1, 2, 3]


def test_receipt_numbers_run_across_officers(open_book):
    open_book.ledger.open_session(open_book.bob, 0)
    first = receipt(open_book, open_book.alice)
    second = receipt(open_book, open_book.bob)
    assert (first.body["receipt_no"], second.body["receipt_no"]) == (1, 2)
    assert second.as_json()["receipt_no"] == 2


@pytest.mark.parametrize(("method", "account"), [("cash", "Assets:Till:alice"),
                                                 ("cheque", "Assets:Cheques:alice")])
def test_cash_goes_to_the_till_and_cheques_to_the_cheques_account(open_book, method, account):
    posted = receipt(open_book, open_book.alice, 1234, method=method)
    assert postings(posted) == [(account, 1234), ("Income:INC1", -1234)]


def test_every_entry_that_moves_value_balances(open_book):
    receipt(open_book, open_book.alice, 1234, method="cheque")
    receipt(open_book, open_book.alice, 999)
    open_book.ledger.collect_debt(open_book.alice, debtor_ref="DR-2", amount_pence=1500, method="cash")
    open_book.ledger.record_payout(open_book.alice, amount_pence=250, code="EXP1", payee="Shop", purpose="tea")
    issued = warrant(open_book, open_book.alice, 4321)
    open_book.ledger.reverse(open_book.alice, seq=issued.seq, reason="wrong day", authoriser=open_book.sam)
    with read(open_book) as reader:
        moving = [e for e in reader.iter_entries() if e.body_dict().get("postings")]
    assert len(moving) >= 8  # the debts, the float and the six above
    for entry in moving:
        assert sum(p["amount_pence"] for p in entry.body_dict()["postings"]) == 0, entry.kind


# -- collections -----------------------------------------------------------------------------
def test_a_debt_is_collected_in_part_then_in_full(open_book):
    first = open_book.ledger.collect_debt(open_book.alice, debtor_ref="DR-1", amount_pence=6000, method="cash")
    assert postings(first) == [("Assets:Till:alice", 6000), ("Assets:Debtors:DR-1", -6000)]
    rest = open_book.ledger.collect_debt(open_book.alice, debtor_ref="DR-1", amount_pence=4000, method="cheque")
    assert postings(rest) == [("Assets:Cheques:alice", 4000), ("Assets:Debtors:DR-1", -4000)]
    with read(open_book) as reader:
        assert reader.account_balance_pence("Assets:Debtors:DR-1") == 0
    refusal = refused(open_book.ledger.collect_debt, open_book.alice, debtor_ref="DR-1", amount_pence=1,
                      method="cash")
    assert refusal.outcome is Outcome.OVERPAYMENT
    assert refusal.message == "DR-1 owes £0.00; £0.01 would overpay"


def test_an_overpayment_is_refused_showing_the_balance(open_book):
    open_book.ledger.collect_debt(open_book.alice, debtor_ref="DR-2", amount_pence=1500, method="cash")
    refusal = refused(open_book.ledger.collect_debt, open_book.alice, debtor_ref="DR-2", amount_pence=2501,
                      method="cash")
    assert refusal.outcome is Outcome.OVERPAYMENT
    assert "owes £25.00" in refusal.message
    assert open_book.ledger.collect_debt(open_book.alice, debtor_ref="DR-2", amount_pence=2500,
                                         method="cash").outcome is Outcome.APPENDED


# -- payouts ---------------------------------------------------------------------------------
def test_a_payout_cannot_exceed_the_cash_in_the_till(open_book):
    receipt(open_book, open_book.alice, 10_000, method="cheque")  # cheques are not cash
    refusal = refused(open_book.ledger.record_payout, open_book.alice, amount_pence=5001, code="EXP1",
                      payee="Shop", purpose="tea")
    assert refusal.outcome is Outcome.INSUFFICIENT_CASH
    assert "£50.00" in refusal.message
    posted = open_book.ledger.record_payout(open_book.alice, amount_pence=5000, code="EXP1", payee="Shop",
                                            purpose="tea")
    assert postings(posted) == [("Expenses:EXP1", 5000), ("Assets:Till:alice", -5000)]
    with read(open_book) as reader:
        assert reader.account_balance_pence("Assets:Till:alice", TODAY) == 0


def test_a_payout_needs_a_cost_code(open_book):
    refusal = refused(open_book.ledger.record_payout, open_book.alice, amount_pence=100, code="INC1",
                      payee="Shop", purpose="tea")
    assert refusal.outcome is Outcome.CODE_WRONG_TYPE


# -- warrants --------------------------------------------------------------------------------
def test_warrants_are_issued_from_stock_in_serial_order(open_book):
    first, second = warrant(open_book, open_book.alice), warrant(open_book, open_book.alice, 2500)
    assert (first.body["serial"], second.body["serial"]) == (1000, 1001)
    assert postings(second) == [("Expenses:TravelWarrants:TW1", 2500), ("Liabilities:WarrantsPayable", -2500)]
    assert second.body["travel_date"] == TODAY
    assert warrant_status(open_book, 1001) == "issued"


def test_spoiled_serials_are_skipped_and_stay_spoiled(open_book):
    open_book.ledger.spoil_warrant(open_book.alice, serial=1000, reason="printer jam")
    open_book.ledger.spoil_warrant(open_book.alice, serial=1001, reason="torn")
    assert warrant(open_book, open_book.alice).body["serial"] == 1002
    assert [warrant_status(open_book, s) for s in (1000, 1001, 1002)] == ["spoiled", "spoiled", "issued"]


def test_an_empty_stock_refuses_a_warrant(open_book):
    serials = [warrant(open_book, open_book.alice, 100).body["serial"] for _ in range(10)]
    assert serials == list(range(1000, 1010))
    refusal = refused(warrant, open_book, open_book.alice, 100)
    assert refusal.outcome is Outcome.WARRANT_STOCK_EMPTY


def test_a_reversed_warrants_serial_is_cancelled_and_never_reissued(open_book):
    issued = warrant(open_book, open_book.alice)
    open_book.ledger.reverse(open_book.alice, seq=issued.seq, reason="wrong recipient", authoriser=open_book.sam)
    assert warrant_status(open_book, 1000) == "cancelled"
    serials = [warrant(open_book, open_book.alice, 100).body["serial"] for _ in range(9)]
    assert serials == list(range(1001, 1010))
    assert refused(warrant, open_book, open_book.alice, 100).outcome is Outcome.WARRANT_STOCK_EMPTY
    assert warrant_status(open_book, 1000) == "cancelled"


# -- reversals -------------------------------------------------------------------------------
def test_a_reversal_posts_the_exact_opposite(open_book):
    original = open_book.ledger.collect_debt(open_book.alice, debtor_ref="DR-1", amount_pence=3000,
                                             method="cheque")
    reversal = open_book.ledger.reverse(open_book.alice, seq=original.seq, reason="cheque bounced",
                                        authoriser=open_book.sam)
    assert postings(reversal) == [(account, -amount) for account, amount in postings(original)]
    assert reversal.body["reversed_entry_id"] == original.entry.entry_id
    assert (reversal.body["authorised_by"], reversal.entry.business_date) == ("sam", TODAY)
    with read(open_book) as reader:
        assert reader.debtor("DR-1")["collected_pence"] == 0
        assert reader.account_balance_pence("Assets:Cheques:alice") == 0


def test_an_entry_is_reversed_only_once(open_book):
    original = receipt(open_book, open_book.alice)
    open_book.ledger.reverse(open_book.alice, seq=original.seq, reason="typo", authoriser=open_book.sam)
    refusal = refused(open_book.ledger.reverse, open_book.alice, seq=original.seq, reason="typo",
                      authoriser=open_book.tess)
    assert refusal.outcome is Outcome.ALREADY_REVERSED


@pytest.mark.parametrize("reason", ["", "   ", "\x00"])
def test_a_reversal_needs_a_reason(open_book, reason):
    original = receipt(open_book, open_book.alice)
    refusal = refused(open_book.ledger.reverse, open_book.alice, seq=original.seq, reason=reason,
                      authoriser=open_book.sam)
    assert refusal.outcome is Outcome.TEXT_INVALID
    assert refusal.message.startswith("reason ")


def test_the_officer_who_keyed_it_cannot_authorise_its_reversal(open_book):
    open_book.ledger.open_session(open_book.tess, 0)
    original = receipt(open_book, open_book.tess)
    refusal = refused(open_book.ledger.reverse, open_book.tess, seq=original.seq, reason="typo",
                      authoriser=open_book.tess)
    assert refusal.outcome is Outcome.OWN_ENTRY
    assert "tess" in refusal.message
    assert open_book.ledger.reverse(open_book.tess, seq=original.seq, reason="typo",
                                    authoriser=open_book.sam).outcome is Outcome.APPENDED


def test_an_officer_cannot_authorise_a_reversal(open_book):
    original = receipt(open_book, open_book.alice)
    refusal = refused(open_book.ledger.reverse, open_book.alice, seq=original.seq, reason="typo",
                      authoriser=open_book.bob)
    assert refusal.outcome is Outcome.AUTHORISER_NOT_SUPERVISOR


def test_no_reversal_after_the_day_is_signed_off(open_book):
    original = receipt(open_book, open_book.alice, 1000)
    open_book.ledger.declare_count(open_book.alice, denominations={5000: 1, 1000: 1}, cheques_counted=0)
    open_book.ledger.sign_off(open_book.sam, officer="alice", business_date=TODAY)
    refusal = refused(open_book.ledger.reverse, open_book.alice, seq=original.seq, reason="typo",
                      authoriser=open_book.sam)
    assert refusal.outcome is Outcome.DAY_CLOSED
    assert f"alice's day {TODAY}" in refusal.message
