"""`cashdesk copy`: a ledger copied whole into another store (SQLite file <-> PostgreSQL), then verified.

Entries are copied exactly as stored: the same seq, entry id, body text and hashes, so every anchor
already printed on a sign-off slip verifies against the copy. The PINs' hashes go with them (without
them nobody could sign in), and the copy's projections are built from its entries as they arrive. The
copy is one transaction on the target: a failure leaves nothing half-copied.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ledger import audit
from ledger.store import StoreError, create_store, describe, is_database_url


class CopyFailed(StoreError):
    """The copy did not come out the same as its source (it is left in place, for a person to look at)."""


@dataclass(frozen=True)
class Copied:
    target: str
    entries: int
    head: str


def copy_ledger(source, target_location) -> Copied:
    """Copy the open store `source` into a new SQLite file or an empty PostgreSQL database, then verify
    that the copy holds every entry and has the source's head."""
    target = create_store(target_location)  # a new file, or an empty database
    try:
        with source.reading() as reader, target.writing() as writer:
            for entry in reader.iter_entries():
                writer.append_copied(entry)
            for row in reader.credential_rows():
                writer.set_credential(*row)
            source_head = reader.head()
        verdict = audit.verify(target)
    except BaseException:
        target.close()
        _forget_partial(target_location)
        raise
    target.close()
    head = f"{source_head[0]}:{source_head[1]}"
    if not verdict.ok or verdict.head != head:
        raise CopyFailed(f"the copy at {describe(target_location)} does not match its source (head {verdict.head}, "
                         f"source {head}; {verdict.problem or 'heads differ'})")
    return Copied(describe(target_location), verdict.entries, head)


def _forget_partial(location) -> None:
    """A SQLite copy that failed is removed (the PostgreSQL transaction has rolled back already)."""
    if is_database_url(location):
        return
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(f"{Path(location)}{suffix}")
        except FileNotFoundError:
            pass
