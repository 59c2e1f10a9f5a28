"""`report banking`: ages in England working days, the flag past 3, every row's shape, and every total
equal to an independent replay of the postings read straight from the entries with sqlite3."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import date

import pytest
from bank_support import banked, generic_csv, import_csv
from book_support import TODAY

from ledger.bank_report import COLUMNS, banking
from ledger.book import Ledger
from ledger.calendar import is_working_day, working_days_between


@pytest.mark.parametrize("start, end, days", [
    ("2026-11-23", "2026-11-23", 0),   # banked today
    ("2026-11-20", "2026-11-23", 1),   # Friday to Monday
    ("2026-11-23", "2026-11-27", 4),   # Monday to Friday
    ("2026-12-24", "2026-12-29", 1),   # Christmas Day (Fri) and Boxing Day's substitute (Mon 28th) are holidays
    ("2026-04-02", "2026-04-07", 1),   # Good Friday and Easter Monday
    ("2026-05-01", "2026-05-05", 1),   # Early May bank holiday (Mon 4th)
    ("2025-12-31", "2026-01-02", 1),   # New Year's Day across the year's end
])
def test_working_days_skip_weekends_and_england_bank_holidays(start, end, days):
    assert working_days_between(date.fromisoformat(start), date.fromisoformat(end)) == days


def test_a_year_of_working_days_counted_one_day_at_a_time_agrees():
    start, end = date(2026, 1, 1), date(2027, 1, 1)
    slow = sum(1 for ordinal in range(start.toordinal() + 1, end.toordinal() + 1)
               if is_working_day(date.fromordinal(ordinal)))
    assert working_days_between(start, end) == slow
    assert not is_working_day(date(2026, 8, 31))  # the Summer bank holiday in England (not in Scotland)


def test_a_bag_in_transit_is_flagged_past_three_working_days(book):
    banked(book, book.alice, 1250, "B-1")
    three = {row["bag"]: row for row in banking(book.ledger.store, "2026-11-26")}["B-1"]
    four = {row["bag"]: row for row in banking(book.ledger.store, "2026-11-27")}["B-1"]
    assert (three["state"], three["working_days"], three["flag"]) == ("in_transit", 3, "")
    assert (four["working_days"], four["flag"]) == (4, "late: over 3 working days")


def a_banking_history(book) -> None:
    """Bags B-1 confirmed, B-2 resolved short, B-3 resolved over, B-4 in transit; an unexplained credit
    and debit. una (a second supervisor) resolves tess's bag; olly is a fourth officer."""
    from ledger.service import Actor

    book.ledger.add_user(book.adam, "una", ("supervisor",), "999999")
    book.ledger.add_user(book.adam, "olly", ("officer",), "888888")
    for officer, takings, bag in ((book.alice, 1250, "B-1"), (book.bob, 2075, "B-2"), (book.tess, 990, "B-3"),
                                  (Actor("olly", frozenset({"officer"})), 400, "B-4")):
        banked(book, officer, takings, bag)
    import_csv(book, generic_csv((TODAY, "PAYIN", "B-1", "12.50", ""), (TODAY, "PAYIN", "CASH B-2", "20.00", ""),
                                 (TODAY, "PAYIN", "B-3", "10.00", ""), (TODAY, "BACS", "INV 1", "45.00", ""),
                                 (TODAY, "CHARGES", "NOV", "-1.25", "")))
    book.ledger.resolve_banking(book.tess, bag="B-2", reason="Bank found 75p less")
    book.ledger.resolve_banking(Actor("una", frozenset({"supervisor"})), bag="B-3", reason="Bank found 10p more")


def independent_balances(path) -> dict[str, int]:
    """Postings summed from the entries' bodies with nothing but sqlite3 and json."""
    totals: dict[str, int] = defaultdict(int)
    conn = sqlite3.connect(path)
    try:
        for (body,) in conn.execute("SELECT body FROM entries ORDER BY seq"):
            for posting in json.loads(body).get("postings", []):
                totals[posting["account"]] += posting["amount_pence"]
    finally:
        conn.close()
    return totals


def test_every_report_total_equals_an_independent_replay(book):
    a_banking_history(book)
    rows = banking(book.ledger.store, TODAY)
    replay = independent_balances(book.path)
    bags = [row for row in rows if row["kind"] == "bag"]
    assert {row["bag"]: row["state"] for row in bags} == {"B-1": "confirmed", "B-2": "resolved",
                                                          "B-3": "resolved", "B-4": "in_transit"}
    in_transit = sum(row["amount_pence"] for row in bags if row["state"] in ("in_transit", "mismatched"))
    assert in_transit == replay["Assets:CashInTransit"] == 400
    at_bank = sum(row["statement_pence"] for row in bags if row["state"] in ("confirmed", "resolved"))
    assert at_bank == replay["Assets:Bank"]
    differences = sum(row["difference_pence"] for row in bags if row["state"] == "resolved")
    assert differences == -(replay["Expenses:BankingVariance"] + replay["Income:BankingVariance"]) == -65
    lines = [row for row in rows if row["kind"] == "statement_line"]
    assert sorted(row["amount_pence"] for row in lines) == [-125, 4500]


def test_a_mismatched_bag_is_still_in_transit_in_the_accounts(book):
    banked(book, book.alice, 1250, "B-1")
    import_csv(book, generic_csv((TODAY, "PAYIN", "B-1", "12.00", "")))
    row = banking(book.ledger.store, TODAY)[0]
    assert (row["state"], row["difference_pence"], row["statement_pence"]) == ("mismatched", -50, 1200)
    assert independent_balances(book.path)["Assets:CashInTransit"] == row["amount_pence"] == 1250


def test_every_row_has_the_same_columns_and_what_needs_a_supervisor_comes_first(book):
    a_banking_history(book)
    rows = banking(book.ledger.store, TODAY)
    assert all(tuple(row) == COLUMNS for row in rows)
    assert [row["state"] for row in rows] == ["in_transit", "unexplained", "unexplained", "confirmed", "resolved",
                                              "resolved"]


def test_rebuild_gives_the_same_bags_and_lines_and_an_older_file_gets_the_new_tables(book):
    a_banking_history(book)
    with book.ledger.store.reading() as reader:
        before = (reader.bank_bags(), reader.statement_lines(), reader.reference_rules())
    book.ledger.store.rebuild()
    with book.ledger.store.reading() as reader:
        assert (reader.bank_bags(), reader.statement_lines(), reader.reference_rules()) == before
    book.ledger.close()
    conn = sqlite3.connect(book.path)
    for table in ("bank_bags", "statement_lines", "reference_rules"):
        conn.execute(f"DROP TABLE {table}")  # as a ledger written before this change
    conn.commit()
    conn.close()
    with Ledger.open(book.path) as reopened, reopened.store.reading() as reader:
        assert (reader.bank_bags(), reader.statement_lines(), reader.reference_rules()) == before
