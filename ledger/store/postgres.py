"""The PostgreSQL store: the same reads, writes and projections as the SQLite one, on a database server.

Every write is one transaction that first locks the chain's head row, so terminals on any host take
turns exactly as SQLite's BEGIN IMMEDIATE makes them; reads run in one REPEATABLE READ snapshot. A
connection found dropped before a transaction starts is opened again and the transaction tried again;
one dropped inside a write is refused with a line saying whether it was committed (looked up by its
entry ids on a fresh connection). psycopg is imported only here, and only for a postgresql:// ledger.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import time
from typing import Iterator

import psycopg
from psycopg import pq
from psycopg.types.numeric import NumericLoader

from ledger.store import pg_schema
from ledger.store.dialect import POSTGRES
from ledger.store.errors import LedgerExists, LedgerMissing, LedgerUnusable
from ledger.location import LocationInvalid, check_transport, describe
from ledger.store.pg_errors import ConnectionDropped, WriteInterrupted, translate_pg_errors
from ledger.store.projections import apply_entry
from ledger.store.reader import Reader
from ledger.store.schema import PROJECTIONS, RETIRED_INDEXES, SCHEMA_VERSION
from ledger.store.writer import Writer

MINIMUM_SERVER = 150000
CONNECT_ATTEMPTS = 3
#: How long a write waits for another terminal's write to finish before it is refused as busy.
LOCK_TIMEOUT = "60s"
#: How long a connection may take (a host that never answers), and how the server lists it.
CONNECT_DEFAULTS = {"connect_timeout": 10, "application_name": "cashdesk"}
#: Rows fetched at a time from a server-side cursor when a read goes over every entry.
STREAM_BATCH = 2000
_CURSOR_NAMES = itertools.count(1)


@functools.lru_cache(maxsize=512)
def to_psycopg(sql: str) -> str:
    """The store's SQL (`?` placeholders) as psycopg's (`%s`, a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _IntegralNumericLoader(NumericLoader):
    """sum() over BIGINT is NUMERIC in PostgreSQL: pence come back as int, as SQLite gives them."""

    def load(self, data):
        value = super().load(data)
        return int(value) if value == value.to_integral_value() else value


class PgConnection:
    """psycopg's connection, spoken to in the store's SQL, with the few methods the store's code uses."""

    dialect = POSTGRES

    def __init__(self, raw: psycopg.Connection) -> None:
        self.raw = raw
        self._streams: list[Iterator[tuple]] = []

    def execute(self, sql: str, params=()) -> psycopg.Cursor:
        return self.raw.execute(to_psycopg(sql), tuple(params))

    def stream(self, sql: str, params=()) -> Iterator[tuple]:
        """Rows a batch at a time from a server-side cursor: every entry of a large ledger without holding them
        all. As with a sqlite3 cursor, other statements may run between rows, and a reader may stop early
        (verify does, at the first bad entry): `end_streams` closes what is left before the transaction ends.
        (libpq's single-row mode would hold the connection until the last row: the COMMIT after a verify that
        stopped early waited for ever.)"""
        rows = self._rows(sql, tuple(params))
        self._streams.append(rows)
        return rows

    def _rows(self, sql: str, params: tuple) -> Iterator[tuple]:
        with self.raw.cursor(name=f"cashdesk_rows_{next(_CURSOR_NAMES)}") as cursor:
            cursor.itersize = STREAM_BATCH
            cursor.execute(to_psycopg(sql), params)
            yield from cursor

    def end_streams(self) -> None:
        """Close every stream of this transaction, read to the end or not, while the transaction still holds its
        cursor (a stream closed later, in another transaction, would CLOSE a cursor that is gone)."""
        while self._streams:
            self._streams.pop().close()

    def executemany(self, sql: str, rows) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(to_psycopg(sql), list(rows))

    @property
    def in_transaction(self) -> bool:
        """Inside a transaction on a live connection: one that dropped holds none (the server rolled it back)."""
        return not self.raw.closed and self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def rollback(self) -> None:
        self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


def _connect(url: str, *, durable: bool, read_only: bool) -> PgConnection:
    """A connection for the store; the URL's own connect_timeout and application_name win over ours."""
    defaults = {name: value for name, value in CONNECT_DEFAULTS.items() if name not in url}
    raw = psycopg.connect(url, autocommit=True, **defaults)
    raw.adapters.register_loader("numeric", _IntegralNumericLoader)
    raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    if not durable:  # synthetic history only: a server crash may lose the last commits, never corrupt
        raw.execute("SET synchronous_commit = off")
    if read_only:
        raw.execute("SET default_transaction_read_only = on")
    return PgConnection(raw)


class PgStore:
    """One ledger in a PostgreSQL database. The same interface as `SqliteStore`."""

    kind = "postgresql"

    def __init__(self, url: str, conn: PgConnection, *, durable: bool = True, read_only: bool = False) -> None:
        self.location = url
        self.conn = conn
        self.durable = durable
        self.read_only = read_only
        self.immutable_stamp = None
        #: How messages name this ledger: the URL without its password (parsed once: every transaction uses it).
        self.name = describe(url)

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, url: str) -> "PgStore":
        """A new ledger in an empty database (the caller appends `book_created` next)."""
        store = cls._connected(url, durable=True, read_only=False)
        try:
            with translate_pg_errors(store.name):
                tables = _tables(store.conn)
                if tables:
                    _check_it_is_empty(store.conn, store.name, tables)
                    return store
                store.conn.execute("BEGIN")
                for statement in (*pg_schema.CORE, *pg_schema.projection_ddl()):
                    store.conn.execute(statement)
                _grant_to_app_role(store.conn)
                store.conn.execute("COMMIT")
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open(cls, url: str, *, durable: bool = True, read_only: bool = False, any_thread: bool = False) -> "PgStore":
        """An existing ledger; refuses an empty database, a stranger's tables, a newer schema."""
        store = cls._connected(url, durable=durable, read_only=read_only)
        try:
            with translate_pg_errors(store.name):
                version = _check_it_is_ours(store.conn, store.name)
                _check_it_holds_a_ledger(store.conn, store.name)
                if version < SCHEMA_VERSION and not read_only:
                    store._upgrade()
                if not read_only:
                    store.grant_missing()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _connected(cls, url: str, *, durable: bool, read_only: bool) -> "PgStore":
        try:
            check_transport(url)
        except LocationInvalid as refusal:
            raise LedgerUnusable(str(refusal)) from None
        with translate_pg_errors(describe(url), connecting=True):
            conn = _connect(url, durable=durable, read_only=read_only)
            server = conn.raw.info.server_version
            encoding = conn.raw.info.parameter_status("server_encoding")
        if server < MINIMUM_SERVER or encoding != "UTF8":
            conn.close()
            raise LedgerUnusable(f"{describe(url)}: cashdesk needs PostgreSQL 15 or later with UTF8 encoding "
                                 f"(this server is {server // 10000}, {encoding})")
        return cls(url, conn, durable=durable, read_only=read_only)

    def _upgrade(self) -> None:
        """An older ledger's tables brought to this schema (the owner's work: it creates and drops tables; a table
        made here is granted to the application's role by `grant_missing`, next)."""
        with self.writing() as writer:
            postings = _columns(writer.conn, "postings")
            if postings and "n" not in postings:
                for statement in pg_schema.upgrade_postings():
                    writer.conn.execute(statement)
            for index in RETIRED_INDEXES:
                writer.conn.execute(f"DROP INDEX IF EXISTS {index}")
            for statement in pg_schema.projection_ddl():
                writer.conn.execute(statement)
            writer.conn.execute("UPDATE cashdesk_meta SET value = ? WHERE key = 'schema_version'",
                                (str(SCHEMA_VERSION),))

    def grant_missing(self) -> bool:
        """Grant the application's role what a counter needs, when it lacks it and this user owns the tables:
        a role a superuser made after the ledger (its owner may not make roles), or a table added since. True
        when something was granted. A check of one query otherwise; never on a standby."""
        asked = (list(pg_schema.GRANTED_TABLES), pg_schema.APP_ROLE, pg_schema.APP_ROLE)
        if not self.conn.execute(pg_schema.GRANTS_MISSING, asked).fetchone()[0]:
            return False
        with self.writing() as writer:
            for statement in pg_schema.grants():
                writer.conn.execute(statement)
        return True

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "PgStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self) -> Iterator[Reader]:
        """One snapshot for every query inside (REPEATABLE READ, read only: it never waits or fails)."""
        with translate_pg_errors(self.name):
            self._begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield Reader(self.conn)
            finally:
                if self.conn.in_transaction and not self.conn.raw.closed:
                    self.conn.end_streams()
                    self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def writing(self) -> Iterator[Writer]:
        """The one write path: BEGIN, lock the chain head, read, check, append, COMMIT (or roll back)."""
        with translate_pg_errors(self.name):
            self._begin("BEGIN")
            try:  # a lock not granted in time (LedgerBusy) must end the transaction too, or the next BEGIN fails
                self.conn.execute("SELECT seq FROM chain_head WHERE id = 1 FOR UPDATE")
                writer = Writer(self.conn)
                yield writer
            except BaseException:
                if self.conn.in_transaction:  # never on a dropped connection: the server rolled that back
                    self.conn.end_streams()
                    self.conn.rollback()
                raise
            self.conn.end_streams()
            self._commit(writer)

    def _begin(self, statement: str) -> None:
        """Start a transaction; a connection that dropped while idle is opened again first."""
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                if self.conn.raw.closed:
                    self.conn = _connect(self.location, durable=self.durable, read_only=self.read_only)
                self.conn.execute(statement)
                return
            except psycopg.OperationalError:
                if attempt == CONNECT_ATTEMPTS - 1:
                    raise
                self.conn.close()
                time.sleep(0.2 * (attempt + 1))

    def _commit(self, writer: Writer) -> None:
        try:
            self.conn.execute("COMMIT")
        except psycopg.OperationalError:
            raise ConnectionDropped(self._commit_outcome(writer.appended_ids)) from None
        except KeyboardInterrupt:  # Ctrl-C while COMMIT waited, as for a synchronous standby that is down
            raise WriteInterrupted(self._interrupted_outcome(writer.appended_ids)) from None

    def _interrupted_outcome(self, entry_ids: list[str]) -> str:
        """Interrupted at COMMIT: psycopg cancelled the wait, and a commit waiting for a synchronous standby is
        already done on this server when cancelled (PostgreSQL warns as much). Was it? Asked, not assumed."""
        if not entry_ids:
            return "interrupted while committing; nothing needed keeping"
        try:
            if self.conn.raw.closed or self.conn.in_transaction:
                self.conn.close()
            found = self._count_recorded(entry_ids)
        except psycopg.Error:
            return (f"interrupted while committing entry {entry_ids[0]}; whether it was recorded is unknown: "
                    "look for it in the ledger before trying again")
        if found == len(entry_ids):
            return (f"interrupted while the server was still confirming the commit (waiting for a synchronous "
                    f"standby?): entry {entry_ids[0]} is recorded on this server; do not repeat it")
        return "interrupted before the write was committed; nothing was written"

    def _count_recorded(self, entry_ids: list[str], fresh: bool = False) -> int:
        """How many of these entries the ledger holds, asked on a new connection if `fresh` or the old one closed."""
        if fresh or self.conn.raw.closed:
            self.conn = _connect(self.location, durable=self.durable, read_only=self.read_only)
        return self.conn.execute("SELECT count(*) FROM entries WHERE entry_id = ANY(?)", (entry_ids,)).fetchone()[0]

    def _commit_outcome(self, entry_ids: list[str]) -> str:
        """After the connection dropped at COMMIT: was it committed? Asked on a fresh connection."""
        if not entry_ids:
            return "the connection to the ledger dropped while committing; nothing needed keeping"
        try:
            found = self._count_recorded(entry_ids, fresh=True)
        except psycopg.OperationalError:
            return (f"the connection to the ledger dropped while committing entry {entry_ids[0]}; "
                    "whether it was recorded is unknown: look for it with `cashdesk verify` before trying again")
        if found == len(entry_ids):
            return f"the connection dropped just after committing: entry {entry_ids[0]} is recorded; do not repeat it"
        return "the connection to the ledger dropped before the write was committed; nothing was written; try again"

    # -- maintenance ---------------------------------------------------------------------
    def rebuild(self) -> int:
        """Empty every projection and replay `entries` into them; returns entries replayed. The application's
        role may do this (it may delete projection rows, never entries). A projection table that is missing
        (dropped by hand) is created first, as SQLite's rebuild does: the owner's work."""
        with self.writing() as writer:
            missing = not set(PROJECTIONS) <= set(_tables(writer.conn))
            if missing:
                for statement in pg_schema.projection_ddl():
                    writer.conn.execute(statement)
            for name in PROJECTIONS:
                writer.conn.execute(f"DELETE FROM {name}")
            count = 0
            for entry in list(writer.iter_entries()):  # read whole: the projections are written on this connection
                apply_entry(self.conn, entry, entry.body_dict())
                count += 1
        if missing:  # a table made again: the application's role may use it too
            self.grant_missing()
        return count

    def ensure_projections(self) -> bool:
        """Missing projection tables are created and every projection rebuilt; True when that happened."""
        if set(PROJECTIONS) <= set(_tables(self.conn)):
            return False
        self.rebuild()  # creates them: the owner's work (the application's role may not create tables)
        return True


