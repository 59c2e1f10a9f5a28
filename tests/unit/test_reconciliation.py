"""The reconciliation arithmetic: what the till should hold, what was counted, and what sign-off posts.

Expected cash = float + cash receipts + cash collections - payouts, each less what was reversed.
Cheques go to Assets:Cheques:<officer> and never into expected cash; warrants cost nothing from the
till. (Refusal wording and the closed day are in test_endofday.py; this file is the sums.)
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count as counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from book_support import START, TODAY, build_book
from ledger import audit
from ledger.debtors import parse_debtor_csv
from ledger.refusals import Outcome, Refused

FLOAT_PENCE = 5000


def cash(pence: int) -> dict[int, int]:
    """Denominations making up exactly `pence`: £10 notes, pound coins and pennies."""
    notes, rest = divmod(pence, 1000)
    return {value: n for value, n in ((1000, notes), (100, rest // 100), (1, rest % 100)) if n}


def receipt(book, amount_pence: int, method: str = "cash"):
    return book.ledger.record_receipt(book.alice, amount_pence=amount_pence, method=method, code="INC1",
                                      payer="Mr A Payer")


def collect(book, amount_pence: int, method: str = "cash", debtor_ref: str = "DR-1"):
    return book.ledger.collect_debt(book.alice, debtor_ref=debtor_ref, amount_pence=amount_pence, method=method)


def payout(book, amount_pence: int):
    return book.ledger.record_payout(book.alice, amount_pence=amount_pence, code="EXP1", payee="Co-op",
                                     purpose="Tea")


def warrant(book, value_pence: int = 800):
    return book.ledger.issue_warrant(book.alice, recipient="Ms T Ojo", journey="Leeds to York",
                                     value_pence=value_pence, code="TW1")


def reverse(book, posted):
    return book.ledger.reverse(book.alice, seq=posted.seq, reason="keyed in error", authoriser=book.sam)


def declare(book, cash_pence: int, cheques: int = 0, serials: tuple[int, ...] = ()):
    return book.ledger.declare_count(book.alice, denominations=cash(cash_pence), cheques_counted=cheques,
                                     unused_serials=serials)


def figures(book, date: str = TODAY) -> dict:
    with book.ledger.store.reading() as reader:
        return book.ledger.reconciliation(reader, "alice", date, book.sam)


def balance(book, account: str, date: str = TODAY) -> int:
    with book.ledger.store.reading() as reader:
        return reader.account_balance_pence(account, date)


def postings(posted) -> list[tuple[str, int]]:
    return [(p["account"], p["amount_pence"]) for p in posted.entry.body_dict()["postings"]]


#: The busy day below: 5000 float + 1234 + 1500 cash in - 300 paid out; the reversed ones do not count.
BUSY_EXPECTED_PENCE = 5000 + 1234 + 1500 - 300


@pytest.fixture
def busy(open_book):
    """alice's day: cash and cheque receipts and collections, payouts, warrants, and reversals of each kind."""
    b = open_book
    receipt(b, 1234)
    receipt(b, 2000, method="cheque")
    collect(b, 1500)
    collect(b, 1000, method="cheque", debtor_ref="DR-2")
    payout(b, 300)
    warrant(b, 800)
    reverse(b, receipt(b, 700))                      # cash in, taken back out
    reverse(b, receipt(b, 900, method="cheque"))     # a cheque that never was
    reverse(b, payout(b, 200))                       # cash out, put back
    reverse(b, collect(b, 400))                      # a collection keyed twice
    reverse(b, warrant(b, 500))                      # a warrant issued in error
    return b


def test_expected_cash_is_float_plus_cash_in_less_payouts_net_of_reversals(busy):
    declare(busy, BUSY_EXPECTED_PENCE, cheques=2)
    got = figures(busy)
    assert got["cash_pence_expected"] == BUSY_EXPECTED_PENCE == 7434
    assert got["cash_pence_expected"] == balance(busy, "Assets:Till:alice")
    assert (got["cheques_expected"], got["cheques_counted"]) == (2, 2)
    assert got["warrants_issued"] == 1
    assert got["cash_pence_variance"] == 0


