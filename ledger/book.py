"""The service layer in one object: `Ledger`, the only way anything is written to a ledger."""

from __future__ import annotations

import os
from typing import Callable

from ledger.admin import AdminOps
from ledger.bank_reconcile import StatementOps
from ledger.banking import BankingOps
from ledger.counter import CounterOps
from ledger.endofday import EndOfDayOps
from ledger.finance import FinanceOps
from ledger.payruns import PayRunOps
from ledger.references import ReferenceOps
from ledger.service import Clock, new_entry_id, utc_now
from ledger.store import create_store, open_store


class Ledger(AdminOps, CounterOps, EndOfDayOps, BankingOps, FinanceOps, PayRunOps, StatementOps, ReferenceOps):
    """Admin, counter, end-of-day, banking, finance-desk, statement and reference-rule operations over one
    store. The CLI and the console both call this."""

    @classmethod
    def open(cls, location: str | os.PathLike, clock: Clock = utc_now, terminal: str | None = None,
             ids: Callable[[], str] = new_entry_id, *, durable: bool = True, read_only: bool = False) -> "Ledger":
        """An existing ledger. Keep `durable` (synchronous=FULL) for anything real; only `cashdesk
        simulate`, writing synthetic history, passes False (synchronous=NORMAL). `read_only` for
        reports and lists: they then work where this user may not write the ledger. A writable ledger
        missing a projection table gets every projection rebuilt (see `SqliteStore.ensure_projections`)."""
        store = open_store(location, durable=durable, read_only=read_only)
        try:
            if not read_only:
                store.ensure_projections()
        except BaseException:
            store.close()
            raise
        return cls(store, clock, terminal, ids)

    @classmethod
    def create(cls, location: str | os.PathLike, *, office: str, admin: str, pin: str,
               clock: Clock = utc_now, terminal: str | None = None,
               ids: Callable[[], str] = new_entry_id) -> "Ledger":
        """A new ledger (a file, or an empty PostgreSQL database) with its book and first admin; nothing is
        left behind if refused."""
        store = create_store(location)
        ledger = cls(store, clock, terminal, ids)
        try:
            ledger.start_book(office, admin, pin)
        except BaseException:
            store.close()
            for suffix in (("", "-wal", "-shm") if store.kind == "sqlite" else ()):  # a database keeps its empty tables
                try:
                    os.remove(f"{location}{suffix}")
                except FileNotFoundError:
                    pass
            raise
        return ledger

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
