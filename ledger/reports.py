"""Reports computed from the ledger: limits, the day's entries, reconciliation, warrants, debtors, income."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ledger.admin import SETTINGS
from ledger.counter import CounterOps

if TYPE_CHECKING:
    from ledger.store import SqliteStore

LONDON = ZoneInfo("Europe/London")
DAILY_KINDS = ("session_opened", "receipt_recorded", "debt_collected", "payout_recorded", "warrant_issued",
               "warrant_spoiled", "entry_reversed", "count_declared", "recount_requested", "day_signed_off",
               "cash_banked")


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


def daily(store: SqliteStore, business_date: str) -> list[dict]:
    """Every counter entry of a business date, by officer then seq."""
    with store.reading() as reader:
        rows = [_daily_row(row, reader) for row in reader.entries_on(business_date, DAILY_KINDS)]
    return sorted(rows, key=lambda row: (row["officer"], row["seq"]))


def _daily_row(row: tuple, reader) -> dict:
    seq, _entry_id, kind, recorded_at, _date, actor, _terminal, body_text, _prev, _hash = row
    body = json.loads(body_text)
    officer = body.get("officer", actor)
    if kind == "entry_reversed":  # filed under the officer whose day it is, netting the original
        original = reader.entry(body["reversed_seq"])
        officer = original.actor if original else actor
        body = {**body, "amount_pence": -_amount(original.kind, original.body_dict())} if original else body
    moment = datetime.fromisoformat(recorded_at.replace("Z", "+00:00")).astimezone(LONDON)
    return {
        "officer": officer, "seq": seq, "time": moment.strftime("%H:%M"), "kind": kind,
        "by": actor, "detail": _detail(kind, body), "code": body.get("code", ""),
        "method": body.get("method", ""), "amount_pence": _amount(kind, body),
    }


def _detail(kind: str, body: dict) -> str:
    if kind == "receipt_recorded":
        return f"receipt {body['receipt_no']} from {body['payer']}"
    if kind == "warrant_issued":
        return f"warrant {body['serial']} to {body['recipient']}: {body['journey']}"
    if kind == "warrant_spoiled":
        return f"warrant {body['serial']} spoiled: {body['reason']}"
    if kind == "entry_reversed":
        return f"reverses seq {body['reversed_seq']} ({body['authorised_by']}): {body['reason']}"
    if kind == "cash_banked":
        return f"bag {body['bag']}"
    return body.get("payee") or body.get("debtor_ref") or body.get("reason") or ""


def _amount(kind: str, body: dict) -> int | None:
    for key in ("amount_pence", "value_pence", "float_pence", "cash_pence_counted"):
        if key in body:
            value = body[key]
            return -value if kind == "payout_recorded" else value
    return None


def reconciliation(store: SqliteStore, business_date: str) -> list[dict]:
    """Per officer: float, expected and counted by method, variance, reason, who signed off and when."""
    rows = []
    with store.reading() as reader:
        for session in reader.sessions_on(business_date):
            officer = session["officer"]
            totals = reader.day_totals(officer, business_date)
            count = reader.entry(session["count_seq"]).body_dict() if session["count_seq"] else {}
            signed = reader.entry(session["signed_off_seq"]) if session["signed_off_seq"] else None
            signed_body = signed.body_dict() if signed else {}
            expected_pence = signed_body.get("cash_pence_expected", totals["cash_pence"])
            counted_pence = count.get("cash_pence_counted")
            rows.append({
                "officer": officer, "business_date": business_date, "state": session["state"],
                "float_pence": session["float_pence"], "cash_pence_expected": expected_pence,
                "cash_pence_counted": counted_pence,
                "cash_pence_variance": None if counted_pence is None else counted_pence - expected_pence,
                "cheques_expected": signed_body.get("cheques_expected", totals["cheques"]),
                "cheques_counted": count.get("cheques_counted"), "cheques_pence": totals["cheques_pence"],
                "reason": signed_body.get("reason", ""), "signed_off_by": signed.actor if signed else "",
                "signed_off_at": signed.recorded_at if signed else "", "bag": session["bag"] or "",
            })
    return rows


def warrants(store: SqliteStore) -> list[dict]:
    """The register: every serial received, with its fate; skipped forms and unreceived gaps flagged."""
    with store.reading() as reader:
        register = reader.warrant_register()
    highest_used = max((row["serial"] for row in register if row["status"] != "stock"), default=0)
    rows, previous = [], None
    for row in register:
        if previous is not None and row["serial"] > previous + 1:
            rows.append({"serial": f"{previous + 1}-{row['serial'] - 1}", "status": "gap", "date": "",
                         "by": "", "detail": "never received into stock", "value_pence": None, "flag": "gap"})
        rows.append(_register_row(row, highest_used))
        previous = row["serial"]
    return rows


def _register_row(row: dict, highest_used: int) -> dict:
    body = json.loads(row["used_body"]) if row["used_body"] else {}
    skipped = row["status"] == "stock" and row["serial"] < highest_used
    detail = body.get("recipient") or body.get("reason") or ""
    if row["status"] == "cancelled":
        detail = f"issue reversed: {body.get('reason', '')}"
    return {"serial": row["serial"], "status": row["status"], "date": row["used_date"] or "",
            "by": row["used_by"] or "", "detail": detail, "value_pence": body.get("value_pence"),
            "flag": "skipped" if skipped else ""}


def debtors(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        collected = reader.collections_by_debtor()
        return [{"debtor_ref": row["debtor_ref"], "name": row["name"], "raised_pence": row["raised_pence"],
                 "collected_pence": row["collected_pence"], "balance_pence": row["balance_pence"],
                 "collections": collected.get(row["debtor_ref"], {}).get("collections", 0),
                 "last_collected": collected.get(row["debtor_ref"], {}).get("last_date") or ""}
                for row in reader.debtors()]


def income(store: SqliteStore, first_date: str, last_date: str) -> list[dict]:
    """Income by code over business dates first..last (for the statutory returns), net of reversals."""
    with store.reading() as reader:
        names = {row["code"]: row["name"] for row in reader.codes()}
        rows = reader.postings_between("Income:", first_date, last_date)
    return [{"code": row["account"].removeprefix("Income:"),
             "name": names.get(row["account"].removeprefix("Income:"), ""), "from": first_date, "to": last_date,
             "entries": row["entries"], "income_pence": -row["amount_pence"]} for row in rows]


def users(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        return [{"username": row["username"], "roles": row["roles"], "active": bool(row["active"]),
                 "locked": bool(row["locked"])} for row in reader.users()]


def codes(store: SqliteStore) -> list[dict]:
    with store.reading() as reader:
        return [{"code": row["code"], "name": row["name"], "type": row["type"], "active": bool(row["active"])}
                for row in reader.codes()]


def signoff_slip(store: SqliteStore, officer: str, business_date: str) -> dict:
    """What the paper slip shows: the figures signed off and the anchor that pins the ledger."""
    with store.reading() as reader:
        session = reader.session(officer, business_date)
        entry = reader.entry(session["signed_off_seq"])
    body = entry.body_dict()
    return {
        "officer": officer, "business_date": business_date, "float_pence": session["float_pence"],
        "cash_pence_expected": body["cash_pence_expected"], "cash_pence_counted": body["cash_pence_counted"],
        "cash_pence_variance": body["cash_pence_variance"], "cheques_expected": body["cheques_expected"],
        "cheques_counted": body["cheques_counted"], "reason": body.get("reason", ""),
        "signed_off_by": entry.actor, "signed_off_at": entry.recorded_at, "anchor": f"{entry.seq}:{entry.hash}",
    }
