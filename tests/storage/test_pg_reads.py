"""Two PostgreSQL store faults found by running the CLI tests on both stores, each held here at the store:

- a read over every entry that stops early (verify, at the first bad entry) left libpq's single-row stream
  holding the connection, and the COMMIT after it waited for ever: `cashdesk verify` of a tampered ledger hung;
- the tables an `init` refused (a short PIN) leaves in the database were taken for a ledger of 0 entries:
  `demo` then announced "the existing ledger" and PINs nobody could sign in with.
"""

from __future__ import annotations

import threading

import psycopg
import pytest

from book_support import PINS, build_book
from ledger import audit
from ledger.book import Ledger
from ledger.refusals import Refused
from ledger.store import LedgerMissing, ledger_exists, open_store

pytestmark = pytest.mark.postgresql

#: How long a person would wait for a read before calling it hung (a bound on a hang, never a timing assertion).
PATIENCE_S = 60.0


def finishes(work) -> object:
    """`work()`'s result; a read that never ends fails the test instead of hanging the run."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(PATIENCE_S)
    assert not thread.is_alive(), "the read never ended: an unfinished stream holds the connection"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def tamper(url: str, seq: int) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("ALTER TABLE entries DISABLE TRIGGER USER")
        conn.execute("UPDATE entries SET body = body || ' ' WHERE seq = %s", (seq,))


@pytest.fixture
def book(pg_url):
    built = build_book(pg_url)
    yield built
    built.ledger.close()


def test_verify_stops_at_the_first_bad_entry_and_the_store_reads_and_writes_on(book, pg_url):
    with book.ledger.store.reading() as reader:
        count, _hash = reader.head()
    assert count > 10
    tamper(pg_url, 3)
    verdict = finishes(lambda: audit.verify(book.ledger.store))
    assert (verdict.ok, verdict.first_bad_seq, verdict.entries) == (False, 3, 2)
    with book.ledger.store.reading() as reader:
        assert reader.head()[0] == count
    book.ledger.open_session(book.alice, 5000)
    assert finishes(lambda: audit.verify(book.ledger.store)).first_bad_seq == 3


def test_other_reads_may_run_while_a_stream_is_part_read(book):
    def interleaved():
        with book.ledger.store.reading() as reader:
            entries = reader.iter_entries()
            first = next(entries)
            head = reader.head()
            second = next(entries)
        return first.seq, second.seq, head[0]

    first, second, head = finishes(interleaved)
    assert (first, second) == (1, 2) and head > 2
    with book.ledger.store.reading() as reader:  # the unfinished stream ended with its transaction
        assert reader.head()[0] == head


def test_the_tables_a_refused_init_leaves_are_no_ledger(pg_url):
    with pytest.raises(Refused):
        Ledger.create(pg_url, office="Riverside", admin="root", pin="123")
    tables = psycopg.connect(pg_url, autocommit=True)
    with tables:
        assert tables.execute("SELECT count(*) FROM entries").fetchone()[0] == 0  # kept: a database keeps its tables
    assert ledger_exists(pg_url) is False
    with pytest.raises(LedgerMissing, match="without an entry"):
        open_store(pg_url)
    created = Ledger.create(pg_url, office="Riverside", admin="root", pin=PINS["adam"])
    with created:
        assert created.authenticate("root", PINS["adam"]).username == "root"
    assert ledger_exists(pg_url) is True
