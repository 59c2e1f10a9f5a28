"""`rebuild` replays `entries` into identical projections (credentials untouched); `backup` copies a
ledger that opens and verifies with the same head, and never overwrites a file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ledger import audit, auth
from ledger.refusals import Outcome, Refused
from ledger.store import LedgerExists, open_store, schema

from book_support import PINS, TODAY


@pytest.fixture
def day(open_book):
    """alice's whole day: receipts, a collection, a payout, warrants, a spoil, a reversal, a count and
    a sign-off by tess (not sam, who authorised the reversal), banking; bob fails his PIN twice."""
    ledger, alice = open_book.ledger, open_book.alice
    wrong = ledger.record_receipt(alice, amount_pence=1250, method="cash", code="INC1", payer="Mrs Ünal")
    ledger.record_receipt(alice, amount_pence=700, method="cheque", code="INC1", payer="J Smith",
                          reference="REF-9", description="Licence fee")
    ledger.collect_debt(alice, debtor_ref="DR-1", amount_pence=3000, method="cash")
    ledger.collect_debt(alice, debtor_ref="DR-2", amount_pence=1000, method="cash")
    ledger.record_payout(alice, amount_pence=450, code="EXP1", payee="Corner Shop", purpose="Milk")
    ledger.issue_warrant(alice, recipient="K Marsh", journey="Leeds to York", value_pence=1800, code="TW1",
                         case_ref="C-1")
    ledger.issue_warrant(alice, recipient="T Ojo", journey="York to Hull", value_pence=900, code="TW1",
                         ticket="return")
    ledger.spoil_warrant(alice, serial=1002, reason="Torn in the printer")
    ledger.reverse(open_book.sam, seq=wrong.seq, reason="Wrong payer", authoriser=open_book.sam)
    for _ in range(2):
        with pytest.raises(Refused):
            ledger.authenticate("bob", "000000")
    ledger.declare_count(alice, denominations={5000: 1, 2000: 1, 1000: 1, 500: 1, 50: 1}, cheques_counted=1)
    ledger.sign_off(open_book.tess, officer="alice", business_date=TODAY)
    ledger.bank(open_book.sam, officer="alice", business_date=TODAY, bag="BAG-0042")
    return open_book


def projections(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every projection table, each ordered by all its columns."""
    dumped = {}
    for name in schema.PROJECTIONS:
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')]
        assert columns, f"projection {name} is missing"
        order = ", ".join(f'"{column}"' for column in columns)
        dumped[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()
    return dumped


def schema_sql(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


# -- rebuild -------------------------------------------------------------------------------
def test_the_day_touches_every_projection(day):
    """Guards the comparisons below against passing on empty tables."""
    tables = projections(day.ledger.store.conn)
    touched = ("users", "codes", "settings", "sessions", "postings", "counter_entries", "receipts", "debtors",
               "warrants")
    assert all(tables[name] for name in touched), {name: len(rows) for name, rows in tables.items()}
    with day.ledger.store.reading() as reader:
        assert reader.session("alice", TODAY)["state"] == "signed_off"
        assert reader.session("alice", TODAY)["bag"] == "BAG-0042"
        assert reader.user("bob")["failures"] == 2
        assert reader.warrants_by_status() == {"issued": 2, "spoiled": 1, "stock": 7}


def test_rebuild_yields_identical_projections(day):
    conn = day.ledger.store.conn
    before, shape = projections(conn), schema_sql(conn)
    with day.ledger.store.reading() as reader:
        entries = reader.count_entries()
    assert day.ledger.store.rebuild() == entries
    assert projections(conn) == before
    assert schema_sql(conn) == shape


def test_rebuild_is_seen_identically_by_a_fresh_connection(day):
    before = projections(day.ledger.store.conn)
    day.ledger.store.rebuild()
    with open_store(day.path) as other:
        assert projections(other.conn) == before


def test_rebuild_keeps_credentials_and_pins_still_authenticate(day):
    conn = day.ledger.store.conn
    credentials = conn.execute("SELECT * FROM credentials ORDER BY username").fetchall()
    day.ledger.store.rebuild()
    assert conn.execute("SELECT * FROM credentials ORDER BY username").fetchall() == credentials
    assert len(credentials) == len(PINS)
    for username in ("alice", "sam", "adam"):
        assert day.ledger.authenticate(username, PINS[username]).username == username
    with pytest.raises(Refused) as refused:
        day.ledger.authenticate("alice", "000000")
    assert refused.value.outcome is Outcome.SIGN_IN_FAILED


def test_rebuild_leaves_entries_and_their_guard_alone(day):
    conn = day.ledger.store.conn
    entries = conn.execute("SELECT * FROM entries ORDER BY seq").fetchall()
    day.ledger.store.rebuild()
    assert conn.execute("SELECT * FROM entries ORDER BY seq").fetchall() == entries
    assert audit.verify(day.ledger.store).ok
    other = raw(day.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            other.execute("DELETE FROM entries WHERE seq = 1")
    finally:
        other.close()


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE postings SET amount_pence = amount_pence + 1 "
        "WHERE rowid = (SELECT min(rowid) FROM postings WHERE account = 'Assets:Till:alice')",
        "UPDATE users SET roles = 'officer,supervisor' WHERE username = 'alice'",
        "UPDATE sessions SET state = 'open' WHERE officer = 'alice'",
        "DELETE FROM warrants WHERE serial = 1002",
        "INSERT INTO receipts (receipt_no, seq) VALUES (99, 1)",
        "UPDATE counter_entries SET reversed_by = NULL",
        "UPDATE debtors SET collected_pence = 0",
        "DELETE FROM settings",
        "DELETE FROM codes WHERE code = 'TW1'",
        "DROP TABLE postings",
    ],
    ids=["posting", "user", "session", "warrant", "receipt", "counter", "debtor", "setting", "code", "dropped"],
)
def test_rebuild_restores_a_projection_altered_by_hand(day, damage):
    before = projections(day.ledger.store.conn)
    other = raw(day.path)
    other.execute(damage)
    other.close()
    if not damage.startswith("DROP"):
        assert projections(day.ledger.store.conn) != before  # the control: the damage is visible
    day.ledger.store.rebuild()
    assert projections(day.ledger.store.conn) == before


def test_rebuild_projections_still_drive_the_rules(day):
    """After a rebuild the limit, the closed day and the next receipt number come from the new tables."""
    day.ledger.store.rebuild()
    with pytest.raises(Refused) as refused:
        day.ledger.record_receipt(day.alice, amount_pence=100, method="cash", code="INC1", payer="J Smith")
    assert refused.value.outcome in (Outcome.NO_OPEN_SESSION, Outcome.DAY_CLOSED)
    day.ledger.open_session(day.bob, 1000)
    posted = day.ledger.record_receipt(day.bob, amount_pence=100, method="cash", code="INC1", payer="J Smith")
    assert posted.body["receipt_no"] == 3


# -- backup --------------------------------------------------------------------------------
def test_backup_opens_and_verifies_with_the_same_head(day, tmp_path):
    dest = day.ledger.store.backup(tmp_path / "copy.db")
    assert dest == tmp_path / "copy.db"
    original = audit.verify(day.ledger.store)
    with open_store(dest) as copy:
        verdict = audit.verify(copy)
        copied_projections = projections(copy.conn)
        credentials = copy.conn.execute("SELECT * FROM credentials ORDER BY username").fetchall()
    assert original.ok and verdict.ok
    assert verdict.head == original.head
    assert verdict.entries == original.entries > 20
    assert copied_projections == projections(day.ledger.store.conn)
    assert credentials == day.ledger.store.conn.execute("SELECT * FROM credentials ORDER BY username").fetchall()


def test_backup_refuses_an_existing_destination_and_leaves_it_alone(day, tmp_path):
    dest = tmp_path / "precious.db"
    dest.write_bytes(b"yesterday's backup")
    with pytest.raises(LedgerExists, match="already exists"):
        day.ledger.store.backup(dest)
    assert dest.read_bytes() == b"yesterday's backup"


def test_backup_holds_only_committed_entries_while_another_terminal_writes(day, tmp_path):
    with day.ledger.store.reading() as reader:
        head = reader.head()
    other = raw(day.path)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO codes (code, name, type, active) VALUES ('UNCOMMITTED', 'x', 'income', 1)")
        dest = day.ledger.store.backup(tmp_path / "copy.db")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with open_store(dest) as copy, copy.reading() as reader:
        assert reader.head() == head
        assert reader.code("UNCOMMITTED") is None


def test_the_ledger_keeps_working_after_a_backup(day, tmp_path):
    day.ledger.store.backup(tmp_path / "copy.db")
    day.ledger.open_session(day.bob, 1000)
    assert audit.verify(day.ledger.store).ok
    with open_store(tmp_path / "copy.db") as copy, copy.reading() as reader:
        assert reader.open_session("bob") is None
