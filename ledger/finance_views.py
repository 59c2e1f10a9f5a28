"""Read models for the finance desk's console: the work queue, one item for its authoriser, look-ups as you type."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from ledger import allowance
from ledger import finance_rules as checks
from ledger import packages as pk
from ledger.chain import format_recorded_at
from ledger.finance import authorisation_limit_pence
from ledger.names import invoice_key

if TYPE_CHECKING:
    from ledger.store import Reader, SqliteStore

#: An invoice date no real invoice is within 14 days of: with it, the date-window rule never matches.
NO_DATE = "0001-01-01"


@dataclass(frozen=True)
class WorkQueue:
    """Items awaiting authorisation, oldest keyed first, and the cut-off they must meet.

    `rows` holds at most the first `limit` of the `waiting` items (read with LIMIT, so the queue costs
    the same at any ledger size); `run` is the next open run whose cut-off is ahead, `missed_run` one
    whose cut-off has passed but that is not closed yet (items keyed before it missed it)."""

    now_utc: str
    run: dict | None
    missed_run: dict | None
    waiting: int
    rows: list[dict] = field(default_factory=list)
    limit_pence: int | None = None


def work_queue(store: SqliteStore, now: datetime, limit: int, supervisor: str = "") -> WorkQueue:
    """The queue as the finance home (and, with `supervisor`, the authorisation queue) shows it."""
    now_utc = format_recorded_at(now)
    with store.reading() as reader:
        run, missed = reader.next_open_payrun(now_utc), reader.passed_open_payrun(now_utc)
        rows = [_queue_row(reader, item, missed) for item in reader.waiting_items(limit, supervisor)]
        limit_pence = authorisation_limit_pence(reader, supervisor) if supervisor else None
        waiting = reader.waiting_totals()["items"]
    return WorkQueue(now_utc, _run(run), _run(missed), waiting, rows, limit_pence)


def _run(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {name: row[name] for name in ("run", "pay_date", "cutoff", "cutoff_utc", "period_end", "state")}


def _queue_row(reader: Reader, item: dict, missed: dict | None) -> dict:
    """One waiting item: what it costs against a limit, and the flags SQL already knows."""
    flags = []
    if missed is not None and item["keyed_at"] < missed["cutoff_utc"]:
        flags.append(f"missed {missed['run']}")
    if item["duplicate_of"]:
        flags.append(f"duplicate of {item['duplicate_of']}?")
    if item["payee_active"] == 0:
        flags.append("payee retired")
    return {"item": item["item"], "kind": item["kind"], "payee": item["payee"] or "",
            "payee_name": item["payee_name"] or "", "cost_pence": pk.item_cost_pence(reader, item),
            "keyed_by": item["keyed_by"], "keyed_at": item["keyed_at"], "reference": item["reference"] or "",
            "package": item["package"], "handled": bool(item["handled"]), "flags": flags}


def item_for_authoriser(store: SqliteStore, item: str, supervisor: str) -> dict | None:
    """Everything an authoriser weighs: what was keyed, its cost against their limit, who had a hand in
    it, and its exceptions. None when there is no such item."""
    with store.reading() as reader:
        row = reader.item(item)
        if row is None:
            return None
        root = row["package"] or row["item"]
        package = reader.package(root) if row["kind"] in ("package", "change") else None
        return {"row": row, "keyed": reader.entry(row["keyed_seq"]).body_dict(),
                "cost_pence": pk.item_cost_pence(reader, row),
                "limit_pence": authorisation_limit_pence(reader, supervisor),
                "hands": sorted(reader.item_hands(root)), "exceptions": pk.item_exceptions(reader, row),
                "package": package}


def payees_like(store: SqliteStore, text: str, limit: int = 5) -> list[dict]:
    with store.reading() as reader:
        return reader.payees_like(text, limit)


def invoice_check(store: SqliteStore, payee: str, invoice_no: str, amount_pence: int | None,
                  invoice_date: str | None) -> dict | None:
    """What the duplicate rules would say of this invoice now (the rules of the service's own check):
    None, or the rule and the earlier invoice it may duplicate. A rule needing what is not typed yet
    (the amount, the date) cannot match."""
    key = invoice_key(invoice_no)
    if not payee or not key:
        return None
    with store.reading() as reader:
        named = reader.payees_like(payee, 1)  # the payee as typed, in any case, is the payee
        if named and named[0]["payee"].casefold() == payee.casefold():
            payee = named[0]["payee"]
        earlier = reader.invoices_like(payee, key)
        found = checks.find_duplicate(payee, key, amount_pence or 0, invoice_date or NO_DATE, earlier)
        if found is None:
            return None
        return {"rule": found.rule, "item": found.item, "earlier": reader.item(found.item)}


def packages_like(store: SqliteStore, text: str, today: date, limit: int = 5) -> list[dict]:
    """Packages matching `text`, each with its weekly due `today` (None when nothing is due that day)."""
    with store.reading() as reader:
        rates = pk.policy(reader)
        rows = reader.packages_like(text, limit)
        return [{**row, "weekly_due_pence": allowance.weekly_due_on(pk.terms(reader, row), rates, today)}
                for row in rows]


def package_end_effect(store: SqliteStore, package: str, end: str) -> dict | None:
    """What ending `package` on `end` (the last day paid) does: the overpaid days and pence when the
    end falls inside days a closed run already paid; None for an unknown package."""
    with store.reading() as reader:
        row = reader.package(package)
        if row is None:
            return None
        paid_to = row["paid_to"]
        if paid_to is None or end >= paid_to:
            return {"package": row, "overpaid_pence": 0, "days": 0}
        last_due = max(date.fromisoformat(end), date.fromisoformat(row["start"]) - allowance.ONE_DAY)
        days = (date.fromisoformat(paid_to) - last_due).days
        return {"package": row, "overpaid_pence": pk.overpaid_pence(reader, row, end), "days": days}


def policy(store: SqliteStore) -> allowance.Policy:
    with store.reading() as reader:
        return pk.policy(reader)