def _tables(conn: PgConnection) -> list[str]:
    """The tables in the ledger's schema, whether or not this user may read them (information_schema would
    hide the ones it may not, and a user without the grants would be told there is no ledger)."""
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [name for (name,) in rows]


def _columns(conn: PgConnection, table: str) -> list[str]:
    rows = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                        "AND table_name = ?", (table,))
    return [name for (name,) in rows]


def _check_it_is_empty(conn: PgConnection, name: str, tables: list[str]) -> None:
    """A database already holding cashdesk's tables but no entry (a first `init` or copy that failed) may be
    used for a new ledger; anything else is refused."""
    _check_it_is_ours(conn, name)
    if conn.execute("SELECT count(*) FROM entries").fetchone()[0]:
        raise LedgerExists(f"{name} already holds a ledger; choose an empty database")


def _check_it_holds_a_ledger(conn: PgConnection, name: str) -> None:
    """Tables without a single entry are what an `init` or a copy that was refused leaves (a database keeps
    them): no ledger yet, as a SQLite file removed after the same refusal is none (`demo` and `init` then
    create one there, rather than `demo` announcing an existing ledger of 0 entries and PINs that do not work)."""
    if conn.execute("SELECT seq FROM chain_head WHERE id = 1").fetchone()[0] == 0:
        raise LedgerMissing(f"no ledger in {name} (its tables are there, without an entry): create one with "
                            "`cashdesk --db URL init` or `cashdesk --db URL demo`")


