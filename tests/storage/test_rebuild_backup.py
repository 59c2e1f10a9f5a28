"""`rebuild` replays `entries` into identical projections (credentials untouched); `backup` copies a
ledger that opens and verifies with the same head, and never overwrites a file. Every test runs on both
stores (`store_open_book`); a PostgreSQL ledger's backup is what `cashdesk backup` makes of it, a verified
SQLite copy."""

from __future__ import annotations

import json

import pytest

from ledger import audit
from ledger.copying import copy_ledger
from ledger.refusals import Outcome, Refused
from ledger.store import LedgerExists, open_store, schema

from book_support import PINS, TODAY
from store_support import Raw


@pytest.fixture
def day(store_open_book):
    """alice's whole day: receipts, a collection, a payout, warrants, a spoil, a reversal, a count and
    a sign-off by tess (not sam, who authorised the reversal), banking; bob fails his PIN twice."""
    open_book = store_open_book
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


def projections(location) -> dict[str, list[tuple]]:
    """Every projection table, each ordered by all its columns (read on a connection of its own)."""
    with Raw(location) as raw:
        return raw.dump(schema.PROJECTIONS)


def meaning(location) -> dict[str, list]:
    """The projections as either store means them, to compare across stores: a PostgreSQL setting's JSON text
    read as its value (dialect.PostgresDialect.setting_in), the rows in one order whatever the collation."""
    dumped = projections(location)
    if isinstance(location, str):
        dumped["settings"] = [(key, scope, json.loads(value)) for key, scope, value in dumped["settings"]]
    return {name: sorted(rows, key=repr) for name, rows in dumped.items()}


def credentials(location) -> list[tuple]:
    with Raw(location) as raw:
        return raw.rows("credentials")


def entries(location) -> list[tuple]:
    with Raw(location) as raw:
        return raw.rows("entries")


def backup(store, dest):
    """What `cashdesk backup` makes: SQLite's online backup of a file; of a PostgreSQL ledger, a SQLite copy."""
    if store.kind == "sqlite":
        return store.backup(dest)
    copy_ledger(store, dest)
    return dest


# -- rebuild -------------------------------------------------------------------------------
def test_the_day_touches_every_projection(day):
    """Guards the comparisons below against passing on empty tables."""
    tables = projections(day.path)
    touched = ("users", "codes", "settings", "sessions", "postings", "counter_entries", "receipts", "debtors",
               "warrants")
    assert all(tables[name] for name in touched), {name: len(rows) for name, rows in tables.items()}
    with day.ledger.store.reading() as reader:
        assert reader.session("alice", TODAY)["state"] == "signed_off"
        assert reader.session("alice", TODAY)["bag"] == "BAG-0042"
        assert reader.user("bob")["failures"] == 2
        assert reader.warrants_by_status() == {"issued": 2, "spoiled": 1, "stock": 7}


def test_rebuild_yields_identical_projections(day):
    before = projections(day.path)
    with Raw(day.path) as raw:
        shape = raw.shape()
    with day.ledger.store.reading() as reader:
        count = reader.count_entries()
    assert day.ledger.store.rebuild() == count
    assert projections(day.path) == before
    with Raw(day.path) as raw:
        assert raw.shape() == shape


def test_rebuild_is_seen_identically_by_the_stores_own_connection_and_a_fresh_one(day):
    before = projections(day.path)
    day.ledger.store.rebuild()
    with day.ledger.store.reading() as reader:
        assert reader.warrants_by_status() == {"issued": 2, "spoiled": 1, "stock": 7}
    with open_store(day.path) as other, other.reading() as reader:
        assert reader.user("bob")["failures"] == 2
    assert projections(day.path) == before


def test_rebuild_keeps_credentials_and_pins_still_authenticate(day):
    kept = credentials(day.path)
    day.ledger.store.rebuild()
    assert credentials(day.path) == kept
    assert len(kept) == len(PINS)
    for username in ("alice", "sam", "adam"):
        assert day.ledger.authenticate(username, PINS[username]).username == username
    with pytest.raises(Refused) as refused:
        day.ledger.authenticate("alice", "000000")
    assert refused.value.outcome is Outcome.SIGN_IN_FAILED


def test_rebuild_leaves_entries_and_their_guard_alone(day):
    before = entries(day.path)
    day.ledger.store.rebuild()
    assert entries(day.path) == before
    assert audit.verify(day.ledger.store).ok
    with Raw(day.path) as other:
        with pytest.raises(other.refused, match="append-only"):
            other.execute("DELETE FROM entries WHERE seq = 1")


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE postings SET amount_pence = amount_pence + 1 WHERE account = 'Assets:Till:alice' "
        "AND seq = (SELECT min(seq) FROM postings WHERE account = 'Assets:Till:alice')",
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
    before = projections(day.path)
    with Raw(day.path) as other:
        other.execute(damage)
        if damage.startswith("DROP"):
            assert "postings" not in other.tables()  # the control: the table is gone
    if not damage.startswith("DROP"):
        assert projections(day.path) != before  # the control: the damage is visible
    day.ledger.store.rebuild()
    assert projections(day.path) == before


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
    dest = backup(day.ledger.store, tmp_path / "copy.db")
    assert dest == tmp_path / "copy.db"
    original = audit.verify(day.ledger.store)
    with open_store(dest) as copy:
        verdict = audit.verify(copy)
    assert original.ok and verdict.ok
    assert verdict.head == original.head
    assert verdict.entries == original.entries > 20
    assert entries(dest) == entries(day.path)
    assert meaning(dest) == meaning(day.path)
    assert credentials(dest) == credentials(day.path)
    assert day.ledger.authenticate("alice", PINS["alice"]).username == "alice"


def test_backup_refuses_an_existing_destination_and_leaves_it_alone(day, tmp_path):
    dest = tmp_path / "precious.db"
    dest.write_bytes(b"yesterday's backup")
    with pytest.raises(LedgerExists, match="already exists"):
        backup(day.ledger.store, dest)
    assert dest.read_bytes() == b"yesterday's backup"


def test_backup_holds_only_committed_entries_while_another_terminal_writes(day, tmp_path):
    with day.ledger.store.reading() as reader:
        head = reader.head()
    with Raw(day.path) as other:
        other.execute(other.begin)
        try:
            other.execute("INSERT INTO codes (code, name, type, active) VALUES ('UNCOMMITTED', 'x', 'income', 1)")
            assert other.execute("SELECT count(*) FROM codes WHERE code = 'UNCOMMITTED'") == [(1,)]  # control
            dest = backup(day.ledger.store, tmp_path / "copy.db")
        finally:
            other.execute("ROLLBACK")
    with open_store(dest) as copy, copy.reading() as reader:
        assert reader.head() == head
        assert reader.code("UNCOMMITTED") is None
        assert reader.code("TW1") is not None


def test_the_ledger_keeps_working_after_a_backup(day, tmp_path):
    backup(day.ledger.store, tmp_path / "copy.db")
    day.ledger.open_session(day.bob, 1000)
    assert audit.verify(day.ledger.store).ok
    with open_store(tmp_path / "copy.db") as copy, copy.reading() as reader:
        assert reader.open_session("bob") is None
