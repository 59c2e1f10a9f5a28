"""Looks at a ledger from outside cashdesk, on either store: a plain connection as another program (or an
attacker) would open it, every table dumped, the schema's shape, and the SQL the store's own connection runs."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

from ledger.location import is_database_url

#: The statements each store opens a write with: the lock that makes terminals take turns.
WRITE_LOCK = {"sqlite": ["BEGIN IMMEDIATE"], "postgresql": ["BEGIN", "SELECT seq FROM chain_head WHERE id = 1 FOR UPDATE"]}


class Raw:
    """A plain autocommit connection to a ledger: sqlite3 on a file, psycopg (as the database's owner) on a URL.
    `refused` is the error a statement the database refuses raises; `begin` opens a write transaction."""

    def __init__(self, location: Path | str) -> None:
        self.postgresql = is_database_url(location)
        if self.postgresql:
            import psycopg

            self.conn = psycopg.connect(location, autocommit=True)
            self.refused: type[Exception] = psycopg.Error
            self.begin = "BEGIN"
        else:
            self.conn = sqlite3.connect(location, isolation_level=None)
            self.refused = sqlite3.DatabaseError
            self.begin = "BEGIN IMMEDIATE"

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one statement; its rows, if it returns any (`?` placeholders on both stores)."""
        cursor = self.conn.execute(sql.replace("%", "%%").replace("?", "%s") if self.postgresql else sql, params)
        return cursor.fetchall() if cursor.description else []

    def tables(self) -> list[str]:
        if self.postgresql:
            sql = ("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                   "AND table_type = 'BASE TABLE' ORDER BY table_name")
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        return [name for (name,) in self.execute(sql)]

    def columns(self, table: str) -> list[str]:
        if self.postgresql:
            return [name for (name,) in self.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position", (table,))]
        return [row[1] for row in self.execute(f'PRAGMA table_info("{table}")')]

    def rows(self, table: str) -> list[tuple]:
        """Every row of `table`, ordered by all its columns (bytes as bytes on both stores)."""
        columns = self.columns(table)
        assert columns, f"table {table} is missing"
        order = ", ".join(f'"{column}"' for column in columns)
        return [tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
                for row in self.execute(f'SELECT * FROM "{table}" ORDER BY {order}')]

    def dump(self, tables=None) -> dict[str, list[tuple]]:
        """`tables` (default: every table in the ledger), each as `rows` gives it."""
        return {table: self.rows(table) for table in (self.tables() if tables is None else tables)}

    def shape(self) -> list[tuple]:
        """Tables, columns, indexes and triggers, as the database describes them."""
        if not self.postgresql:
            return self.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                                "ORDER BY type, name")
        columns = self.execute(
            "SELECT table_name, column_name, data_type, collation_name, is_nullable FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY 1, 2")
        indexes = self.execute("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                               "ORDER BY 1, 2")
        triggers = self.execute("SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger "
                                "WHERE NOT tgisinternal ORDER BY 1, 2")
        return columns + indexes + triggers

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Raw":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def dump_all(location: Path | str, tables=None) -> dict[str, list[tuple]]:
    with Raw(location) as raw:
        return raw.dump(tables)


def query(location: Path | str, *statements: str, params: tuple = ()) -> list[tuple]:
    """Statements run from outside cashdesk, one after another; the last one's rows (`params` go to each)."""
    found: list[tuple] = []
    with Raw(location) as raw:
        for statement in statements:
            found = raw.execute(statement, params)
    return found


def tamper(location: Path | str, *statements: str) -> None:
    """Edit `entries` as someone holding the file, or the database owner's role, could: first the append-only
    guards off (SQLite's triggers dropped, PostgreSQL's disabled), then the statements."""
    with Raw(location) as raw:
        guards = (["ALTER TABLE entries DISABLE TRIGGER USER"] if raw.postgresql
                  else ["DROP TRIGGER entries_no_update", "DROP TRIGGER entries_no_delete"])
        for statement in (*guards, *statements):
            raw.execute(statement)


def _pg_tracing(seen: list[str], execute, executemany, rollback) -> dict:
    """Stand-ins for PgConnection's execute, executemany and rollback that note each statement in `seen` (one
    per row for executemany, as SQLite's trace callback does), `?` and all, as the store sends it."""

    def traced_execute(conn, sql, params=()):
        seen.append(sql)
        return execute(conn, sql, params)

    def traced_executemany(conn, sql, rows):
        rows = list(rows)
        seen.extend(sql for _ in rows)
        return executemany(conn, sql, rows)

    def traced_rollback(conn):
        seen.append("ROLLBACK")
        return rollback(conn)

    return {"execute": traced_execute, "executemany": traced_executemany, "rollback": traced_rollback}


@contextlib.contextmanager
def traced(store) -> Iterator[list[str]]:
    """The SQL `store`'s connection runs inside the block, in order, one item per execution."""
    seen: list[str] = []
    if store.kind == "sqlite":
        store.conn.set_trace_callback(seen.append)
        try:
            yield seen
        finally:
            store.conn.set_trace_callback(None)
        return
    conn = store.conn
    stand_ins = _pg_tracing(seen, *(getattr(type(conn), name) for name in ("execute", "executemany", "rollback")))
    for name, stand_in in stand_ins.items():
        setattr(conn, name, stand_in.__get__(conn))
    try:
        yield seen
    finally:
        for name in stand_ins:
            delattr(conn, name)


def trace_connections(monkeypatch, location: Path | str) -> list[str]:
    """The SQL of every connection a store at `location` opens from now on (the test's monkeypatch undoes it)."""
    seen: list[str] = []
    if not is_database_url(location):
        import ledger.store.sqlite as store_sqlite

        connect = store_sqlite._connect

        def traced_connect(*args, **kwargs):
            conn = connect(*args, **kwargs)
            conn.set_trace_callback(seen.append)
            return conn

        monkeypatch.setattr(store_sqlite, "_connect", traced_connect)
        return seen
    from ledger.store.postgres import PgConnection

    stand_ins = _pg_tracing(seen, PgConnection.execute, PgConnection.executemany, PgConnection.rollback)
    for name, stand_in in stand_ins.items():
        monkeypatch.setattr(PgConnection, name, stand_in)
    return seen


# -- a ledger on a PostgreSQL server ----------------------------------------------------------------------------
def dbname(url: str) -> str:
    import psycopg

    return psycopg.conninfo.conninfo_to_dict(url)["dbname"]


def receipt(ledger, actor, pence: int = 1250, **extra):
    return ledger.record_receipt(actor, amount_pence=pence, method="cash", code="INC1", payer="J Smith", **extra)


def head(location) -> tuple[int, str]:
    """The last entry's (seq, hash), read from outside cashdesk."""
    with Raw(location) as raw:
        return raw.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")[0]


def backend_pid(store) -> int:
    """The server process serving a PostgreSQL store's connection."""
    return store.conn.raw.info.backend_pid


def terminate(pg_cluster, pid: int) -> None:
    """End one backend as an administrator would, and wait (up to 10 s) until it has gone."""
    assert pg_cluster.psql(f"SELECT pg_terminate_backend({pid}, 10000)") == [(True,)]


def alive(pg_cluster, pid: int) -> bool:
    return bool(pg_cluster.psql(f"SELECT 1 FROM pg_stat_activity WHERE pid = {pid}"))
