"""What one post sends to the store inside its transaction, and a ledger held open between a console's calls.

On both stores (`store_open_book`): the statements of a post, and how a kept store is lent. SQLite only: the
WAL a kept store keeps, checkpoints, and a file replaced under it (a database server has none of these; a
PostgreSQL backend that went away under a kept store: test_pg_store.py)."""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from pathlib import Path

import pytest

from ledger.book import Ledger
from ledger.refusals import Refused
from ledger.service import new_entry_id
from ledger.store import KeptStore

from store_support import WRITE_LOCK, traced


def statements_of(book, act) -> list[str]:
    """The SQL statements `act()` runs on the book's connection, in order."""
    with traced(book.ledger.store) as seen:
        act()
    return seen


def receipt(book, actor):
    return book.ledger.record_receipt(actor, amount_pence=1250, method="cash", code="INC1", payer="Jo Bloggs")


def test_a_receipt_is_one_transaction_with_no_savepoint_pragma_or_needless_update(store_open_book):
    lock = WRITE_LOCK[store_open_book.ledger.store.kind]
    seen = statements_of(store_open_book, lambda: receipt(store_open_book, store_open_book.alice))
    assert seen[:len(lock)] == lock and seen[-1] == "COMMIT"
    assert [s for s in seen if s in (lock[0], "COMMIT")] == [lock[0], "COMMIT"]
    assert not [s for s in seen if s.startswith(("SAVEPOINT", "RELEASE", "PRAGMA"))], seen
    assert not [s for s in seen if s.startswith("UPDATE users")], "alice has no failed PIN to forget"
    assert sum(s.startswith("INSERT INTO postings") for s in seen) == 2


def test_entry_ids_made_later_sort_later_so_each_lands_at_the_end_of_the_index(tmp_path):
    made = []
    for _ in range(5):
        made.append(new_entry_id())
        time.sleep(0.002)  # the next millisecond: ids within one may come in any order
    assert made == sorted(made) and len(set(made)) == len(made)
    for entry_id in made:
        assert re.fullmatch(r"e-[0-9a-f]{32}", entry_id)
        assert uuid.UUID(entry_id[2:]).version == 7 and uuid.UUID(entry_id[2:]).variant == uuid.RFC_4122
    assert re.fullmatch(r"c-[0-9a-f]{32}", new_entry_id("c"))
    burst = {new_entry_id() for _ in range(10_000)}  # within a millisecond the random bits keep them apart
    assert len(burst) == 10_000


def test_after_a_failed_pin_the_next_entry_resets_the_count_in_the_same_transaction(store_open_book):
    with pytest.raises(Refused):
        store_open_book.ledger.authenticate("alice", "999999")
    with store_open_book.ledger.store.reading() as reader:
        assert reader.user("alice")["failures"] == 1
    seen = statements_of(store_open_book, lambda: receipt(store_open_book, store_open_book.alice))
    assert any(s.startswith("UPDATE users SET failures = 0") for s in seen)
    assert seen.index("COMMIT") > max(i for i, s in enumerate(seen) if s.startswith("UPDATE users"))
    with store_open_book.ledger.store.reading() as reader:
        assert reader.user("alice")["failures"] == 0


# -- a store kept open between a console's calls -----------------------------------------------------
def wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def post_one(path: Path, book) -> None:
    """One call as the console makes it when the kept store is busy: open, post, close."""
    with Ledger.open(path, clock=book.clock, terminal="test:console") as ledger:
        ledger.record_receipt(book.alice, amount_pence=100, method="cash", code="INC1", payer="P")


def count(path: Path) -> int:
    with Ledger.open(path) as ledger, ledger.store.reading() as reader:
        return reader.count_entries()


def test_negative_control_the_last_connection_to_close_removes_the_wal(open_book):
    path = open_book.path
    open_book.ledger.close()
    post_one(path, open_book)
    assert not wal(path).exists(), "SQLite checkpoints and deletes the WAL when its last connection closes"


def test_a_kept_store_keeps_the_wal_between_calls_and_lets_go_on_close(open_book):
    path = open_book.path
    open_book.ledger.close()
    before = count(path)
    kept = KeptStore(path)
    for _ in range(2):
        post_one(path, open_book)
        assert wal(path).exists(), "closing a call's connection no longer checkpoints and deletes the WAL"
    store = kept.borrow()
    Ledger(store, open_book.clock, "test:console").record_receipt(
        open_book.alice, amount_pence=100, method="cash", code="INC1", payer="P")
    kept.give_back(store)
    kept.close()
    assert not wal(path).exists(), "the kept store, closing last, checkpoints into the ledger file"
    assert count(path) == before + 3


def test_a_kept_store_is_lent_to_one_call_at_a_time_and_never_inside_a_transaction(store_open_book):
    kept = KeptStore(store_open_book.path)
    try:
        store = kept.borrow()
        assert store is not None and kept.borrow() is None, "a second call opens a store of its own"
        store.conn.execute("BEGIN")
        kept.give_back(store)
        again = kept.borrow()
        assert again is store and not again.conn.in_transaction
        kept.give_back(again)
    finally:
        kept.close()


def test_a_kept_store_is_never_lent_once_its_file_was_replaced_or_removed(open_book, tmp_path):
    from book_support import build_book

    other = build_book(tmp_path / "other.db")
    other.ledger.close()
    kept = KeptStore(open_book.path)
    os.replace(other.path, open_book.path)
    assert kept.borrow() is None and not kept.alive, "writes must never go to the file that was replaced"
    kept = KeptStore(open_book.path)
    os.remove(open_book.path)
    assert kept.borrow() is None and not kept.alive


def test_a_kept_store_never_blocks_a_checkpoint(open_book):
    kept = KeptStore(open_book.path)
    try:
        for _ in range(5):
            receipt(open_book, open_book.alice)
        busy, frames, done = open_book.ledger.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0 and frames == done == 0, "the kept store holds no read lock between calls"
    finally:
        kept.close()


def test_a_kept_store_is_used_and_closed_from_other_threads(store_open_book):
    kept = KeptStore(store_open_book.path)
    heads: list[int] = []

    def read_head() -> None:
        store = kept.borrow()
        with store.reading() as reader:
            heads.append(reader.head()[0])
        kept.give_back(store)

    for target in (read_head, kept.close):
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    assert heads and heads[0] > 0
    assert not kept.alive and kept.borrow() is None