def _check_it_is_ours(conn: PgConnection, name: str) -> int:
    tables = _tables(conn)
    if not tables:
        raise LedgerMissing(f"no ledger in {name}: create one with `cashdesk --db URL init` or `cashdesk --db URL demo`")
    if "cashdesk_meta" not in tables:
        raise LedgerUnusable(f"{name} is not a cashdesk ledger")
    meta = dict(conn.execute("SELECT key, value FROM cashdesk_meta").fetchall())
    if meta.get("application") != pg_schema.APPLICATION:
        raise LedgerUnusable(f"{name} is not a cashdesk ledger")
    version = int(meta.get("schema_version", "0"))
    if version > SCHEMA_VERSION:
        raise LedgerUnusable(f"{name} was written by a newer cashdesk (schema {version}); upgrade cashdesk to open it")
    return version


def _grant_to_app_role(conn: PgConnection) -> None:
    """Create the application's role when this owner may, then grant it what a counter needs."""
    conn.execute("SAVEPOINT app_role")
    try:
        conn.execute(pg_schema.CREATE_APP_ROLE)
    except psycopg.errors.InsufficientPrivilege:
        conn.execute("ROLLBACK TO SAVEPOINT app_role")
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (pg_schema.APP_ROLE,)).fetchone()
    if exists:
        for statement in pg_schema.grants():
            conn.execute(statement)
