"""How the auditor's browser reads the ledger: its filters, the window of pages it holds, one row's cells."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
#: `before_seq` for "the last page": larger than any seq a ledger will reach.
END_OF_LEDGER = 2**62


@dataclass(frozen=True)
class Filters:
    """The browser's filters, empty meaning any. Shaped like `ledger.views.EntryFilter`, which a screen
    cannot import (ledger.views imports the store); `Desk.entry_page` reads these four attributes."""

    business_date: str = ""
    actor: str = ""
    kind: str = ""
    code: str = ""

    def describe(self) -> str:
        shown = [f"{name}={getattr(self, name)}" for name in ("business_date", "actor", "kind", "code")
                 if getattr(self, name)]
        return " · ".join(shown).replace("business_date=", "date=") or "none"

    @property
    def active(self) -> bool:
        return any(getattr(self, item.name) for item in fields(self))


@dataclass
class PageWindow:
    """A few consecutive pages of (filtered) entries, oldest first; never the whole ledger."""

    page_size: int
    max_pages: int = 3
    pages: list[list[dict]] = field(default_factory=list)
    at_start: bool = True
    at_end: bool = True

    @property
    def rows(self) -> list[dict]:
        return [row for page in self.pages for row in page]

    @property
    def first_seq(self) -> int | None:
        return self.pages[0][0]["seq"] if self.pages else None

    @property
    def last_seq(self) -> int | None:
        return self.pages[-1][-1]["seq"] if self.pages else None

    def start_at_first(self, rows: list[dict]) -> None:
        """The first page of the ledger (or of the filtered entries)."""
        self.pages = [rows] if rows else []
        self.at_start, self.at_end = True, len(rows) < self.page_size

    def start_at_last(self, rows: list[dict]) -> None:
        """The last page: the newest entries."""
        self.pages = [rows] if rows else []
        self.at_start, self.at_end = len(rows) < self.page_size, True

    def add_after(self, rows: list[dict]) -> None:
        """The page after the last row held; the oldest page goes when more than `max_pages` are held."""
        self.at_end = len(rows) < self.page_size
        if not rows:
            return
        self.pages.append(rows)
        while len(self.pages) > self.max_pages:
            self.pages.pop(0)
            self.at_start = False

    def add_before(self, rows: list[dict]) -> None:
        """The page before the first row held; the newest page goes when more than `max_pages` are held."""
        self.at_start = len(rows) < self.page_size
        if not rows:
            return
        self.pages.insert(0, rows)
        while len(self.pages) > self.max_pages:
            self.pages.pop()
            self.at_end = False


# -- one row's cells ---------------------------------------------------------------------------
def london_time(recorded_at: str) -> str:
    """'2026-11-20T10:17:14.868489Z' as the London wall-clock time, 10:17."""
    try:
        moment = datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
    except ValueError:
        return recorded_at[11:16]
    return moment.astimezone(LONDON).strftime("%H:%M")


def amount_pence(kind: str, body: dict) -> int | None:
    """The money an entry is about: its amount or value, a float or count, or what a reversal moved."""
    for key in ("amount_pence", "value_pence", "float_pence", "cash_pence_counted"):
        if isinstance(body.get(key), int):
            return body[key]
    postings = body.get("postings") or []
    moved = sum(p["amount_pence"] for p in postings if p.get("amount_pence", 0) > 0)
    if not moved:
        return None
    return -moved if kind == "entry_reversed" else moved


def _words(*parts) -> str:
    return " ".join(str(part) for part in parts if part not in (None, ""))


def summary(kind: str, body: dict) -> str:
    """A few words that tell one entry from its neighbours (the detail screen has the rest)."""
    get = body.get
    if kind == "receipt_recorded":
        return _words(f"#{get('receipt_no')}", get("payer"), get("code"))
    if kind in ("debt_raised", "debt_collected"):
        return _words(get("debtor_ref"), get("name") or get("method"))
    if kind == "payout_recorded":
        return _words(get("payee"), get("code"))
    if kind in ("warrant_issued", "warrant_spoiled"):
        return _words(f"#{get('serial')}", get("recipient") or get("reason"))
    if kind == "warrants_received":
        return f"#{get('first')}–{get('last')}"
    if kind == "entry_reversed":
        return _words(f"seq {get('reversed_seq')}:", get("reason"))
    if kind in ("code_added", "code_retired"):
        return _words(get("code"), get("name"))
    if kind == "setting_changed":
        return _words(f"{get('key')}={get('value')}", get("user"))
    if kind == "book_created":
        return str(get("office", ""))
    if kind.startswith("user_") or kind in ("signed_in", "sign_in_failed"):
        return _words(get("username"), ",".join(get("roles") or ()))
    if "officer" in body:
        return _words(get("officer"), get("bag"))
    return _words(*[value for value in body.values() if isinstance(value, (str, int))][:3])


def row_cells(row: dict, money) -> tuple[str, ...]:
    """Seq, date, time, actor, kind, detail, amount: plain strings (never markup)."""
    try:
        body = json.loads(row["body"])
    except (TypeError, ValueError):
        body = None
    if not isinstance(body, dict):
        body = {}
    pence = amount_pence(row["kind"], body)
    return (str(row["seq"]), row["business_date"], london_time(row["recorded_at"]), row["actor"],
            row["kind"], summary(row["kind"], body), "" if pence is None else money(pence))
