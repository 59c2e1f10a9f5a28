"""Raw SQL on a ledger as its owner, whichever store holds it: sqlite3 on a file's path, psycopg on a
postgresql:// URL. For tests that look past the store's interface (what is really stored) or tamper with
it as someone holding the file, or the database owner's role, could. `?` placeholders on both."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def is_url(location) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def rows(location: Path | str, sql: str, params: tuple = ()) -> list[tuple]:
    """The rows of one query (read only)."""
    if is_url(location):
        import psycopg

        with psycopg.connect(location) as conn:
            return conn.execute(sql.replace("%", "%%").replace("?", "%s"), params).fetchall()
    conn = sqlite3.connect(f"file:{location}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def execute(location: Path | str, *statements: str, guards_off: bool = False) -> list[tuple]:
    """Run statements in one transaction; `guards_off` first drops what makes `entries` append-only.
    The last statement's rows, if any."""
    found: list[tuple] = []
    if is_url(location):
        import psycopg

        with psycopg.connect(location) as conn:
            if guards_off:
                conn.execute("ALTER TABLE entries DISABLE TRIGGER USER")
            for statement in statements:
                cursor = conn.execute(statement)
                found = cursor.fetchall() if cursor.description else []
        return found
    conn = sqlite3.connect(location)
    try:
        with conn:
            if guards_off:
                conn.execute("DROP TRIGGER entries_no_update")
                conn.execute("DROP TRIGGER entries_no_delete")
            for statement in statements:
                found = conn.execute(statement).fetchall()
    finally:
        conn.close()
    return found
