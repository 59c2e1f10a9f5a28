"""Schema 3: `postings` keyed by account (SQLite keeps it WITHOUT ROWID, so a posting is one b-tree write), the
limit's sum answered from an index alone, and ledgers of schema 2 upgraded in place on both stores; the chain itself
never changes (the demo's head is pinned)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from ledger.audit import verify
from ledger.bank_demo import import_demo_statement
from ledger.book import Ledger
from ledger.demo import build_demo
from ledger.service import Actor
from ledger.store import schema

from book_support import TODAY, build_book

#: The demo ledger built for 24 November 2026, bank statement included, as schema 2's cashdesk built it (its head,
#: taken with that code): a change to how bodies are written or hashed moves this.
DEMO_DAY = date(2026, 11, 24)
DEMO_HEAD = (125, "3da1de62e2ac6cd48011e09ab90497ebba7c446b58ca2ea8dadc97c0a7510ce8")
#: `postings` and its index as schema 2 created them (sqlite-utils' DDL, copied from such a file).
SCHEMA_2_POSTINGS = (
    'CREATE TABLE "postings" (\n   "seq" INTEGER NOT NULL,\n   "account" TEXT NOT NULL,\n'
    '   "amount_pence" INTEGER NOT NULL,\n   "business_date" TEXT\n)',
    'CREATE INDEX "idx_postings_account_business_date"\n    ON "postings" ("account", "business_date")',
)
#: counter_entries' index as schema 2 made it, and schema 3's.
OLD_INDEX, NEW_INDEX = "idx_counter_entries_officer_business_date", "idx_counter_entries_limit"
POSTINGS_IN_ORDER = "SELECT account, business_date, seq, n, amount_pence FROM postings ORDER BY seq, n"


def demo_head(location) -> tuple[int, str]:
    with build_demo(location, today=DEMO_DAY) as demo:
        import_demo_statement(demo, Actor("sam", frozenset({"supervisor"})))
        with demo.store.reading() as reader:
            return reader.head()


def busy_book(location):
    """The test book with a day's postings: a float, receipts, a collection, and a reversal (postings negated)."""
    book = build_book(location)
    ledger = book.ledger
    ledger.open_session(book.alice, 5000)
    first = ledger.record_receipt(book.alice, amount_pence=1250, method="cash", code="INC1", payer="A Payer")
    ledger.record_receipt(book.alice, amount_pence=700, method="cheque", code="INC1", payer="B Payer")
    ledger.collect_debt(book.alice, debtor_ref="DR-1", amount_pence=2500, method="cash")
    ledger.reverse(book.sam, seq=first.seq, reason="keyed twice", authoriser=book.sam)
    return book


def expected_postings(ledger: Ledger) -> list[tuple]:
    """Every posting as the entries themselves hold them, in their order: what the projection must say."""
    with ledger.store.reading() as reader:
        return [(posting["account"], entry.business_date, entry.seq, n, posting["amount_pence"])
                for entry in reader.iter_entries()
                for n, posting in enumerate(entry.body_dict().get("postings", ()))]


# -- the chain does not move ---------------------------------------------------------------
def test_the_demo_of_a_fixed_day_has_the_chain_it_always_had(tmp_path):
    assert demo_head(tmp_path / "demo.db") == DEMO_HEAD


@pytest.mark.postgresql
def test_the_demo_on_postgresql_has_the_same_chain(pg_url):
    assert demo_head(pg_url) == DEMO_HEAD


# -- the new shape -------------------------------------------------------------------------
def test_a_new_sqlite_ledger_keeps_postings_by_account_without_rowid(tmp_path):
    book = busy_book(tmp_path / "ledger.db")
    conn = book.ledger.store.conn
    (ddl,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'postings'").fetchone()
    assert ddl.endswith("PRIMARY KEY (account, business_date, seq, n)) WITHOUT ROWID")
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'postings'"
                        ).fetchone() == (0,)  # the key is the table: no index beside it to write
    plan = " ".join(row[3] for row in conn.execute(
        "EXPLAIN QUERY PLAN SELECT coalesce(sum(amount_pence), 0) FROM postings WHERE account = ? AND business_date = ?",
        ("Assets:Till:alice", "2026-11-23")))
    assert "USING PRIMARY KEY (account=? AND business_date=?)" in plan
    assert conn.execute(POSTINGS_IN_ORDER).fetchall() == expected_postings(book.ledger)
    book.ledger.close()


def test_the_limit_used_is_summed_from_an_index_alone(open_book):
    ledger, alice = open_book.ledger, open_book.alice
    ledger.record_receipt(alice, amount_pence=1250, method="cash", code="INC1", payer="A Payer")
    ledger.record_payout(alice, amount_pence=300, code="EXP1", payee="A Payee", purpose="Stamps")
    conn = ledger.store.conn
    plan = " ".join(row[3] for row in conn.execute(
        "EXPLAIN QUERY PLAN SELECT coalesce(sum(limit_pence), 0) FROM counter_entries "
        "WHERE officer = ? AND business_date = ? AND reversed_by IS NULL", ("alice", TODAY)))
    assert f"USING COVERING INDEX {NEW_INDEX}" in plan
    with ledger.store.reading() as reader:
        assert reader.limit_state("alice", TODAY) == (1550, reader.setting_for("daily_limit_pence", "alice"))


