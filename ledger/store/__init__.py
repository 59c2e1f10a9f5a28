"""The store interface: open a ledger, write in one transaction, read projections. All SQL lives here."""

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
from ledger.store.reader import Reader
from ledger.store.sqlite import SqliteStore, Writer

__all__ = [
    "DiskFull", "LedgerBusy", "LedgerExists", "LedgerMissing", "LedgerUnusable", "NetworkFilesystem",
    "KeptStore", "Reader", "SqliteStore", "StoreError", "Writer", "open_store", "create_store",
]


def open_store(location, *, durable: bool = True, read_only: bool = False) -> SqliteStore:
    """Open an existing ledger (today a SQLite file; a PostgreSQL URL later); `durable=False` only for
    synthetic history, `read_only=True` for commands that only read (see `SqliteStore.open`)."""
    return SqliteStore.open(location, durable=durable, read_only=read_only)


def create_store(location) -> SqliteStore:
    return SqliteStore.create(location)
