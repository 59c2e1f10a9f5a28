"""Why a ledger file could not be used, each as one line a person can act on."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator


class StoreError(Exception):
    """The database could not be used (not a rule refusing): missing, busy, corrupt, full."""


class LedgerMissing(StoreError):
    pass


class LedgerExists(StoreError):
    pass


class LedgerUnusable(StoreError):
    """Not a cashdesk ledger, corrupt, or from a newer cashdesk."""


class LedgerBusy(StoreError):
    pass


class NetworkFilesystem(StoreError):
    pass


class DiskFull(StoreError):
    pass


@contextlib.contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn sqlite3's errors about the file itself into StoreErrors with a clear line."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if "disk is full" in text or "database or disk is full" in text:
            raise DiskFull(f"the disk holding {path} is full; nothing was written") from None
        if "locked" in text or "busy" in text:
            raise LedgerBusy(f"{path} is locked by another program; try again") from None
        if "unable to open" in text or "readonly" in text:
            raise LedgerUnusable(f"cannot write to {path} ({text}): this user may not write to the file, "
                                 "or to its folder where its -wal and -shm live") from None
        raise
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.IntegrityError):
            raise
        raise LedgerUnusable(f"{path} is damaged or not a database ({error}); restore from a backup") from None
