"""The PostgreSQL store's own promises, on a real server (the `pg_cluster` fixture): what the database itself
refuses (the append-only and chain-head triggers, the application role's missing privileges), what a database
that is empty, a stranger's or newer is told, and how the store's SQL is handed to psycopg. The promises both
stores keep are in the other storage tests; the server going away in test_pg_faults.py. Each test that shows
a refusal names its negative control."""

from __future__ import annotations

import psycopg
import pytest

from ledger import audit
from ledger.book import Ledger
from ledger.store import LedgerMissing, LedgerUnusable, ledger_exists, open_store, schema
from ledger.store import pg_schema, postgres
from ledger.store.pg_errors import LedgerUnreachable

from book_support import PINS, build_book
from store_support import Raw, dbname, dump_all, head, receipt

pytestmark = pytest.mark.postgresql


# -- what the database refuses, whoever asks ----------------------------------------------------------------
@pytest.mark.parametrize("statement, refusal", [
    ("TRUNCATE entries", "append-only"),
    ("TRUNCATE entries CASCADE", "append-only"),
    ("UPDATE chain_head SET seq = 0", "moves only with an entry"),
    ("DELETE FROM chain_head", "moves only with an entry"),
])
def test_the_owner_can_neither_truncate_entries_nor_move_the_head_by_hand(pg_book, statement, refusal):
    """UPDATE and DELETE on entries: test_store.py, on both stores. The owner has every privilege: the triggers
    alone stop it."""
    before = dump_all(pg_book.path, ["entries", "chain_head"])
    with Raw(pg_book.path) as owner:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match=refusal):
            owner.execute(statement)
        owner.execute("BEGIN")  # negative control: the same owner may empty a projection (rolled back)
        owner.execute("TRUNCATE postings")
        assert owner.execute("SELECT count(*) FROM postings") == [(0,)]
        owner.execute("ROLLBACK")
    assert dump_all(pg_book.path, ["entries", "chain_head"]) == before
    assert audit.verify(pg_book.ledger.store).ok


def _entry_after(location, *, seq_step: int = 1, prev_hash: str | None = None) -> tuple:
    seq, hash_ = head(location)
    return (seq + seq_step, f"forged-{seq}", "receipt_recorded", "2026-11-23T10:00:00Z", "2026-11-23", "alice",
            "test:t1", "{}", hash_ if prev_hash is None else prev_hash, "f" * 64)


INSERT = ("INSERT INTO entries (seq, entry_id, kind, recorded_at, business_date, actor, terminal, body, prev_hash, "
          "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


@pytest.mark.parametrize("forged", [
    {"prev_hash": "0" * 64},  # the right seq on another chain: a fork
    {"seq_step": 2},  # a gap
    {"seq_step": 0, "prev_hash": "0" * 64},  # the head's own seq again (its unique key would catch it too)
], ids=["fork", "gap", "same-seq"])
def test_the_chain_head_trigger_refuses_an_entry_that_does_not_extend_the_head(pg_book, forged):
    """A writer that forgot the head's lock, or wrote by hand, cannot fork or gap the chain."""
    before = dump_all(pg_book.path, ["entries", "chain_head"])
    with Raw(pg_book.path) as owner:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="does not extend the chain head"):
            owner.execute(INSERT, _entry_after(pg_book.path, **forged))
        # Negative control: an entry that does extend the head gets past the trigger (and moves the head).
        owner.execute("BEGIN")
        extending = _entry_after(pg_book.path)
        owner.execute(INSERT, extending)
        assert owner.execute("SELECT seq, hash FROM chain_head") == [(extending[0], extending[-1])]
        owner.execute("ROLLBACK")
    assert dump_all(pg_book.path, ["entries", "chain_head"]) == before


# -- the application's role ---------------------------------------------------------------------------------
@pytest.fixture
def counter_role(pg_cluster, pg_book) -> str:
    """A login role for a counter, a member of cashdesk_app (created by the store with the ledger)."""
    assert pg_cluster.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{pg_schema.APP_ROLE}'") == [(1,)]
    return pg_cluster.create_login_role("counter", member_of=pg_schema.APP_ROLE)


def test_the_application_role_posts_through_cashdesk_but_may_not_update_delete_or_truncate(
        pg_cluster, pg_book, counter_role):
    url = pg_cluster.url(dbname(pg_book.path), user=counter_role)
    with Ledger.open(url) as ledger:  # it can post, read, rebuild and verify through cashdesk
        ledger.authenticate("alice", PINS["alice"])
        posted = receipt(ledger, pg_book.alice)
        assert ledger.store.rebuild() == posted.seq
        assert audit.verify(ledger.store).ok
    assert head(pg_book.path)[0] == posted.seq
    before = dump_all(pg_book.path, ["entries"])
    with Raw(url) as counter:
        for statement in ("UPDATE entries SET body = '{}' WHERE seq = 1", "DELETE FROM entries WHERE seq = 1",
                          "TRUNCATE entries"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                counter.execute(statement)
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="moves only with an entry"):
            counter.execute("UPDATE chain_head SET seq = 1")  # it may UPDATE the head only through the trigger
        # Negative control: the privileges are what stop it, not the triggers (the owner meets those instead).
        assert counter.execute("SELECT count(*) FROM entries") == [(posted.seq,)]
    with Raw(pg_book.path) as owner, pytest.raises(psycopg.errors.IntegrityConstraintViolation):
        owner.execute("DELETE FROM entries WHERE seq = 1")
    assert dump_all(pg_book.path, ["entries"]) == before


