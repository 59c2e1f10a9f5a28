"""`report banking`: every bag from banked to settled, its age in England working days, and every
statement line that nothing explains."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ledger.calendar import working_days_between

if TYPE_CHECKING:
    from ledger.store import SqliteStore

#: A bag still in transit after this many working days is flagged.
LATE_AFTER_WORKING_DAYS = 3
#: The order a supervisor reads them in: what needs them first.
STATE_ORDER = ("mismatched", "in_transit", "unexplained", "confirmed", "resolved")
#: Every row's keys, in order (bags and statement lines alike, so CSV has one header).
COLUMNS = ("kind", "bag", "officer", "banked_on", "amount_pence", "state", "working_days", "flag",
           "statement_date", "statement_pence", "difference_pence", "reference")


def banking(store: SqliteStore, today: str) -> list[dict]:
    """One row per bag, then one per unexplained statement line, every row with the same columns.

    A bag's `working_days` is its age today while in transit, else how long the bank took to
    show it; `amount_pence` is what was banked (for a statement line, the line's amount)."""
    with store.reading() as reader:
        bags, lines = reader.bank_bags(), reader.statement_lines("unexplained")
    rows = [_bag_row(bag, today) for bag in bags] + [_line_row(line) for line in lines]
    return sorted(rows, key=lambda row: STATE_ORDER.index(row["state"]))


def _bag_row(bag: dict, today: str) -> dict:
    end = today if bag["state"] == "in_transit" else bag["statement_date"]
    days = working_days_between(date.fromisoformat(bag["business_date"]), date.fromisoformat(end))
    late = bag["state"] == "in_transit" and days > LATE_AFTER_WORKING_DAYS
    statement_pence = bag["statement_pence"]
    return {
        "kind": "bag", "bag": bag["bag"], "officer": bag["officer"], "banked_on": bag["business_date"],
        "amount_pence": bag["amount_pence"], "state": bag["state"], "working_days": days,
        "flag": f"late: over {LATE_AFTER_WORKING_DAYS} working days" if late else "",
        "statement_date": bag["statement_date"] or "", "statement_pence": statement_pence,
        "difference_pence": None if statement_pence is None else statement_pence - bag["amount_pence"],
        "reference": bag["statement_reference"] or "",
    }


def _line_row(line: dict) -> dict:
    words = " · ".join(part for part in (line["reference"], line["description"]) if part)
    return {
        "kind": "statement_line", "bag": "", "officer": "", "banked_on": "", "amount_pence": line["amount_pence"],
        "state": "unexplained", "working_days": None, "flag": "debit" if line["amount_pence"] < 0 else "credit",
        "statement_date": line["date"], "statement_pence": line["amount_pence"], "difference_pence": None,
        "reference": words,
    }
