"""Every report's figures against an independent replay of the postings.

The expected side never touches the projections or `ledger.reports`: it reads `entries` with plain
sqlite3 (read-only), parses each body with json, and sums postings by hand.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import timedelta

import pytest

from book_support import START
from ledger import reports

DAY1, DAY2 = "2026-11-23", "2026-11-24"
MONEY_KINDS = ("receipt_recorded", "debt_collected", "payout_recorded", "warrant_issued")
COUNTER_KINDS = MONEY_KINDS + ("session_opened", "warrant_spoiled", "entry_reversed", "count_declared",
                               "recount_requested", "day_signed_off", "cash_banked")


def cash(pence: int) -> dict[int, int]:
    notes, rest = divmod(pence, 1000)
    return {value: n for value, n in ((1000, notes), (100, rest // 100), (1, rest % 100)) if n}


def entries(book) -> list[dict]:
    """Every entry, straight from the file: seq, kind, date, actor, hash and the parsed body."""
    conn = sqlite3.connect(f"file:{book.path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT seq, kind, business_date, actor, hash, body FROM entries ORDER BY seq")
        return [{"seq": s, "kind": k, "date": d, "actor": a, "hash": h, "body": json.loads(b)}
                for s, k, d, a, h, b in rows]
    finally:
        conn.close()


def postings(rows, account=None, prefix=None, dates=None, before_seq=None):
    """(seq, date, account, pence) for every posting that matches."""
    for row in rows:
        if (dates is not None and row["date"] not in dates) or (before_seq and row["seq"] >= before_seq):
            continue
        for p in row["body"].get("postings", ()):
            if (account is None or p["account"] == account) and (prefix is None or p["account"].startswith(prefix)):
                yield row["seq"], row["date"], p["account"], p["amount_pence"]


def reversed_seqs(rows) -> set[int]:
    return {row["body"]["reversed_seq"] for row in rows if row["kind"] == "entry_reversed"}


def money_amount(row) -> int:
    """What the entry moved, from its postings: in for receipts, collections and warrants, out for payouts."""
    if row["kind"] == "payout_recorded":
        return -sum(p["amount_pence"] for p in row["body"]["postings"] if p["account"].startswith("Expenses:"))
    return sum(p["amount_pence"] for p in row["body"]["postings"] if p["amount_pence"] > 0)


@pytest.fixture
def history(open_book):
    """Two business days for alice, bob and tess: every kind of money, reversals, a gap in the warrant
    stock, skipped and spoiled forms, a short and an over count, a sign-off without variance, banking."""
    b, L = open_book, open_book.ledger
    adam = L.authenticate("adam", "555555")
    L.add_code(adam, "INC2", "Licences", "income")
    L.receive_warrants(adam, 1020, 1024)
    L.set_setting(adam, "daily_limit_pence", "30000", "alice")
    L.open_session(b.bob, 3000)
    L.open_session(b.tess, 1000)

    def rcpt(who, pence, method="cash", code="INC1"):
        return L.record_receipt(who, amount_pence=pence, method=method, code=code, payer="Mr A Payer")

    def undo(posted):
        return L.reverse(b.alice, seq=posted.seq, reason="keyed in error", authoriser=b.sam)

    rcpt(b.alice, 1234)
    rcpt(b.alice, 2000, "cheque")
    L.collect_debt(b.alice, debtor_ref="DR-1", amount_pence=1500, method="cash")
    L.collect_debt(b.alice, debtor_ref="DR-2", amount_pence=1000, method="cheque")
    L.record_payout(b.alice, amount_pence=300, code="EXP1", payee="Co-op", purpose="Tea")
    L.issue_warrant(b.alice, recipient="Ms T Ojo", journey="Leeds to York", value_pence=800, code="TW1")
    undo(L.issue_warrant(b.alice, recipient="Mr K", journey="York to Leeds", value_pence=600, code="TW1"))
    L.spoil_warrant(b.alice, serial=1005, reason="torn")
    undo(rcpt(b.alice, 700))
    undo(L.collect_debt(b.alice, debtor_ref="DR-1", amount_pence=400, method="cash"))
    rcpt(b.bob, 900, code="INC2")
    L.collect_debt(b.bob, debtor_ref="DR-1", amount_pence=2500, method="cheque")
    L.issue_warrant(b.bob, recipient="Mr O", journey="Leeds to Hull", value_pence=1200, code="TW1")
    rcpt(b.tess, 50)
    L.declare_count(b.alice, denominations=cash(7000), cheques_counted=2)
    L.request_recount(b.sam, officer="alice", business_date=DAY1, reason="count the coins")
    L.declare_count(b.alice, denominations=cash(7100), cheques_counted=2)
    L.sign_off(b.sam, officer="alice", business_date=DAY1, reason="short, not found")
    L.bank(b.sam, officer="alice", business_date=DAY1, bag="BAG1")
    L.declare_count(b.bob, denominations=cash(3900), cheques_counted=1)
    L.sign_off(b.tess, officer="bob", business_date=DAY1)

    b.clock.now = START + timedelta(days=1)
    L.open_session(b.alice, 5000)
    rcpt(b.alice, 1111)
    undo(rcpt(b.alice, 222, code="INC2"))
    L.collect_debt(b.alice, debtor_ref="DR-1", amount_pence=100, method="cash")
    L.declare_count(b.alice, denominations=cash(6300), cheques_counted=0)
    L.sign_off(b.sam, officer="alice", business_date=DAY2, reason="over: change not given")
    return b


@pytest.mark.parametrize("date", [DAY1, DAY2])
def test_daily_lists_every_counter_entry_of_the_date_with_what_it_moved(history, date):
    rows = entries(history)
    report = reports.daily(history.ledger.store, date)
    wanted = [r for r in rows if r["date"] == date and r["kind"] in COUNTER_KINDS]
    assert sorted(row["seq"] for row in report) == [r["seq"] for r in wanted]
    assert [(row["officer"], row["seq"]) for row in report] == sorted((row["officer"], row["seq"]) for row in report)
    amounts = {row["seq"]: row["amount_pence"] for row in report if row["kind"] in MONEY_KINDS}
    assert amounts == {r["seq"]: money_amount(r) for r in wanted if r["kind"] in MONEY_KINDS}
    by_officer = defaultdict(int)
    for row in report:
        if row["kind"] in MONEY_KINDS:
            by_officer[row["officer"]] += row["amount_pence"]
    independent = defaultdict(int)
    for r in wanted:
        if r["kind"] in MONEY_KINDS:
            independent[r["actor"]] += money_amount(r)
    assert by_officer == independent and by_officer


def test_daily_files_a_reversal_under_the_officer_whose_day_it_is(open_book):
    """A supervisor who keys the reversal is `by`; the entry belongs to the officer's day."""
    posted = open_book.ledger.record_receipt(open_book.alice, amount_pence=700, method="cash", code="INC1",
                                             payer="Mr A Payer")
    undone = open_book.ledger.reverse(open_book.sam, seq=posted.seq, reason="wrong payer",
                                      authoriser=open_book.tess)
    row = next(row for row in reports.daily(open_book.ledger.store, DAY1) if row["seq"] == undone.seq)
    assert (row["by"], row["officer"]) == ("sam", "alice")


