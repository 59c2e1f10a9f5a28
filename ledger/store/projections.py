"""Applies one entry to the projection tables; the same code serves appends and `rebuild`."""

from __future__ import annotations

import json
import sqlite3
from typing import Callable

from ledger.chain import Entry
from ledger.kinds import LIMIT_KINDS
from ledger.store.finance_projections import FINANCE_HANDLERS
from ledger.store import bank_projections
from ledger.store.dialect import SQLITE

Apply = Callable[[sqlite3.Connection, Entry, dict], None]


def apply_entry(conn: sqlite3.Connection, entry: Entry, body: dict, *, actor_failures_zero: bool = False) -> None:
    """Project one entry: its postings, then whatever its kind keeps.

    `actor_failures_zero` says the caller read the actor's row in this transaction and its failure
    count is 0, so that resetting it would change nothing (rebuild never knows, and always resets)."""
    postings = body.get("postings")
    if postings:
        seq, business_date = entry.seq, entry.business_date
        conn.executemany(
            "INSERT INTO postings (account, business_date, seq, n, amount_pence) VALUES (?, ?, ?, ?, ?)",
            [(posting["account"], business_date, seq, n, posting["amount_pence"])
             for n, posting in enumerate(postings)],
        )
    handler = _HANDLERS.get(entry.kind)
    if handler is not None:
        handler(conn, entry, body)
    if entry.kind in LIMIT_KINDS:
        _counter_entry(conn, entry, body)
    if not actor_failures_zero:
        _note_actor_success(conn, entry)


def dialect_of(conn):
    return getattr(conn, "dialect", SQLITE)


def _note_actor_success(conn: sqlite3.Connection, entry: Entry) -> None:
    """Any entry an actor writes proves a good PIN: the failure streak starts again."""
    if entry.kind not in ("sign_in_failed", "user_locked"):
        conn.execute("UPDATE users SET failures = 0 WHERE username = ? AND failures > 0", (entry.actor,))


def _user_added(conn, entry, body):
    conn.execute(
        "INSERT INTO users (username, name, roles, active, locked, failures) VALUES (?, ?, ?, 1, 0, 0)",
        (body["username"], body.get("name", body["username"]), ",".join(body["roles"])),
    )


def _user_roles_changed(conn, entry, body):
    conn.execute("UPDATE users SET roles = ? WHERE username = ?", (",".join(body["roles"]), body["username"]))


def _user_deactivated(conn, entry, body):
    conn.execute("UPDATE users SET active = 0 WHERE username = ?", (body["username"],))


def _user_unlocked(conn, entry, body):
    conn.execute("UPDATE users SET locked = 0, failures = 0 WHERE username = ?", (body["username"],))


def _user_locked(conn, entry, body):
    conn.execute("UPDATE users SET locked = 1 WHERE username = ?", (body["username"],))


def _sign_in_failed(conn, entry, body):
    conn.execute("UPDATE users SET failures = ? WHERE username = ?", (body["failures"], body["username"]))


def _signed_in(conn, entry, body):
    conn.execute("UPDATE users SET failures = 0 WHERE username = ?", (body["username"],))


def _code_added(conn, entry, body):
    conn.execute(
        "INSERT INTO codes (code, name, type, active) VALUES (?, ?, ?, 1)",
        (body["code"], body["name"], body["type"]),
    )


def _code_retired(conn, entry, body):
    conn.execute("UPDATE codes SET active = 0 WHERE code = ?", (body["code"],))


def _setting_changed(conn, entry, body):
    conn.execute(
        "INSERT INTO settings (key, scope, value) VALUES (?, ?, ?) "
        "ON CONFLICT (key, scope) DO UPDATE SET value = excluded.value",
        (body["key"], body.get("user", ""), dialect_of(conn).setting_in(body["value"])),
    )


def _book_created(conn, entry, body):
    _setting_changed(conn, entry, {"key": "daily_limit_pence", "value": body["daily_limit_pence"]})


def _session_opened(conn, entry, body):
    conn.execute(
        "INSERT INTO sessions (officer, business_date, opened_seq, float_pence, state) "
        "VALUES (?, ?, ?, ?, 'open')",
        (body["officer"], entry.business_date, entry.seq, body["float_pence"]),
    )


def _count_declared(conn, entry, body):
    _set_session_state(conn, body["officer"], entry.business_date, "counted")
    conn.execute("UPDATE sessions SET count_seq = ? WHERE officer = ? AND business_date = ?",
                 (entry.seq, body["officer"], entry.business_date))


def _recount_requested(conn, entry, body):
    _set_session_state(conn, body["officer"], entry.business_date, "recount")