def test_cheques_go_to_their_own_account_and_never_into_expected_cash(open_book):
    receipt(open_book, 2000, method="cheque")
    collect(open_book, 1000, method="cheque")
    assert balance(open_book, "Assets:Cheques:alice") == 3000
    assert balance(open_book, "Assets:Till:alice") == FLOAT_PENCE
    declare(open_book, FLOAT_PENCE, cheques=1)
    got = figures(open_book)
    assert (got["cash_pence_expected"], got["cheques_expected"], got["cheques_counted"]) == (FLOAT_PENCE, 2, 1)
    with pytest.raises(Refused) as refusal:
        open_book.ledger.sign_off(open_book.sam, officer="alice", business_date=TODAY)
    assert refusal.value.outcome is Outcome.VARIANCE_REASON_REQUIRED
    assert "cheques are 1 of 2" in refusal.value.message


@pytest.mark.parametrize(("counted_pence", "variance_pence", "posted"), [
    (7000, -434, [("Expenses:CashVariance", 434), ("Assets:Till:alice", -434)]),
    (BUSY_EXPECTED_PENCE, 0, []),
    (7500, 66, [("Assets:Till:alice", 66), ("Income:CashVariance", -66)]),
], ids=["short", "exact", "over"])
def test_sign_off_posts_exactly_the_variance_and_the_till_ends_at_the_count(busy, counted_pence,
                                                                            variance_pence, posted):
    declare(busy, counted_pence, cheques=2)
    assert figures(busy)["cash_pence_variance"] == variance_pence
    signed = busy.ledger.sign_off(busy.sam, officer="alice", business_date=TODAY,
                                  reason="as counted" if variance_pence else None)
    assert signed.body["cash_pence_variance"] == variance_pence
    assert postings(signed) == posted
    assert balance(busy, "Assets:Till:alice") == counted_pence
    money = audit.replay(busy.ledger.store).balances
    assert money.get("Expenses:CashVariance", 0) == max(-variance_pence, 0)
    assert money.get("Income:CashVariance", 0) == -max(variance_pence, 0)


def test_warrants_expected_against_declared_serials(open_book):
    first, second = warrant(open_book), warrant(open_book)
    reverse(open_book, warrant(open_book))                  # 1002: issued, then cancelled
    assert (first.body["serial"], second.body["serial"]) == (1000, 1001)
    declare(open_book, FLOAT_PENCE, serials=tuple(range(1003, 1010)))
    got = figures(open_book)
    assert (got["warrants_issued"], got["serials_declared"], got["serials_not_in_stock"]) == (2, 7, ())
    signed = open_book.ledger.sign_off(open_book.sam, officer="alice", business_date=TODAY)
    assert (signed.body["warrants_issued"], signed.body["serials_declared"]) == (2, 7)


@pytest.mark.parametrize("serial", [1000, 1002, 5000], ids=["issued", "cancelled", "never-received"])
def test_a_declared_serial_that_is_not_in_stock_needs_a_reason(open_book, serial):
    warrant(open_book)
    warrant(open_book)
    reverse(open_book, warrant(open_book))
    declare(open_book, FLOAT_PENCE, serials=(serial, 1003, 1004))
    got = figures(open_book)
    assert got["cash_pence_variance"] == 0 and got["cheques_expected"] == got["cheques_counted"] == 0
    assert (got["serials_declared"], got["serials_not_in_stock"]) == (3, (serial,))
    with pytest.raises(Refused) as refusal:
        open_book.ledger.sign_off(open_book.sam, officer="alice", business_date=TODAY)
    assert refusal.value.outcome is Outcome.VARIANCE_REASON_REQUIRED
    message = refusal.value.message
    assert f"not in stock: {serial}" in message and "short" not in message and "cheques" not in message
    signed = open_book.ledger.sign_off(open_book.sam, officer="alice", business_date=TODAY,
                                       reason="form found in the wrong drawer")
    assert signed.body["serials_not_in_stock"] == [serial]
    assert postings(signed) == []


def test_the_expected_figure_is_shown_to_a_supervisor_never_for_their_own_day(open_book):
    receipt(open_book, 1234)
    declare(open_book, 6000)
    open_book.ledger.open_session(open_book.tess, 2000)
    open_book.ledger.declare_count(open_book.tess, denominations=cash(2000), cheques_counted=0)
    by_tess = {row["officer"]: row for row in open_book.ledger.days_waiting(open_book.tess)}
    by_sam = {row["officer"]: row for row in open_book.ledger.days_waiting(open_book.sam)}
    assert "cash_pence_expected" not in by_tess["tess"] and "cash_pence_variance" not in by_tess["tess"]
    assert (by_tess["alice"]["cash_pence_expected"], by_tess["alice"]["cash_pence_variance"]) == (6234, -234)
    assert (by_sam["tess"]["cash_pence_expected"], by_sam["tess"]["cash_pence_variance"]) == (2000, 0)


