"""The store interface: open a ledger, write in one transaction, read projections. All SQL lives here.

A ledger is a SQLite file (the embedded default) or, given a postgresql:// URL, a PostgreSQL database
(`ledger.store.postgres`, imported only then): the same interface, the same entries and hashes."""

from ledger.store.errors import (
    DiskFull,
    LedgerBusy,
    LedgerExists,
    LedgerMissing,
    LedgerUnusable,
    NetworkFilesystem,
    StoreError,
)
from ledger.store.kept import KeptStore
from ledger.location import describe, is_database_url, sidecar_path
from ledger.store.reader import Reader
from ledger.store.sqlite import SqliteStore
from ledger.store.writer import Writer

__all__ = [
    "DiskFull", "LedgerBusy", "LedgerExists", "LedgerMissing", "LedgerUnusable", "NetworkFilesystem",
    "KeptStore", "Reader", "SqliteStore", "StoreError", "Writer", "open_store", "create_store", "describe",
    "is_database_url", "sidecar_path", "ledger_exists",
]


def _postgres():
    try:
        from ledger.store import postgres
    except ImportError:
        raise LedgerUnusable("a postgresql:// ledger needs psycopg: python3 -m pip install 'cashdesk[postgres]'") from None
    return postgres


def open_store(location, *, durable: bool = True, read_only: bool = False, any_thread: bool = False):
    """Open an existing ledger: a SQLite file, or a postgresql:// URL. `durable=False` only for
    synthetic history, `read_only=True` for commands that only read (see `SqliteStore.open`)."""
    if is_database_url(location):
        return _postgres().PgStore.open(location, durable=durable, read_only=read_only)
    return SqliteStore.open(location, durable=durable, read_only=read_only, any_thread=any_thread)


def create_store(location):
    if is_database_url(location):
        return _postgres().PgStore.create(location)
    return SqliteStore.create(location)


def ledger_exists(location) -> bool:
    """Whether a ledger is there to open (a file; a database holding cashdesk's tables)."""
    if not is_database_url(location):
        from pathlib import Path

        return Path(location).exists()
    try:
        open_store(location, read_only=True).close()
    except LedgerMissing:
        return False
    return True
