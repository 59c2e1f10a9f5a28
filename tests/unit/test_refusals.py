"""Every named outcome reproduced through the service layer, the order the checks run in, and
docs/REFUSALS.md kept in step with the enum."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bank_support import banked, generic_csv, import_csv

from ledger.debtors import parse_debtor_csv
from ledger.refusals import DESCRIPTIONS, Outcome, Refused
from ledger.service import Actor

TODAY = "2026-11-23"  # the business date of the conftest clock
REFUSALS_DOC = Path(__file__).resolve().parents[2] / "docs" / "REFUSALS.md"
DOC_LINE = re.compile(r"^- `([a-z_]+)` — (.+)$")


# -- helpers ----------------------------------------------------------------------------------
def head_seq(book) -> int:
    with book.ledger.store.reading() as reader:
        return reader.head()[0]


def refusal(book, call, *args, **kwargs) -> Refused:
    """Run a write that must be refused, and check that it wrote nothing."""
    before = head_seq(book)
    with pytest.raises(Refused) as excinfo:
        call(*args, **kwargs)
    assert head_seq(book) == before, "a refused write left an entry behind"
    return excinfo.value


def refused_as(outcome: Outcome, book, call, *args, **kwargs) -> str:
    """Run a write that `outcome` must refuse, check it wrote nothing, and return the message."""
    refused = refusal(book, call, *args, **kwargs)
    assert refused.outcome is outcome, refused
    return refused.message


def receipt(book, actor, amount_pence=1000, **fields):
    fields = {"method": "cash", "code": "INC1", "payer": "Mr A Payer", **fields}
    return book.ledger.record_receipt(actor, amount_pence=amount_pence, **fields)


def cash(pence: int) -> dict[int, int]:
    """Denominations making up exactly `pence`: pound coins and pennies."""
    return {value: count for value, count in ((100, pence // 100), (1, pence % 100)) if count}


def close_day(book, officer: Actor, cash_pence: int):
    """The officer counts `cash_pence`; sam signs the day off, with a reason in case it differs."""
    book.ledger.declare_count(officer, denominations=cash(cash_pence), cheques_counted=0)
    return book.ledger.sign_off(book.sam, officer=officer.username, business_date=TODAY, reason="as counted")


def reverse(book, seq: int, authoriser=None, actor=None):
    return book.ledger.reverse(actor or book.alice, seq=seq, reason="typo", authoriser=authoriser or book.sam)


def bank(book, officer: str = "alice", bag: str = "B-1"):
    return book.ledger.bank(book.sam, officer=officer, business_date=TODAY, bag=bag)


def first_checked(*outcomes: Outcome) -> Outcome:
    """Of several rules failing at once, the one the enum says is checked first."""
    return min(outcomes, key=list(Outcome).index)


# -- what a write can end in ------------------------------------------------------------------
def test_appended(open_book):
    posted = receipt(open_book, open_book.alice, 1234)
    assert posted.outcome is Outcome.APPENDED
    assert (posted.seq, posted.entry.kind) == (head_seq(open_book), "receipt_recorded")
    assert posted.as_json() == {"outcome": "appended", "seq": posted.seq, "entry_id": posted.entry.entry_id,
                                "receipt_no": 1}


def test_already_recorded(open_book):
    first = receipt(open_book, open_book.alice, 1234, entry_id="till-1.r1")
    again = receipt(open_book, open_book.alice, 1234, entry_id="till-1.r1")
    assert again.outcome is Outcome.ALREADY_RECORDED
    assert (again.seq, again.body["receipt_no"]) == (first.seq, 1)
    assert head_seq(open_book) == first.seq


# 1. who is acting
def test_sign_in_failed(book):
    before = head_seq(book)
    with pytest.raises(Refused) as wrong_pin:
        book.ledger.authenticate("alice", "000000")
    unknown = refusal(book, book.ledger.authenticate, "nobody", "000000")
    assert wrong_pin.value.outcome is unknown.outcome is Outcome.SIGN_IN_FAILED
    # The same words for a wrong PIN and an unknown name: the message does not say which.
    assert wrong_pin.value.message == unknown.message == "user name or PIN not recognised"
    with book.ledger.store.reading() as reader:
        assert reader.head()[0] == before + 1
        failure = reader.entry(before + 1)
    assert (failure.kind, failure.body_dict()["failures"]) == ("sign_in_failed", 1)


def test_user_locked(book):
    for _ in range(5):
        with pytest.raises(Refused):
            book.ledger.authenticate("alice", "000000")
    message = refused_as(Outcome.USER_LOCKED, book, book.ledger.authenticate, "alice", "111111")
    assert "alice" in message and "5 failed PINs" in message


def test_user_inactive(book):
    book.ledger.deactivate_user(book.adam, "bob", reason="left the council")
    message = refused_as(Outcome.USER_INACTIVE, book, book.ledger.open_session, book.bob, 5000)
    assert message == "bob has been deactivated"


def test_role_required(open_book):
    message = refused_as(Outcome.ROLE_REQUIRED, open_book, receipt, open_book, open_book.ava)
    assert message == "ava needs the officer role for this"


# 2. what was typed
def test_amount_invalid(open_book):
    message = refused_as(Outcome.AMOUNT_INVALID, open_book, receipt, open_book, open_book.alice, 0)
    assert message.startswith("amount pence") and "0" in message
    coin = refusal(open_book, open_book.ledger.open_session, open_book.bob, 0, denominations={300: 1})
    assert (coin.outcome, coin.message) == (Outcome.AMOUNT_INVALID, "300p is not a note or coin")


def test_text_invalid(open_book):
    message = refused_as(Outcome.TEXT_INVALID, open_book, receipt, open_book, open_book.alice,
                         payer="\x1b[31mMr Red")
    assert message == "payer contains control characters"


def test_pin_invalid(book):
    message = refused_as(Outcome.PIN_INVALID, book, book.ledger.add_user, book.adam, "carl", ("officer",),
                         "12345")
    assert "6 to 12 digits" in message


def test_setting_invalid(book):
    message = refused_as(Outcome.SETTING_INVALID, book, book.ledger.set_setting, book.adam,
                         "daily_limit_pence", 0)
    assert message == "daily_limit_pence must be from 1 to 100000000"


def test_range_invalid(book):
    message = refused_as(Outcome.RANGE_INVALID, book, book.ledger.receive_warrants, book.adam, 2000, 1999)
    assert "2000-1999" in message and "10,000" in message


def test_csv_invalid(book):
    rows = parse_debtor_csv("debtor_ref,name,amount,code\nDR-7,Mr A,5.00,INC1\nDR-8,Ms B,6.00,NOPE\n")
    message = refused_as(Outcome.CSV_INVALID, book, book.ledger.import_debts, book.adam, rows)
    assert message == "line 3: there is no code NOPE"
    with book.ledger.store.reading() as reader:
        assert reader.debtor("DR-7") is None, "the good row was imported from a refused file"


def test_override_reason_required(open_book):
    message = refused_as(Outcome.OVERRIDE_REASON_REQUIRED, open_book, receipt, open_book, open_book.alice,
                         30_000, authoriser=open_book.sam, override_reason="   ")
    assert "sam must give a reason" in message


# 3. the idempotency key
def test_entry_id_reused(open_book):
    first = receipt(open_book, open_book.alice, 1234, entry_id="till-1.r1")
    message = refused_as(Outcome.ENTRY_ID_REUSED, open_book, receipt, open_book, open_book.alice, 1235,
                         entry_id="till-1.r1")
    assert message == f"entry id till-1.r1 was used for different content at seq {first.seq}"


# 4. what the act names
def test_user_exists(book):
    message = refused_as(Outcome.USER_EXISTS, book, book.ledger.add_user, book.adam, "alice", ("officer",),
                         "123456")
    assert message == "there is already a user alice"


def test_user_unknown(book):
    message = refused_as(Outcome.USER_UNKNOWN, book, book.ledger.unlock_user, book.adam, "zed")
    assert message == "there is no user zed"


def test_code_exists(book):
    message = refused_as(Outcome.CODE_EXISTS, book, book.ledger.add_code, book.adam, "inc1", "Fees again",
                         "income")
    assert message == "code INC1 already exists"


def test_serial_range_overlaps(book):
    message = refused_as(Outcome.SERIAL_RANGE_OVERLAPS, book, book.ledger.receive_warrants, book.adam, 1005,
                         1020)
    assert message == "5 of serials 1005-1020 are already in the register"


def test_entry_unknown(open_book):
    message = refused_as(Outcome.ENTRY_UNKNOWN, open_book, reverse, open_book, 9999)
    assert message == "there is no entry 9999"


def test_not_reversible(open_book):
    message = refused_as(Outcome.NOT_REVERSIBLE, open_book, reverse, open_book, 1)
    assert message == "entry 1 is a book_created, which is not reversed"


def test_already_reversed(open_book):
    posted = receipt(open_book, open_book.alice)
    reversal = reverse(open_book, posted.seq)
    message = refused_as(Outcome.ALREADY_REVERSED, open_book, reverse, open_book, posted.seq)
    assert message == f"entry {posted.seq} was already reversed by entry {reversal.seq}"


# 5. the officer's day
def test_session_already_open(open_book):
    message = refused_as(Outcome.SESSION_ALREADY_OPEN, open_book, open_book.ledger.open_session,
                         open_book.alice, 2000)
    assert message.startswith(f"alice's session of {TODAY} is still open")


def test_no_open_session(open_book):
    message = refused_as(Outcome.NO_OPEN_SESSION, open_book, receipt, open_book, open_book.bob)
    assert message.startswith("bob has no open session")


def test_day_closed(open_book):
    close_day(open_book, open_book.alice, 5000)
    message = refused_as(Outcome.DAY_CLOSED, open_book, receipt, open_book, open_book.alice)
    assert message.startswith(f"alice's day {TODAY} is closed")


def test_not_counted(open_book):
    message = refused_as(Outcome.NOT_COUNTED, open_book, open_book.ledger.sign_off, open_book.sam,
                         officer="alice", business_date=TODAY)
    assert message == f"alice has not declared the count for {TODAY}"


def test_variance_reason_required(open_book):
    receipt(open_book, open_book.alice, 1234)
    open_book.ledger.declare_count(open_book.alice, denominations=cash(6000), cheques_counted=0)
    message = refused_as(Outcome.VARIANCE_REASON_REQUIRED, open_book, open_book.ledger.sign_off,
                         open_book.sam, officer="alice", business_date=TODAY)
    assert message.startswith("the cash is £2.34 short")


def test_not_signed_off(open_book):
    receipt(open_book, open_book.alice, 1234)
    message = refused_as(Outcome.NOT_SIGNED_OFF, open_book, bank, open_book)
    assert message.startswith(f"alice's day {TODAY} is not signed off")


def test_already_banked(open_book):
    receipt(open_book, open_book.alice, 1234)
    close_day(open_book, open_book.alice, 6234)
    banked = bank(open_book, bag="B-1")
    message = refused_as(Outcome.ALREADY_BANKED, open_book, bank, open_book, bag="B-2")
    assert message == f"alice's takings of {TODAY} were banked at seq {banked.seq}"


def test_bag_used(open_book):
    open_book.ledger.open_session(open_book.bob, 0)
    for officer in (open_book.alice, open_book.bob):
        receipt(open_book, officer, 500)
    close_day(open_book, open_book.alice, 5500)
    close_day(open_book, open_book.bob, 500)
    bank(open_book, "bob", bag="B-1")
    message = refused_as(Outcome.BAG_USED, open_book, bank, open_book, "alice", bag="B-1")
    assert message == f"bag B-1 already carried bob's takings of {TODAY}"


def test_nothing_to_bank(open_book):
    close_day(open_book, open_book.alice, 5000)
    message = refused_as(Outcome.NOTHING_TO_BANK, open_book, bank, open_book)
    assert message == f"alice's till for {TODAY} holds no takings beyond the float"


def test_bag_unknown(book):
    message = refused_as(Outcome.BAG_UNKNOWN, book, book.ledger.resolve_banking, book.tess, bag="B-404",
                         reason="bank short")
    assert message == "no bag B-404 was banked"


def test_bag_not_mismatched(book):
    banked(book, book.alice, 1250, "B-1")
    message = refused_as(Outcome.BAG_NOT_MISMATCHED, book, book.ledger.resolve_banking, book.tess, bag="B-1",
                         reason="bank short")
    assert message == "bag B-1 is still in transit: no statement line names it yet"
    import_csv(book, generic_csv((TODAY, "PAYIN", "B-1", "12.50")))
    message = refused_as(Outcome.BAG_NOT_MISMATCHED, book, book.ledger.resolve_banking, book.tess, bag="B-1",
                         reason="bank short")
    assert message == "bag B-1 was confirmed by the bank statement"


# 6. codes, references, debtors, warrant forms
def test_code_unknown(open_book):
    message = refused_as(Outcome.CODE_UNKNOWN, open_book, receipt, open_book, open_book.alice, code="NOPE")
    assert message == "there is no code NOPE"


def test_code_retired(open_book):
    open_book.ledger.retire_code(open_book.adam, "INC1")
    message = refused_as(Outcome.CODE_RETIRED, open_book, receipt, open_book, open_book.alice)
    assert message == "code INC1 (Fees) is retired"


def test_code_wrong_type(open_book):
    message = refused_as(Outcome.CODE_WRONG_TYPE, open_book, receipt, open_book, open_book.alice, code="EXP1")
    assert message == "code EXP1 is a cost code; an income code is needed"


def test_reference_invalid(open_book):
    open_book.ledger.set_reference_rule(open_book.adam, "receipt", r"R\d{6}", "luhn")
    message = refused_as(Outcome.REFERENCE_INVALID, open_book, receipt, open_book, open_book.alice,
                         reference="R12345")
    assert message == r"receipt reference R12345 does not fit the receipt reference rule (mask R\d{6}, check digit luhn)"
    message = refused_as(Outcome.REFERENCE_INVALID, open_book, receipt, open_book, open_book.alice,
                         reference="R799274")
    assert message == (r"receipt reference R799274 fails the check digit of the receipt reference rule "
                       r"(mask R\d{6}, check digit luhn)")
    assert receipt(open_book, open_book.alice, reference="R799270").outcome is Outcome.APPENDED


def test_debtor_unknown(open_book):
    message = refused_as(Outcome.DEBTOR_UNKNOWN, open_book, open_book.ledger.collect_debt, open_book.alice,
                         debtor_ref="DR-9", amount_pence=100, method="cash")
    assert message == "no debt is held under reference DR-9"


def test_serial_unknown(open_book):
    message = refused_as(Outcome.SERIAL_UNKNOWN, open_book, open_book.ledger.spoil_warrant, open_book.alice,
                         serial=5, reason="torn")
    assert message == "warrant serial 5 was never received into stock"


def test_serial_used(open_book):
    open_book.ledger.spoil_warrant(open_book.alice, serial=1003, reason="torn")
    message = refused_as(Outcome.SERIAL_USED, open_book, open_book.ledger.spoil_warrant, open_book.alice,
                         serial=1003, reason="again")
    assert message == "warrant serial 1003 is already spoiled"


def test_warrant_stock_empty(open_book):
    for serial in range(1000, 1010):
        open_book.ledger.spoil_warrant(open_book.sam, serial=serial, reason="water damage")
    message = refused_as(Outcome.WARRANT_STOCK_EMPTY, open_book, open_book.ledger.issue_warrant,
                         open_book.alice, recipient="Ms A Traveller", journey="Leeds to York",
                         value_pence=1000, code="TW1")
    assert "no unused warrant form" in message and "receive more" in message


# 7. the money itself
def test_overpayment(open_book):
    message = refused_as(Outcome.OVERPAYMENT, open_book, open_book.ledger.collect_debt, open_book.alice,
                         debtor_ref="DR-2", amount_pence=4001, method="cash")
    assert message == "DR-2 owes £40.00; £40.01 would overpay"


def test_insufficient_cash(open_book):
    message = refused_as(Outcome.INSUFFICIENT_CASH, open_book, open_book.ledger.record_payout,
                         open_book.alice, amount_pence=5001, code="EXP1", payee="Corner Shop", purpose="milk")
    assert message == "the till holds £50.00 in cash; cannot pay out £50.01"


# 8. four eyes, then the limit
def test_authoriser_not_supervisor(open_book):
    message = refused_as(Outcome.AUTHORISER_NOT_SUPERVISOR, open_book, receipt, open_book, open_book.alice,
                         30_000, authoriser=open_book.bob, override_reason="a big fee")
    assert message == "bob does not hold the supervisor role"


def test_own_entry(open_book):
    open_book.ledger.open_session(open_book.tess, 0)
    message = refused_as(Outcome.OWN_ENTRY, open_book, receipt, open_book, open_book.tess, 30_000,
                         authoriser=open_book.tess, override_reason="a big fee")
    assert message.startswith("tess cannot authorise their own entry")


def test_officer_limit_exceeded(open_book):
    message = refused_as(Outcome.OFFICER_LIMIT_EXCEEDED, open_book, receipt, open_book, open_book.alice,
                         25_001)
    assert message == "£250.01 would pass the daily limit of £250.00: £0.00 used, £250.00 headroom left"


# -- the order of checks: when two rules fail at once, the earlier one in the enum answers -----
def test_a_retired_code_is_named_before_the_limit(open_book):
    open_book.ledger.retire_code(open_book.adam, "INC1")
    refused = refusal(open_book, receipt, open_book, open_book.alice, 25_001)
    assert refused.outcome is Outcome.CODE_RETIRED
    assert refused.outcome is first_checked(Outcome.CODE_RETIRED, Outcome.OFFICER_LIMIT_EXCEEDED)


def test_an_unknown_user_is_refused_before_anything_else(open_book):
    ghost = Actor("ghost", frozenset({"officer"}))
    refused = refusal(open_book, receipt, open_book, ghost, 0, payer="", code="NOPE")
    assert refused.outcome is Outcome.SIGN_IN_FAILED


def test_the_role_is_checked_before_the_text(open_book):
    refused = refusal(open_book, receipt, open_book, open_book.ava, payer="   ")
    assert refused.outcome is Outcome.ROLE_REQUIRED
    assert refused.outcome is first_checked(Outcome.ROLE_REQUIRED, Outcome.TEXT_INVALID)


def test_the_amount_is_checked_before_the_text(open_book):
    refused = refusal(open_book, receipt, open_book, open_book.alice, 0, payer="   ")
    assert refused.outcome is first_checked(Outcome.AMOUNT_INVALID, Outcome.TEXT_INVALID)


ACTS_BY_AN_AUDITOR = {
    "receipt of 0p": lambda b: receipt(b, b.ava, 0),
    "unknown setting": lambda b: b.ledger.set_setting(b.ava, "nonsense", 1),
    "backwards serial range": lambda b: b.ledger.receive_warrants(b.ava, 2000, 1999),
    "short PIN": lambda b: b.ledger.add_user(b.ava, "carl", ("officer",), "12"),
    "override without reason": lambda b: receipt(b, b.ava, 30_000, authoriser=b.sam, override_reason=""),
    "malformed entry id": lambda b: receipt(b, b.ava, entry_id="not an id!"),
    "a 3p coin in the float": lambda b: b.ledger.open_session(b.ava, 0, denominations={3: 1}),
    "a 3p coin in the count": lambda b: b.ledger.declare_count(b.ava, denominations={3: 1}, cheques_counted=0),
}


@pytest.mark.parametrize("act", ACTS_BY_AN_AUDITOR.values(), ids=ACTS_BY_AN_AUDITOR.keys())
def test_who_is_acting_is_checked_before_what_was_typed(open_book, act):
    assert refusal(open_book, act, open_book).outcome is Outcome.ROLE_REQUIRED


def test_the_session_is_checked_before_the_code(open_book):
    refused = refusal(open_book, receipt, open_book, open_book.bob, code="NOPE")
    assert refused.outcome is first_checked(Outcome.NO_OPEN_SESSION, Outcome.CODE_UNKNOWN)


def test_the_code_then_the_money_then_the_limit(open_book):
    ledger, alice = open_book.ledger, open_book.alice
    no_code = refusal(open_book, ledger.record_payout, alice, amount_pence=99_999, code="NOPE", payee="Shop",
                      purpose="milk")
    assert no_code.outcome is first_checked(Outcome.CODE_UNKNOWN, Outcome.INSUFFICIENT_CASH,
                                            Outcome.OFFICER_LIMIT_EXCEEDED)
    overpaid = refusal(open_book, ledger.collect_debt, alice, debtor_ref="DR-1", amount_pence=30_000,
                       method="cash")
    assert overpaid.outcome is first_checked(Outcome.OVERPAYMENT, Outcome.OFFICER_LIMIT_EXCEEDED)
    short = refusal(open_book, ledger.record_payout, alice, amount_pence=30_000, code="EXP1", payee="Shop",
                    purpose="milk")
    assert short.outcome is first_checked(Outcome.INSUFFICIENT_CASH, Outcome.OFFICER_LIMIT_EXCEEDED)


def test_a_reversal_checks_the_entry_then_the_day_then_four_eyes(open_book):
    open_book.ledger.open_session(open_book.tess, 0)
    reversed_, keyed = receipt(open_book, open_book.tess), receipt(open_book, open_book.tess)
    reverse(open_book, reversed_.seq)
    close_day(open_book, open_book.tess, 1000)
    twice = refusal(open_book, reverse, open_book, reversed_.seq, authoriser=open_book.bob)
    assert twice.outcome is first_checked(Outcome.ALREADY_REVERSED, Outcome.DAY_CLOSED,
                                          Outcome.AUTHORISER_NOT_SUPERVISOR)
    own = refusal(open_book, reverse, open_book, keyed.seq, authoriser=open_book.tess, actor=open_book.tess)
    assert own.outcome is first_checked(Outcome.DAY_CLOSED, Outcome.OWN_ENTRY)


def test_signing_off_ones_own_short_day_is_own_entry_and_shows_no_figure(open_book):
    """The officer must never see the expected figure, so four eyes answers before the variance:
    the enum has to list own_entry before variance_reason_required."""
    open_book.ledger.open_session(open_book.tess, 5000)
    open_book.ledger.declare_count(open_book.tess, denominations=cash(4766), cheques_counted=0)
    refused = refusal(open_book, open_book.ledger.sign_off, open_book.tess, officer="tess", business_date=TODAY)
    assert refused.outcome is Outcome.OWN_ENTRY
    assert "£" not in refused.message and "2.34" not in refused.message
    assert refused.outcome is first_checked(Outcome.OWN_ENTRY, Outcome.VARIANCE_REASON_REQUIRED)


# -- the enum, its descriptions and docs/REFUSALS.md stay in step -----------------------------
def test_every_outcome_has_its_test():
    """Each outcome has a test named after it, here or with the finance desk's refusals."""
    from tests.finance import test_finance_refusals

    tests = {**vars(test_finance_refusals), **globals()}
    missing = [f"test_{outcome.value}" for outcome in Outcome if not callable(tests.get(f"test_{outcome.value}"))]
    assert missing == []


def test_every_outcome_has_one_description_line():
    assert set(DESCRIPTIONS) == set(Outcome)
    assert all(text.strip() and "\n" not in text for text in DESCRIPTIONS.values())


def test_the_refusals_doc_lists_every_outcome_in_the_order_checked():
    lines = [DOC_LINE.match(line) for line in REFUSALS_DOC.read_text(encoding="utf-8").splitlines()]
    listed = [(match.group(1), match.group(2)) for match in lines if match]
    assert [name for name, _ in listed] == [outcome.value for outcome in Outcome]
    for name, text in listed:
        assert text == DESCRIPTIONS[Outcome(name)], name
