"""Why a PostgreSQL ledger could not be used, each as one line a person can act on (never a password)."""

from __future__ import annotations

import contextlib
from typing import Iterator

import psycopg
from psycopg import errors

from ledger.store.errors import DiskFull, LedgerBusy, LedgerUnusable, StoreError


class LedgerUnreachable(StoreError):
    """The database server could not be reached, or the connection dropped."""


class ConnectionDropped(LedgerUnreachable):
    """The connection dropped while a write was committing; the message says whether it was kept."""


class WriteInterrupted(StoreError):
    """Ctrl-C while a write was committing (a synchronous standby being waited for); the message says whether
    it was kept."""


def _reason(error: psycopg.Error) -> str:
    """The server's or libpq's own words, first line only (libpq never echoes a password)."""
    text = (getattr(error.diag, "message_primary", None) or str(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextlib.contextmanager
def translate_pg_errors(name: str, connecting: bool = False) -> Iterator[None]:
    """psycopg's errors about the server or the connection as StoreErrors naming `name` (a password-free URL).
    Errors that mean a bug (a constraint, a syntax error) go on as they are."""
    try:
        yield
    except (errors.LockNotAvailable, errors.SerializationFailure, errors.DeadlockDetected):
        raise LedgerBusy(f"{name} stayed busy with another terminal's write; nothing was written; try again") from None
    except errors.DiskFull:
        raise DiskFull(f"the server holding {name} is out of disk; nothing was written") from None
    except errors.InsufficientPrivilege as error:
        raise LedgerUnusable(f"{name}: this database user may not do that ({_reason(error)}); "
                             "see docs/OPERATIONS.md for the roles cashdesk needs") from None
    except errors.ReadOnlySqlTransaction:
        raise LedgerUnusable(f"{name} is read-only here (a standby, or a read-only command); nothing was written") from None
    except (errors.InvalidCatalogName, errors.InvalidAuthorizationSpecification, errors.InvalidPassword) as error:
        raise LedgerUnreachable(f"cannot use {name}: {_reason(error)}") from None
    except psycopg.OperationalError as error:
        if connecting:
            raise LedgerUnreachable(f"cannot connect to {name}: {_reason(error)}") from None
        raise LedgerUnreachable(f"lost or could not open the connection to {name} ({_reason(error)}); "
                                "nothing was written; try again when the server is back") from None
    except psycopg.InterfaceError as error:
        raise LedgerUnreachable(f"the connection to {name} is closed ({_reason(error)}); try again") from None
