"""Reports read from the projections: limits, debtors, warrants, users and codes."""

from __future__ import annotations

from ledger.admin import SETTINGS
from ledger.counter import CounterOps
from ledger.store import SqliteStore


def limits(store: SqliteStore, business_date: str | None) -> list[dict]:
    """One row per officer with a session on the date (every date when None)."""
    rows = []
    with store.reading() as reader:
        for session in reader.sessions_on(business_date):
            officer, day = session["officer"], session["business_date"]
            used_pence = reader.limit_used_pence(officer, day)
            limit_pence = CounterOps.limit_pence(reader, officer) or SETTINGS["daily_limit_pence"][2]
            rows.append({
                "officer": officer, "business_date": day, "used_pence": used_pence,
                "limit_pence": limit_pence, "headroom_pence": max(limit_pence - used_pence, 0),
            })
    return rows


def debtors(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        return [{"debtor_ref": row["debtor_ref"], "name": row["name"], "raised_pence": row["raised_pence"],
                 "collected_pence": row["collected_pence"], "balance_pence": row["balance_pence"]}
                for row in reader.debtors()]


def warrants(store: SqliteStore) -> list[dict]:
    """The register's counts by status, plus the next serial an officer will issue."""
    with store.reading() as reader:
        counts = reader.warrants_by_status()
        next_serial = reader.next_stock_serial()
    return [{"status": status, "count": counts.get(status, 0)}
            for status in ("stock", "issued", "spoiled", "cancelled")] + [
        {"status": "next_serial", "count": next_serial or 0}]


def users(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        return [{"username": row["username"], "roles": row["roles"], "active": bool(row["active"]),
                 "locked": bool(row["locked"])} for row in reader.users()]


def codes(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        return [{"code": row["code"], "name": row["name"], "type": row["type"], "active": bool(row["active"])}
                for row in reader.codes()]
