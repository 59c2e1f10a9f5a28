"""Storage tests on real ledgers: the append-only guard, refused writes leaving nothing behind, a read's one
snapshot, every append in the store's write lock, idempotency — each on both stores (`store_book`: a SQLite file, then a PostgreSQL
database). The PRAGMAs, opening refusals of files, the real mount table and file modes are the SQLite file's
own and run on SQLite only; PostgreSQL's counterparts are in test_pg_store.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import ledger.store.sqlite as store_sqlite
from ledger import auth
from ledger.audit import verify
from ledger.book import Ledger
from ledger.refusals import Outcome, Refused
from ledger.service import Actor
from ledger.store import (
    LedgerMissing, LedgerUnusable, SqliteStore, create_store, open_store, schema,
)

from book_support import TODAY, build_book
from store_support import WRITE_LOCK, Raw, dump_all, trace_connections


def raw(path: Path) -> sqlite3.Connection:
    """A plain connection, as another program (or an attacker) would open the file."""
    return sqlite3.connect(path, isolation_level=None)


def head_of(ledger: Ledger) -> tuple[int, str]:
    with ledger.store.reading() as reader:
        return reader.head()


# -- the append-only guard ----------------------------------------------------------------
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE entries SET body = '{}' WHERE seq = 1",
        "UPDATE entries SET actor = 'mallory' WHERE seq = 2",
        "DELETE FROM entries WHERE seq = 1",
        "DELETE FROM entries",
    ],
)
def test_triggers_abort_every_update_and_delete_on_entries(store_book, statement):
    """On PostgreSQL as the database's owner, whom no privilege stops: the trigger does."""
    before = dump_all(store_book.path)["entries"]
    with Raw(store_book.path) as conn:
        with pytest.raises(conn.refused, match="append-only"):
            conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM entries") == [(len(before),)]  # control: the rows are there
    assert dump_all(store_book.path)["entries"] == before


def test_the_guard_holds_inside_an_explicit_transaction_too(store_book):
    with Raw(store_book.path) as conn:
        conn.execute(conn.begin)
        with pytest.raises(conn.refused, match="append-only"):
            conn.execute("UPDATE entries SET hash = prev_hash")
        conn.execute("ROLLBACK")
        row = conn.execute("SELECT prev_hash, hash FROM entries WHERE seq = 1")[0]
    assert row[0] == "0" * 64 and row[1] != row[0]


# -- PRAGMAs on the store's own connection (SQLite only: a file's journal and sync settings) --------
def _pragmas(store: SqliteStore) -> dict[str, object]:
    return {name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "busy_timeout", "application_id", "user_version")}


def test_created_store_uses_wal_synchronous_full_and_a_busy_timeout(tmp_path):
    with create_store(tmp_path / "new.db") as store:
        pragmas = _pragmas(store)
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["synchronous"] == 2  # FULL
    assert pragmas["busy_timeout"] == store_sqlite.BUSY_TIMEOUT_MS > 0
    assert pragmas["application_id"] == schema.APPLICATION_ID
    assert pragmas["user_version"] == schema.SCHEMA_VERSION


def test_reopened_store_sets_the_same_pragmas(book):
    with open_store(book.path) as store:
        pragmas = _pragmas(store)
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["synchronous"] == 2
    assert pragmas["busy_timeout"] == store_sqlite.BUSY_TIMEOUT_MS


def test_a_new_ledger_has_small_pages_and_an_older_ledgers_pages_are_kept(tmp_path, monkeypatch):
    with create_store(tmp_path / "new.db") as store:
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == store_sqlite.NEW_LEDGER_PAGE_SIZE == 2048
    monkeypatch.setattr(store_sqlite, "NEW_LEDGER_PAGE_SIZE", 4096)  # a ledger written before 2 KiB pages
    older = build_book(tmp_path / "older.db")
    older.ledger.close()
    monkeypatch.undo()
    with Ledger.open(older.path, clock=older.clock, terminal="test:t2") as ledger:
        ledger.open_session(older.alice, 5000)
        posted = ledger.record_receipt(older.alice, amount_pence=1250, method="cash", code="INC1", payer="A Payer")
        verdict = verify(ledger.store)
        assert ledger.store.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert verdict.ok and verdict.head_seq == posted.seq


# -- opening refusals of files (SQLite only; a database's: test_pg_store.py) ------------------------
def test_missing_file_is_ledger_missing_and_nothing_is_created(tmp_path):
    path = tmp_path / "absent.db"
    with pytest.raises(LedgerMissing, match="no ledger at"):
        open_store(path)
    assert not path.exists()