# -- the property -------------------------------------------------------------------------
ACT = st.one_of(
    st.tuples(st.just("receipt"), st.integers(1, 6000), st.sampled_from(["cash", "cheque"])),
    st.tuples(st.just("collect"), st.integers(1, 6000), st.sampled_from(["cash", "cheque"])),
    st.tuples(st.just("payout"), st.integers(1, 6000), st.just("cash")),
    st.tuples(st.just("warrant"), st.integers(1, 3000), st.just("")),
    st.tuples(st.just("reverse"), st.integers(0, 20), st.just("")),
)


class Model:
    """What the till should hold, kept by hand alongside the ledger."""

    def __init__(self, float_pence: int) -> None:
        self.float_pence = float_pence
        self.live: dict[int, tuple[str, int, str]] = {}     # seq -> (kind, pence, method), not reversed

    @property
    def used_pence(self) -> int:
        return sum(pence for _, pence, _ in self.live.values())

    @property
    def cash_pence(self) -> int:
        cash_in = sum(p for kind, p, method in self.live.values()
                      if kind in ("receipt", "collect") and method == "cash")
        paid_out = sum(p for kind, p, _ in self.live.values() if kind == "payout")
        return self.float_pence + cash_in - paid_out

    @property
    def cheques(self) -> int:
        return sum(1 for kind, _, method in self.live.values() if method == "cheque")


def apply(book, model: Model, act: tuple[str, int, str]) -> None:
    """One act at the counter; the model says beforehand whether the ledger must refuse it."""
    kind, pence, method = act
    if kind == "reverse":
        if model.live:
            seq = sorted(model.live)[pence % len(model.live)]
            book.ledger.reverse(book.alice, seq=seq, reason="keyed in error", authoriser=book.sam)
            del model.live[seq]
        return
    refusal = (Outcome.INSUFFICIENT_CASH if kind == "payout" and pence > model.cash_pence else
               Outcome.OFFICER_LIMIT_EXCEEDED if model.used_pence + pence > 25_000 else None)
    calls = {"receipt": lambda: receipt(book, pence, method), "collect": lambda: collect(book, pence, method, "DR-BIG"),
             "payout": lambda: payout(book, pence), "warrant": lambda: warrant(book, pence)}
    if refusal is not None:
        with pytest.raises(Refused) as refused:
            calls[kind]()
        assert refused.value.outcome is refusal
        return
    model.live[calls[kind]().seq] = (kind, pence, method)


def test_variance_is_counted_less_float_plus_cash_in_less_payouts(tmp_path):
    book = build_book(tmp_path / "ledger.db")
    adam = book.ledger.authenticate("adam", "555555")
    book.ledger.import_debts(adam, parse_debtor_csv("debtor_ref,name,amount,code,description\n"
                                                    "DR-BIG,Big Debtor,900000.00,INC1,\n"))
    book.ledger.receive_warrants(adam, 2000, 2999)
    days = counter(1)

    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(float_pence=st.integers(0, 10_000), acts=st.lists(ACT, max_size=10),
           counted_pence=st.integers(0, 40_000))
    def check(float_pence, acts, counted_pence):
        book.clock.now = START + timedelta(days=next(days))
        date = book.ledger.london_date()
        book.ledger.open_session(book.alice, float_pence)
        model = Model(float_pence)
        for act in acts:
            apply(book, model, act)
        declare(book, counted_pence, cheques=model.cheques)
        got = figures(book, date)
        assert got["cash_pence_expected"] == model.cash_pence
        assert got["cash_pence_variance"] == counted_pence - model.cash_pence
        assert got["cheques_expected"] == model.cheques
        signed = book.ledger.sign_off(book.sam, officer="alice", business_date=date, reason="property")
        variance_pence = counted_pence - model.cash_pence
        assert sum(p for a, p in postings(signed) if a == "Assets:Till:alice") == variance_pence
        assert balance(book, "Assets:Till:alice", date) == counted_pence

    try:
        check()
    finally:
        book.ledger.close()
