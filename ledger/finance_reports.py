"""The finance desk's reports: the work queue, runs, packages, discrepancies and spend by cost code."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from ledger import allowance, payplan
from ledger import packages as pk
from ledger.chain import format_recorded_at
from ledger.rules import pounds

if TYPE_CHECKING:
    from ledger.store import SqliteStore

__all__ = ["pounds"]


def payees(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        return [{"payee": row["payee"], "name": row["name"], "kind": row["kind"], "creditor": row["creditor"],
                 "active": bool(row["active"])} for row in reader.payees()]


def rates(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        return [{"from_date": from_date, **{f"{band}_pence": weekly[band] for band in weekly}}
                for from_date, weekly in reader.rates()]


def packages(store: SqliteStore, on: str | None = None) -> list[dict]:
    """Every package with its weekly due today, by cost code (`report packages`: the weekly commitment)."""
    today = date.fromisoformat(on) if on else date.today()
    with store.reading() as reader:
        rates_now = pk.policy(reader)
        rows = []
        for row in reader.packages():
            weekly = _weekly_due(reader, rates_now, row, today) if row["state"] == "authorised" else None
            rows.append({"package": row["package"], "payee": row["payee"], "case_ref": row["case_ref"],
                         "code": row["code"], "start": row["start"], "end": row["end_date"],
                         "state": row["state"], "paid_to": row["paid_to"], "weekly_due_pence": weekly})
    return rows


def _weekly_due(reader, rates_now, row: dict, today: date) -> int | None:
    return allowance.weekly_due_on(pk.terms(reader, row), rates_now, today)


def payruns(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        return [{"run": row["run"], "pay_date": row["pay_date"], "cutoff": row["cutoff"],
                 "period_end": row["period_end"], "state": row["state"], "total_pence": row["total_pence"],
                 "export_sha256": row["export_sha256"]} for row in reader.payruns()]


def plan_rows(plan: payplan.RunPlan) -> list[dict]:
    return [{"item": line["item"], "kind": line["kind"], "payee": line["payee"], "creditor": line["creditor"],
             "code": line["code"], "reference": line["reference"], "first": line.get("first"),
             "last": line.get("last"), "amount_pence": line["amount_pence"]} for line in plan.lines]


def payments(store: SqliteStore, now: datetime) -> list[dict]:
    """The work queue: every item awaiting authorisation, the cut-off it must meet and the time left."""
    now_utc = format_recorded_at(now)
    with store.reading() as reader:
        run = reader.next_open_payrun(now_utc)
        rows = []
        for item in reader.items("keyed"):
            rows.append({"item": item["item"], "kind": item["kind"], "payee": item["payee"],
                         "amount_pence": pk.item_cost_pence(reader, item), "keyed_by": item["keyed_by"],
                         "run": run["run"] if run else None, "cutoff": run["cutoff"] if run else None,
                         "minutes_left": _minutes_between(now, run["cutoff_utc"]) if run else None,
                         "exceptions": len(pk.item_exceptions(reader, item))})
    return sorted(rows, key=lambda row: (row["cutoff"] or "9999", row["item"]))


def _minutes_between(now: datetime, later_utc: str) -> int:
    later = datetime.fromisoformat(later_utc.replace("Z", "+00:00"))
    return int((later - now).total_seconds() // 60)


def discrepancies(store: SqliteStore, now: datetime) -> list[dict]:
    """Every exception: open ones (items waiting, the next run's preview) and those accepted at closing."""
    rows: list[dict] = []
    with store.reading() as reader:
        for item in reader.items("keyed"):
            rows += [{"state": "open", "run": None, **note} for note in pk.item_exceptions(reader, item)]
        for run in reader.payruns():
            if run["state"] == "scheduled":
                plan = payplan.plan_run(reader, run, format_recorded_at(now))
                rows += [{"state": "open", "run": run["run"], **note} for note in plan.exceptions]
            else:
                body = reader.entry(run["closed_seq"]).body_dict()
                rows += [{"state": "accepted", "run": run["run"], **note, "reason": body.get("reason")}
                         for note in body["exceptions"]]
    return [{"state": row["state"], "run": row["run"], "kind": row["kind"], "item": row["item"],
             "message": row["message"], "reason": row.get("reason")} for row in rows]


def spend(store: SqliteStore, first: str, last: str) -> list[dict]:
    """Net spend by cost code over business dates first..last (for the statutory returns)."""
    with store.reading() as reader:
        rows = reader.postings_between("Expenses:", first, last)
    return [{"code": row["account"].removeprefix("Expenses:"), "first": first, "last": last,
             "amount_pence": row["amount_pence"], "entries": row["entries"]} for row in rows]