def test_a_role_outside_cashdesk_app_cannot_open_the_ledger_and_is_told_in_one_line(pg_cluster, pg_book):
    """Negative control for the grants: without membership, the same login gets nowhere."""
    stranger = pg_cluster.create_login_role("stranger")
    with pytest.raises(LedgerUnusable) as refused:
        Ledger.open(pg_cluster.url(dbname(pg_book.path), user=stranger))
    assert "may not do that" in str(refused.value) and "\n" not in str(refused.value)


def test_the_application_role_cannot_recreate_a_dropped_projection_and_says_so(pg_cluster, pg_book, counter_role):
    """Rebuild creates a dropped projection as the owner; the application's role may not create tables."""
    pg_cluster.psql("DROP TABLE postings", pg_book.path)
    url = pg_cluster.url(dbname(pg_book.path), user=counter_role)
    with open_store(url) as store, pytest.raises(LedgerUnusable, match="may not do that"):
        store.rebuild()
    with open_store(pg_book.path) as store:  # control: the owner's rebuild brings it back
        assert store.rebuild() == head(pg_book.path)[0]
    with Raw(pg_book.path) as raw:
        assert "postings" in raw.tables()


# -- what is in the database ------------------------------------------------------------------------------------
def test_an_empty_database_is_ledger_missing_and_stays_empty(pg_url):
    with pytest.raises(LedgerMissing, match="no ledger in"):
        open_store(pg_url)
    assert not ledger_exists(pg_url)
    with Raw(pg_url) as raw:
        assert raw.tables() == []
    build_book(pg_url).ledger.close()  # negative control: the same database with a ledger in it
    assert ledger_exists(pg_url)
    open_store(pg_url).close()


def test_a_database_that_does_not_exist_is_unreachable_in_one_line(pg_cluster, pg_url):
    url = pg_url.replace(f"/{dbname(pg_url)}?", "/no_such_db?")
    with pytest.raises(LedgerUnreachable, match='database "no_such_db" does not exist') as refused:
        open_store(url)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("tables", [
    ["CREATE TABLE entries (seq int PRIMARY KEY, body text)", "INSERT INTO entries VALUES (1, 'theirs')"],
    ["CREATE TABLE cashdesk_meta (key text PRIMARY KEY, value text)",
     "INSERT INTO cashdesk_meta VALUES ('application', 'payroll'), ('schema_version', '1')"],
], ids=["other-tables", "other-meta"])
def test_a_strangers_tables_are_refused_for_opening_and_for_a_new_ledger(pg_url, tables):
    with Raw(pg_url) as raw:
        for statement in tables:
            raw.execute(statement)
        theirs = raw.dump()
    with pytest.raises(LedgerUnusable, match="is not a cashdesk ledger"):
        open_store(pg_url)
    with pytest.raises(LedgerUnusable, match="is not a cashdesk ledger"):
        build_book(pg_url)
    assert dump_all(pg_url) == theirs  # nothing of cashdesk's was added, nothing of theirs touched


def test_a_ledger_from_a_newer_cashdesk_is_refused_and_left_as_it_is(pg_book):
    """Negative control: the same ledger at this cashdesk's schema opens."""
    pg_book.ledger.close()
    open_store(pg_book.path).close()
    with Raw(pg_book.path) as owner:
        owner.execute("UPDATE cashdesk_meta SET value = ? WHERE key = 'schema_version'", (str(schema.SCHEMA_VERSION + 1),))
    before = dump_all(pg_book.path)
    for read_only in (False, True):
        with pytest.raises(LedgerUnusable, match=f"newer cashdesk \\(schema {schema.SCHEMA_VERSION + 1}\\)") as refused:
            Ledger.open(pg_book.path, read_only=read_only)
        assert "\n" not in str(refused.value)
    assert dump_all(pg_book.path) == before


# -- the store's SQL as psycopg's -------------------------------------------------------------------------------
def test_to_psycopg_doubles_percent_signs_and_turns_question_marks_into_placeholders():
    assert postgres.to_psycopg("SELECT * FROM codes WHERE code LIKE ? AND name LIKE '50%'") == (
        "SELECT * FROM codes WHERE code LIKE %s AND name LIKE '50%%'")
    assert postgres.to_psycopg("VALUES (?, ?, ?)") == "VALUES (%s, %s, %s)"
    assert postgres.to_psycopg("SELECT 1") == "SELECT 1"


def test_the_store_connection_sends_a_literal_percent_and_its_parameters_as_written(pg_url):
    """Negative control: the same SQL handed to psycopg unchanged is refused (psycopg reads `%'` as a placeholder)."""
    conn = postgres._connect(pg_url, durable=True, read_only=False)
    try:
        assert conn.execute("SELECT ? || '%', ? LIKE '5%'", ("50", "55")).fetchone() == ("50%", True)
        with pytest.raises(psycopg.ProgrammingError):
            conn.raw.execute("SELECT %s || '%', %s LIKE '5%'", ("50", "55"))
    finally:
        conn.close()
