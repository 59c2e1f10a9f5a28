"""One store kept open between the calls of a process that asks the ledger one thing at a time (the console)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ledger.location import is_database_url


def _identity(path) -> tuple[int, int] | None:
    if is_database_url(path):  # a database server: always the same ledger
        return (0, 0)
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


class KeptStore:
    """A store that a call borrows when it is free (else the call opens one of its own) and gives back.

    Opening a store costs a mount-table read, a connection and five pragmas; closing the last connection
    to a ledger makes SQLite checkpoint and delete its WAL, which the next call creates again. Kept open,
    neither happens on each call, and every other connection closing is never the last. The store is
    lent to one thread at a time (its connection may cross threads, never be shared), never inside a
    transaction, and never after the file it opened was moved, replaced or removed: the call then opens
    the path afresh, and is refused as before. Closing it, as the last connection, checkpoints as usual."""

    def __init__(self, path: str | os.PathLike) -> None:
        from ledger.store import open_store

        self.path = path if is_database_url(path) else Path(path)
        self._lock = threading.Lock()
        self._store = open_store(self.path, any_thread=True)
        self._identity = _identity(self.path)
        self._lent = False

    @property
    def alive(self) -> bool:
        """False once the file it opened was found moved, replaced or removed, or it was closed."""
        return self._store is not None

    def borrow(self):
        """The kept store, if it is free and still the file at `path`; else None (open one instead)."""
        with self._lock:
            if self._store is None or self._lent:
                return None
            if _identity(self.path) != self._identity:
                self._store.close()
                self._store = None
                return None
            self._lent = True
            return self._store

    def give_back(self, store) -> None:
        with self._lock:
            self._lent = False
            if store.conn.in_transaction:  # never lent again in a state a call did not leave cleanly
                store.conn.rollback()
            if self._store is None:  # closed while it was lent
                store.close()

    def close(self) -> None:
        with self._lock:
            if self._store is not None and not self._lent:
                self._store.close()
            self._store = None