def test_reconciliation_expected_is_the_till_postings_before_sign_off(history):
    rows = entries(history)
    report = {row["officer"]: row for row in reports.reconciliation(history.ledger.store, DAY1)}
    assert set(report) == {"alice", "bob", "tess"}
    for officer, row in report.items():
        signed = [r for r in rows if r["kind"] == "day_signed_off" and r["date"] == DAY1
                  and r["body"]["officer"] == officer]
        counts = [r for r in rows if r["kind"] == "count_declared" and r["date"] == DAY1
                  and r["body"]["officer"] == officer]
        opened = next(r for r in rows if r["kind"] == "session_opened" and r["date"] == DAY1
                      and r["actor"] == officer)
        before = signed[0]["seq"] if signed else None
        expected = sum(p for *_, p in postings(rows, f"Assets:Till:{officer}", dates={DAY1}, before_seq=before))
        counted = counts[-1]["body"]["cash_pence_counted"] if counts else None
        assert row["float_pence"] == opened["body"]["float_pence"]
        assert row["cash_pence_expected"] == expected
        assert row["cash_pence_counted"] == counted
        assert row["cash_pence_variance"] == (None if counted is None else counted - expected)
        assert row["signed_off_by"] == (signed[0]["actor"] if signed else "")
    assert (report["alice"]["cash_pence_expected"], report["alice"]["cash_pence_variance"]) == (7434, -334)
    assert (report["alice"]["bag"], report["alice"]["state"]) == ("BAG1", "signed_off")
    assert (report["bob"]["cash_pence_variance"], report["tess"]["state"]) == (0, "open")


@pytest.mark.parametrize(("first", "last"), [(DAY1, DAY1), (DAY2, DAY2), (DAY1, DAY2), ("2026-11-25", "2026-12-31")])
def test_income_by_code_is_the_net_credit_to_each_income_account(history, first, last):
    dates = {d for d in (DAY1, DAY2) if first <= d <= last}
    totals, seqs = defaultdict(int), defaultdict(set)
    for seq, _, account, pence in postings(entries(history), prefix="Income:", dates=dates):
        totals[account.removeprefix("Income:")] -= pence
        seqs[account.removeprefix("Income:")].add(seq)
    report = reports.income(history.ledger.store, first, last)
    assert {row["code"]: row["income_pence"] for row in report} == dict(totals)
    assert {row["code"]: row["entries"] for row in report} == {code: len(s) for code, s in seqs.items()}
    if (first, last) == (DAY2, DAY2):
        assert dict(totals) == {"INC1": 1111, "INC2": 0, "CashVariance": 89}