# -- upgrading a schema 2 ledger -----------------------------------------------------------
def as_schema_2_sqlite(path) -> list[tuple]:
    """Turn a ledger file back into what schema 2 wrote: postings in a rowid table, inserted entry by entry in
    each entry's order; returns the rows (without `n`) in that order."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        rows = conn.execute("SELECT seq, account, amount_pence, business_date FROM postings ORDER BY seq, n").fetchall()
        conn.execute("BEGIN")
        conn.execute("DROP TABLE postings")
        for statement in SCHEMA_2_POSTINGS:
            conn.execute(statement)
        conn.executemany("INSERT INTO postings (seq, account, amount_pence, business_date) VALUES (?, ?, ?, ?)", rows)
        conn.execute(f"DROP INDEX {NEW_INDEX}")
        conn.execute(f"CREATE INDEX {OLD_INDEX} ON counter_entries (officer, business_date)")
        conn.execute("PRAGMA user_version = 2")
        conn.execute("COMMIT")
    finally:
        conn.close()
    return rows


def test_a_schema_2_sqlite_ledger_gets_keyed_postings_when_opened(tmp_path):
    book = busy_book(tmp_path / "ledger.db")
    expected = expected_postings(book.ledger)
    book.ledger.close()
    as_schema_2_sqlite(book.path)
    conn = sqlite3.connect(book.path)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(postings)")]
    indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert "n" not in columns and OLD_INDEX in indexes  # the control: the file really is in schema 2's shape

    with Ledger.open(book.path, clock=book.clock, terminal="test:t2") as ledger:
        store = ledger.store
        assert store.conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA_VERSION,) == (3,)
        assert store.conn.execute(POSTINGS_IN_ORDER).fetchall() == expected
        assert store.conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'postings_%' "
                                  "OR name = 'idx_postings_account_business_date'").fetchall() == []
        indexes = {name for (name,) in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'counter_entries'")}
        assert NEW_INDEX in indexes and OLD_INDEX not in indexes
        posted = ledger.record_receipt(book.alice, amount_pence=300, method="cash", code="INC1", payer="C Payer")
        assert store.conn.execute(POSTINGS_IN_ORDER).fetchall() == expected_postings(ledger)
        upgraded = store.conn.execute(POSTINGS_IN_ORDER).fetchall()
        store.rebuild()
        assert store.conn.execute(POSTINGS_IN_ORDER).fetchall() == upgraded
        verdict = verify(store)
    assert verdict.ok and verdict.head_seq == posted.seq


@pytest.mark.postgresql
def test_a_schema_2_postgresql_ledger_gets_keyed_postings_when_opened(pg_cluster, pg_url):
    import psycopg

    auditor = pg_cluster.create_login_role("auditor")
    book = busy_book(pg_url)
    expected = expected_postings(book.ledger)
    book.ledger.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:  # back to schema 2: no place column, no key
        conn.execute("DROP TABLE postings")
        conn.execute('CREATE TABLE postings (seq BIGINT NOT NULL, account TEXT COLLATE "C" NOT NULL, '
                     'amount_pence BIGINT NOT NULL, business_date TEXT COLLATE "C")')
        conn.execute("CREATE INDEX idx_postings_account_business_date ON postings (account, business_date)")
        conn.cursor().executemany("INSERT INTO postings VALUES (%s, %s, %s, %s)",
                                  [(seq, account, pence, day) for account, day, seq, _, pence in expected])
        conn.execute(f"DROP INDEX {NEW_INDEX}")
        conn.execute(f"CREATE INDEX {OLD_INDEX} ON counter_entries (officer, business_date)")
        conn.execute("UPDATE cashdesk_meta SET value = '2' WHERE key = 'schema_version'")
        conn.execute("REVOKE ALL ON postings FROM cashdesk_app")
        conn.execute(f"GRANT SELECT ON postings TO {auditor}")  # as an owner grants an auditor (OPERATIONS.md)
        assert conn.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'postings' "
                            "AND column_name = 'n'").fetchone() == (0,)  # the control

    with Ledger.open(pg_url, clock=book.clock, terminal="test:t2") as ledger:
        conn = ledger.store.conn
        assert conn.execute(POSTINGS_IN_ORDER).fetchall() == expected
        assert conn.execute("SELECT value FROM cashdesk_meta WHERE key = 'schema_version'").fetchone() == ("3",)
        assert conn.execute("SELECT has_table_privilege('cashdesk_app', 'postings', 'INSERT')").fetchone() == (True,)
        assert conn.execute("SELECT has_table_privilege(?, 'postings', 'SELECT')", (auditor,)).fetchone() == (True,)
        assert conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'postings'").fetchall() == [
            ("postings_pkey",)]
        assert {name for (name,) in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'counter_entries'")
                } == {"counter_entries_pkey", NEW_INDEX}
        posted = ledger.record_receipt(book.alice, amount_pence=300, method="cash", code="INC1", payer="C Payer")
        assert conn.execute(POSTINGS_IN_ORDER).fetchall() == expected_postings(ledger)
        verdict = verify(ledger.store)
    assert verdict.ok and verdict.head_seq == posted.seq
