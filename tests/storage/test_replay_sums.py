"""Replay sums the postings inside the entries' own bodies. On SQLite it counts each distinct posting's text
once and multiplies (postings repeat: the same till, code and amount); these tests hold that to a plain sum
of every posting, read back with json, on both stores."""

from __future__ import annotations

import json

from ledger import audit
from ledger.store import dialect


def summed_by_hand(book) -> dict[str, int]:
    totals: dict[str, int] = {}
    with book.ledger.store.reading() as reader:
        for entry in reader.iter_entries():
            for posting in json.loads(entry.body).get("postings", ()):
                totals[posting["account"]] = totals.get(posting["account"], 0) + posting["amount_pence"]
    return {account: pence for account, pence in sorted(totals.items()) if pence}


def repeated_receipts(book) -> None:
    """Five receipts alike (the same two posting texts five times) and two of other amounts."""
    for amount in (250, 250, 250, 250, 250, 975, 1):
        book.ledger.record_receipt(book.alice, amount_pence=amount, method="cash", code="INC1", payer="P")


def test_repeated_postings_are_each_counted(store_open_book):
    before = audit.replay(store_open_book.ledger.store).balances
    repeated_receipts(store_open_book)
    balances = audit.replay(store_open_book.ledger.store).balances
    assert balances == summed_by_hand(store_open_book)
    assert balances["Income:INC1"] - before.get("Income:INC1", 0) == -(5 * 250 + 975 + 1)
    assert balances["Assets:Till:alice"] - before["Assets:Till:alice"] == 5 * 250 + 975 + 1


def test_replay_until_a_seq_counts_only_the_postings_before_it(store_open_book):
    store = store_open_book.ledger.store
    before = audit.replay(store).balances.get("Income:INC1", 0)
    repeated_receipts(store_open_book)
    with store.reading() as reader:
        head_seq, _ = reader.head()
    three_alike = audit.replay(store, until_seq=head_seq - 4)
    assert three_alike.as_of_seq == head_seq - 4
    assert three_alike.balances["Income:INC1"] - before == -3 * 250


def test_negative_control_a_sum_that_ignores_the_count_is_caught(book, monkeypatch):
    """The same test against SQL that parses each distinct posting once but forgets how often it occurred."""
    book.ledger.open_session(book.alice, 5000)
    repeated_receipts(book)
    right = dialect.SqliteDialect.posting_totals
    monkeypatch.setattr(dialect.SqliteDialect, "posting_totals",
                        lambda self, where: right(self, where).replace(" * times", ""))
    assert audit.replay(book.ledger.store).balances != summed_by_hand(book)
