"""Read models for the console: what an officer's screen shows, and pages of the ledger for auditors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ledger.counter import CounterOps, till

if TYPE_CHECKING:
    from ledger.store import SqliteStore


@dataclass(frozen=True)
class OfficerView:
    """Everything the officer's home shows, read in one snapshot."""

    officer: str
    business_date: str | None
    state: str | None
    float_pence: int
    used_pence: int
    limit_pence: int
    cash_pence: int
    cheques_pence: int
    next_receipt_no: int
    next_serial: int | None
    entries: list[dict] = field(default_factory=list)

    @property
    def headroom_pence(self) -> int:
        return max(self.limit_pence - self.used_pence, 0)

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def officer_view(store: SqliteStore, officer: str, today: str) -> OfficerView:
    """The officer's open day (else today's closed one, else nothing open)."""
    with store.reading() as reader:
        session = reader.open_session(officer) or reader.session(officer, today)
        day = session["business_date"] if session else today
        view = OfficerView(
            officer=officer, business_date=day if session else None, state=session["state"] if session else None,
            float_pence=session["float_pence"] if session else 0,
            used_pence=reader.limit_used_pence(officer, day),
            limit_pence=CounterOps.limit_pence(reader, officer) or 25_000,
            cash_pence=reader.account_balance_pence(till(officer), day) if session else 0,
            cheques_pence=reader.account_balance_pence(f"Assets:Cheques:{officer}", day) if session else 0,
            next_receipt_no=reader.next_receipt_no(), next_serial=reader.next_stock_serial(),
        )
    from ledger import reports

    entries = [row for row in reports.daily(store, day) if row["officer"] == officer] if session else []
    return OfficerView(**{**view.__dict__, "entries": entries})


@dataclass(frozen=True)
class EntryFilter:
    """The auditor's filters; empty means any."""

    business_date: str = ""
    actor: str = ""
    kind: str = ""
    code: str = ""


def entry_page(store: SqliteStore, filters: EntryFilter, *, after_seq: int | None = None,
               before_seq: int | None = None, limit: int = 100) -> list[dict]:
    """One page of entries in seq order, by keyset (no OFFSET): fast at any depth of a large ledger."""
    with store.reading() as reader:
        return reader.entry_page(filters.business_date, filters.actor, filters.kind, filters.code,
                                 after_seq=after_seq, before_seq=before_seq, limit=limit)