def test_debtors_balance_is_the_sum_of_their_postings(history):
    rows = entries(history)
    undone = reversed_seqs(rows)
    report = {row["debtor_ref"]: row for row in reports.debtors(history.ledger.store)}
    assert set(report) == {"DR-1", "DR-2"}
    for ref, row in report.items():
        balance = sum(p for *_, p in postings(rows, f"Assets:Debtors:{ref}"))
        raised = sum(r["body"]["amount_pence"] for r in rows if r["kind"] == "debt_raised"
                     and r["body"]["debtor_ref"] == ref)
        collections = [r for r in rows if r["kind"] == "debt_collected" and r["body"]["debtor_ref"] == ref
                       and r["seq"] not in undone]
        assert row["balance_pence"] == balance
        assert row["raised_pence"] - row["collected_pence"] == balance
        assert row["raised_pence"] == raised
        assert row["collections"] == len(collections)
        assert row["last_collected"] == max((r["date"] for r in collections), default="")
    assert report["DR-1"]["balance_pence"] == 10_000 - 1500 - 2500 - 100


@pytest.mark.parametrize("date", [DAY1, DAY2])
def test_limits_used_is_the_sum_of_unreversed_counter_amounts(history, date):
    rows = entries(history)
    undone = reversed_seqs(rows)
    used = defaultdict(int)
    for r in rows:
        if r["date"] == date and r["kind"] in MONEY_KINDS and r["seq"] not in undone:
            used[r["actor"]] += abs(money_amount(r))
    report = {row["officer"]: row for row in reports.limits(history.ledger.store, date)}
    assert {officer: row["used_pence"] for officer, row in report.items() if row["used_pence"]} == dict(used)
    for officer, row in report.items():
        assert row["limit_pence"] == (30_000 if officer == "alice" else 25_000)
        assert row["headroom_pence"] == row["limit_pence"] - row["used_pence"]


def test_warrant_register_shows_every_serial_once_with_gaps_and_skipped_forms(history):
    rows = entries(history)
    undone = reversed_seqs(rows)
    status = {}
    for r in rows:
        if r["kind"] == "warrants_received":
            status.update({s: "stock" for s in range(r["body"]["first"], r["body"]["last"] + 1)})
        elif r["kind"] == "warrant_issued":
            status[r["body"]["serial"]] = "cancelled" if r["seq"] in undone else "issued"
        elif r["kind"] == "warrant_spoiled":
            status[r["body"]["serial"]] = "spoiled"
    highest_used = max(s for s, state in status.items() if state != "stock")
    register = reports.warrants(history.ledger.store)
    serial_rows = [row for row in register if row["status"] != "gap"]
    assert [row["serial"] for row in serial_rows] == sorted(status)
    assert {row["serial"]: row["status"] for row in serial_rows} == status
    skipped = {row["serial"] for row in serial_rows if row["flag"] == "skipped"}
    assert skipped == {s for s, state in status.items() if state == "stock" and s < highest_used} == {1003, 1004}
    gaps = [row for row in register if row["status"] == "gap"]
    assert [(row["serial"], row["flag"]) for row in gaps] == [("1010-1019", "gap")]
    assert register.index(gaps[0]) == [row["serial"] for row in register].index(1020) - 1
    values = {row["serial"]: row["value_pence"] for row in serial_rows if row["status"] == "issued"}
    assert values == {r["body"]["serial"]: r["body"]["value_pence"] for r in rows
                      if r["kind"] == "warrant_issued" and r["seq"] not in undone}


@pytest.mark.parametrize(("officer", "date"), [("alice", DAY1), ("bob", DAY1), ("alice", DAY2)])
def test_signoff_slip_carries_the_anchor_of_the_sign_off_entry(history, officer, date):
    signed = next(r for r in entries(history) if r["kind"] == "day_signed_off" and r["date"] == date
                  and r["body"]["officer"] == officer)
    slip = reports.signoff_slip(history.ledger.store, officer, date)
    assert slip["anchor"] == f"{signed['seq']}:{signed['hash']}"
    body = signed["body"]
    assert (slip["cash_pence_expected"], slip["cash_pence_counted"], slip["cash_pence_variance"]) == (
        body["cash_pence_expected"], body["cash_pence_counted"], body["cash_pence_variance"])
    assert slip["signed_off_by"] == signed["actor"]
    log = history.path.with_name(history.path.name + ".anchors").read_text().splitlines()
    assert [line.split("\t")[:3] for line in log if line.startswith(slip["anchor"] + "\t")] == [
        [slip["anchor"], date, officer]]