def _day_signed_off(conn, entry, body):
    _set_session_state(conn, body["officer"], entry.business_date, "signed_off")
    conn.execute("UPDATE sessions SET signed_off_seq = ? WHERE officer = ? AND business_date = ?",
                 (entry.seq, body["officer"], entry.business_date))


def _cash_banked(conn, entry, body):
    conn.execute("UPDATE sessions SET banked_seq = ?, bag = ? WHERE officer = ? AND business_date = ?",
                 (entry.seq, body["bag"], body["officer"], entry.business_date))
    bank_projections.bag_banked(conn, entry, body)


def _set_session_state(conn, officer: str, business_date: str, state: str) -> None:
    conn.execute("UPDATE sessions SET state = ? WHERE officer = ? AND business_date = ?",
                 (state, officer, business_date))


def _receipt_recorded(conn, entry, body):
    conn.execute("INSERT INTO receipts (receipt_no, seq) VALUES (?, ?)", (body["receipt_no"], entry.seq))


def _debt_raised(conn, entry, body):
    conn.execute(
        "INSERT INTO debtors (debtor_ref, name, raised_pence, collected_pence) VALUES (?, ?, ?, 0) "
        "ON CONFLICT (debtor_ref) DO UPDATE SET raised_pence = debtors.raised_pence + excluded.raised_pence",
        (body["debtor_ref"], body["name"], body["amount_pence"]),
    )


def _debt_collected(conn, entry, body):
    _adjust_debtor(conn, body["debtor_ref"], body["amount_pence"])


def _adjust_debtor(conn, debtor_ref: str, collected_pence: int) -> None:
    conn.execute(
        "UPDATE debtors SET collected_pence = collected_pence + ? WHERE debtor_ref = ?",
        (collected_pence, debtor_ref),
    )


def _warrants_received(conn, entry, body):
    conn.executemany(
        "INSERT INTO warrants (serial, status, received_seq) VALUES (?, 'stock', ?)",
        ((serial, entry.seq) for serial in range(body["first"], body["last"] + 1)),
    )


def _warrant_issued(conn, entry, body):
    _set_warrant(conn, body["serial"], "issued", entry.seq)


def _warrant_spoiled(conn, entry, body):
    _set_warrant(conn, body["serial"], "spoiled", entry.seq)


def _set_warrant(conn, serial: int, status: str, seq: int) -> None:
    conn.execute("UPDATE warrants SET status = ?, used_seq = ? WHERE serial = ?", (status, seq, serial))


def _counter_entry(conn, entry: Entry, body: dict) -> None:
    amount = body.get("amount_pence", body.get("value_pence"))
    conn.execute(
        "INSERT INTO counter_entries (seq, kind, officer, business_date, method, code, limit_pence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (entry.seq, entry.kind, entry.actor, entry.business_date, body.get("method", "cash"),
         body.get("code"), amount),
    )


def _entry_reversed(conn, entry, body):
    original = body["reversed_seq"]
    conn.execute("UPDATE counter_entries SET reversed_by = ? WHERE seq = ?", (entry.seq, original))
    row = conn.execute(
        "SELECT e.kind, e.body FROM entries e WHERE e.seq = ?", (original,)
    ).fetchone()
    if row is None:
        return
    kind, original_body = row[0], json.loads(row[1])
    if kind == "debt_collected":
        _adjust_debtor(conn, original_body["debtor_ref"], -original_body["amount_pence"])
    elif kind == "warrant_issued":
        _set_warrant(conn, original_body["serial"], "cancelled", entry.seq)


_HANDLERS: dict[str, Apply] = {
    "book_created": _book_created,
    "user_added": _user_added,
    "user_roles_changed": _user_roles_changed,
    "user_deactivated": _user_deactivated,
    "user_unlocked": _user_unlocked,
    "user_locked": _user_locked,
    "sign_in_failed": _sign_in_failed,
    "signed_in": _signed_in,
    "code_added": _code_added,
    "code_retired": _code_retired,
    "setting_changed": _setting_changed,
    "session_opened": _session_opened,
    "receipt_recorded": _receipt_recorded,
    "debt_raised": _debt_raised,
    "debt_collected": _debt_collected,
    "warrants_received": _warrants_received,
    "warrant_issued": _warrant_issued,
    "warrant_spoiled": _warrant_spoiled,
    "entry_reversed": _entry_reversed,
    "count_declared": _count_declared,
    "recount_requested": _recount_requested,
    "day_signed_off": _day_signed_off,
    "cash_banked": _cash_banked,
    **FINANCE_HANDLERS,
    **bank_projections.HANDLERS,
}