def test_a_plain_sqlite_file_is_not_a_ledger(tmp_path):
    path = tmp_path / "other.db"
    conn = raw(path)
    conn.execute("CREATE TABLE entries (seq INTEGER PRIMARY KEY, body TEXT)")
    conn.close()
    with pytest.raises(LedgerUnusable, match="not a cashdesk ledger"):
        open_store(path)


@pytest.mark.parametrize(
    "content",
    [b"seq,amount\n1,12.50\n", b"", b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["text", "empty", "damaged-header"],
)
def test_a_file_that_is_not_a_ledger_is_unusable(tmp_path, content):
    path = tmp_path / "ledger.db"
    path.write_bytes(content)
    with pytest.raises(LedgerUnusable):
        open_store(path)
    assert path.read_bytes() == content


def test_a_ledger_from_a_newer_cashdesk_is_refused(book):
    conn = raw(book.path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(LedgerUnusable, match="newer"):
        open_store(book.path)


# -- network filesystems, SQLite only (fake mount tables: reliability/test_network_filesystem.py) ----
def _mount_points() -> dict[str, str]:
    points = {}
    for line in Path("/proc/mounts").read_text().splitlines():
        parts = line.split()
        points[parts[1].replace("\\040", " ")] = parts[2]
    return points


def test_filesystem_type_reads_proc_mounts_for_a_real_path(tmp_path):
    fstype = store_sqlite.filesystem_type(tmp_path)
    assert fstype and fstype in set(_mount_points().values())


def test_filesystem_type_picks_the_deepest_mount_point():
    points = _mount_points()
    assert store_sqlite.filesystem_type(Path("/")) == points["/"]
    assert store_sqlite.filesystem_type(Path("/proc")) == points["/proc"] == "proc"
    assert store_sqlite.filesystem_type(Path("/proc/self/status")) == "proc"


# -- a refused write leaves no trace -------------------------------------------------------
def _file_bytes(path: Path) -> dict[str, bytes]:
    return {suffix: Path(f"{path}{suffix}").read_bytes()
            for suffix in ("", "-wal") if Path(f"{path}{suffix}").exists()}


def test_a_receipt_without_a_session_leaves_the_ledger_untouched(book):
    """SQLite: not a byte of the file or its WAL changes."""
    head, tables, files = head_of(book.ledger), dump_all(book.path), _file_bytes(book.path)
    with pytest.raises(Refused) as refused:
        book.ledger.record_receipt(book.alice, amount_pence=1250, method="cash", code="INC1", payer="J Smith")
    assert refused.value.outcome is Outcome.NO_OPEN_SESSION
    assert head_of(book.ledger) == head
    assert dump_all(book.path) == tables
    assert _file_bytes(book.path) == files


def test_a_receipt_without_a_session_changes_no_table_on_either_store(store_book):
    head, tables = head_of(store_book.ledger), dump_all(store_book.path)
    with pytest.raises(Refused) as refused:
        store_book.ledger.record_receipt(store_book.alice, amount_pence=1250, method="cash", code="INC1",
                                         payer="J Smith")
    assert refused.value.outcome is Outcome.NO_OPEN_SESSION
    assert head_of(store_book.ledger) == head
    assert dump_all(store_book.path) == tables
    store_book.ledger.open_session(store_book.alice, 5000)  # control: a write that is kept changes the dump
    assert dump_all(store_book.path) != tables


@pytest.mark.parametrize(
    ("act", "outcome"),
    [
        (lambda b: b.ledger.record_receipt(b.alice, amount_pence=25_001, method="cash", code="INC1",
                                           payer="J Smith"), Outcome.OFFICER_LIMIT_EXCEEDED),
        (lambda b: b.ledger.record_receipt(b.alice, amount_pence=100, method="cash", code="EXP1",
                                           payer="J Smith"), Outcome.CODE_WRONG_TYPE),
        (lambda b: b.ledger.collect_debt(b.alice, debtor_ref="DR-2", amount_pence=4001, method="cash"),
         Outcome.OVERPAYMENT),
        (lambda b: b.ledger.record_payout(b.alice, amount_pence=5001, code="EXP1", payee="Shop",
                                          purpose="Milk"), Outcome.INSUFFICIENT_CASH),
        (lambda b: b.ledger.add_user(b.adam, "alice", ("officer",), "999999"), Outcome.USER_EXISTS),
    ],
    ids=["limit", "code-type", "overpayment", "cash", "user-exists"],
)
def test_a_write_refused_by_a_rule_changes_no_table(store_open_book, act, outcome):
    head, tables = head_of(store_open_book.ledger), dump_all(store_open_book.path)
    with pytest.raises(Refused) as refused:
        act(store_open_book)
    assert refused.value.outcome is outcome
    assert head_of(store_open_book.ledger) == head
    assert dump_all(store_open_book.path) == tables


# -- a read is one snapshot ---------------------------------------------------------------------
def test_a_read_sees_one_snapshot_while_another_terminal_writes(store_open_book):
    """SQLite: a WAL read transaction; PostgreSQL: REPEATABLE READ. The control: the next read sees the write."""
    book = store_open_book
    with Ledger.open(book.path, clock=book.clock, terminal="test:t2") as other:
        with book.ledger.store.reading() as reader:
            before = reader.head()
            posted = other.record_receipt(book.alice, amount_pence=100, method="cash", code="INC1", payer="J Smith")
            assert reader.head() == before
            assert reader.entry(posted.seq) is None
            assert reader.limit_used_pence("alice", TODAY) == 0
    with book.ledger.store.reading() as reader:
        assert reader.head() == (posted.seq, posted.entry.hash) == (before[0] + 1, posted.entry.hash)
        assert reader.limit_used_pence("alice", TODAY) == 100


# -- every append inside the store's write lock (BEGIN IMMEDIATE; BEGIN and the locked head row) ----
def _transactions(statements: list[str]) -> list[list[str]]:
    """Statements grouped into explicit transactions; a write outside one is its own group."""
    groups, current = [], None
    for statement in (s.strip() for s in statements):
        upper = statement.upper()
        if upper.startswith("BEGIN"):
            assert current is None, f"nested BEGIN: {statement}"
            current = [statement]
        elif upper.startswith(("COMMIT", "ROLLBACK", "END")) and not upper.startswith("ROLLBACK TO"):
            assert current is not None, f"{statement} without BEGIN"
            groups.append(current + [statement])
            current = None
        elif current is not None:
            current.append(statement)
        else:
            groups.append([statement])
    return groups


def test_every_append_runs_inside_the_stores_write_lock(ledger_location, monkeypatch):
    """SQLite: BEGIN IMMEDIATE. PostgreSQL: BEGIN, then the chain head's row locked FOR UPDATE, before any read."""
    statements = trace_connections(monkeypatch, ledger_location)
    built = build_book(ledger_location)
    try:
        ledger, alice = built.ledger, built.alice
        lock = WRITE_LOCK[ledger.store.kind]
        ledger.open_session(alice, 5000)
        ledger.record_receipt(alice, amount_pence=1250, method="cash", code="INC1", payer="J Smith")
        ledger.issue_warrant(alice, recipient="K Marsh", journey="Leeds to York", value_pence=900, code="TW1")
        with pytest.raises(Refused):
            ledger.authenticate("bob", "000000")  # a failed PIN is itself chained
        with pytest.raises(Refused):
            ledger.record_payout(alice, amount_pence=99_999, code="EXP1", payee="Shop", purpose="Milk")
        appended = head_of(ledger)[0]
    finally:
        built.ledger.close()
    inserting = [group for group in _transactions(statements)
                 if any(s.upper().startswith("INSERT INTO ENTRIES") for s in group)]
    inserts = sum(1 for group in inserting for s in group if s.upper().startswith("INSERT INTO ENTRIES"))
    assert inserts == appended >= 15
    assert all(group[:len(lock)] == lock for group in inserting), [group[:len(lock)] for group in inserting]
    assert all(group[-1].upper() == "COMMIT" for group in inserting)
    refused = [group for group in _transactions(statements) if group[:len(lock)] == lock and group[-1] == "ROLLBACK"]
    assert refused, "the refused payout should have rolled its transaction back"


# -- idempotency ---------------------------------------------------------------------------
def _receipt(book, entry_id: str, amount_pence: int = 1250, payer: str = "J Smith", **extra):
    return book.ledger.record_receipt(book.alice, amount_pence=amount_pence, method="cash", code="INC1",
                                      payer=payer, entry_id=entry_id, **extra)


def test_the_same_entry_id_and_content_returns_the_original_seq_and_writes_nothing(store_open_book):
    first = _receipt(store_open_book, "till-1:0001", reference="REF-7")
    head, tables = head_of(store_open_book.ledger), dump_all(store_open_book.path)
    again = _receipt(store_open_book, "till-1:0001", reference="REF-7")
    assert first.outcome is Outcome.APPENDED
    assert again.outcome is Outcome.ALREADY_RECORDED
    assert again.seq == first.seq == head[0]
    assert again.entry.hash == first.entry.hash
    assert again.body["receipt_no"] == first.body["receipt_no"]
    assert head_of(store_open_book.ledger) == head
    assert dump_all(store_open_book.path) == tables


@pytest.mark.parametrize(
    "retry",
    [
        lambda b: _receipt(b, "till-1:0001", amount_pence=1251),
        lambda b: _receipt(b, "till-1:0001", payer="Someone Else"),
        lambda b: _receipt(b, "till-1:0001", reference="REF-8"),
        lambda b: _receipt(b, "till-1:0001", reference=None),
        lambda b: b.ledger.record_payout(b.alice, amount_pence=1250, code="EXP1", payee="J Smith",
                                         purpose="Milk", entry_id="till-1:0001"),
        lambda b: b.ledger.record_receipt(b.tess, amount_pence=1250, method="cash", code="INC1",
                                          payer="J Smith", reference="REF-7", entry_id="till-1:0001"),
    ],
    ids=["amount", "payer", "reference", "reference-dropped", "other-kind", "other-actor"],
)
def test_the_same_entry_id_with_different_content_is_refused(store_open_book, retry):
    store_open_book.ledger.open_session(store_open_book.tess, 1000)
    first = _receipt(store_open_book, "till-1:0001", reference="REF-7")
    head, tables = head_of(store_open_book.ledger), dump_all(store_open_book.path)
    with pytest.raises(Refused) as refused:
        retry(store_open_book)
    assert refused.value.outcome is Outcome.ENTRY_ID_REUSED
    assert f"seq {first.seq}" in refused.value.message
    assert head_of(store_open_book.ledger) == head
    assert dump_all(store_open_book.path) == tables


def test_a_retry_after_the_day_is_signed_off_still_answers_the_original_seq(store_open_book):
    first = _receipt(store_open_book, "till-1:0001")
    store_open_book.ledger.declare_count(store_open_book.alice, denominations={5000: 1, 1000: 1, 200: 1, 50: 1},
                                   cheques_counted=0)
    store_open_book.ledger.sign_off(store_open_book.sam, officer="alice", business_date=TODAY)
    head = head_of(store_open_book.ledger)
    again = _receipt(store_open_book, "till-1:0001")
    assert (again.outcome, again.seq) == (Outcome.ALREADY_RECORDED, first.seq)
    assert head_of(store_open_book.ledger) == head


def test_an_entry_id_whose_first_attempt_was_refused_is_still_free(store_open_book):
    with pytest.raises(Refused):
        _receipt(store_open_book, "till-1:0002", amount_pence=25_001)
    posted = _receipt(store_open_book, "till-1:0002", amount_pence=2_500)
    assert posted.outcome is Outcome.APPENDED
    assert posted.body["amount_pence"] == 2_500


def test_an_entry_id_outside_the_name_pattern_is_refused_before_any_write(store_open_book):
    head = head_of(store_open_book.ledger)
    with pytest.raises(Refused) as refused:
        _receipt(store_open_book, "till 1/0001")
    assert refused.value.outcome is Outcome.TEXT_INVALID
    assert head_of(store_open_book.ledger) == head


def test_an_unknown_actor_cannot_write_even_with_a_fresh_entry_id(store_open_book):
    head = head_of(store_open_book.ledger)
    with pytest.raises(Refused) as refused:
        store_open_book.ledger.record_receipt(Actor("mallory", frozenset({"officer"})), amount_pence=100,
                                        method="cash", code="INC1", payer="X")
    assert refused.value.outcome is Outcome.SIGN_IN_FAILED
    assert head_of(store_open_book.ledger) == head


def test_the_ledger_and_its_backup_are_private_to_owner_and_group(book, tmp_path):
    """The ledger names people and amounts: no other user on the host may read it. SQLite only: a file's mode
    (a database's privileges: test_pg_store.py)."""
    import stat

    copy = book.ledger.store.backup(tmp_path / "copy.db")
    for path in (book.path, Path(f"{book.path}-wal"), copy):
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
