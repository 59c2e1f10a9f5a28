"""Projects the finance desk's entries: payees, items awaiting or past authorisation, packages, runs."""

from __future__ import annotations

import json
import sqlite3

from ledger.chain import Entry
from ledger.names import invoice_key, name_key
from ledger.store.bank_projections import mark_line_explained


def _payee_added(conn: sqlite3.Connection, entry: Entry, body: dict) -> None:
    conn.execute(
        "INSERT INTO payees (payee, name, name_key, kind, creditor, active, added_seq) VALUES (?, ?, ?, ?, ?, 1, ?)",
        (body["payee"], body["name"], name_key(body["name"]), body["kind"], body["creditor"], entry.seq),
    )


def _payee_retired(conn, entry, body):
    conn.execute("UPDATE payees SET active = 0 WHERE payee = ?", (body["payee"],))


def _item(conn, entry: Entry, body: dict, kind: str, **columns) -> None:
    values = {"item": body["item"], "kind": kind, "item_no": int(body["item"].split("-")[1]), "keyed_by": entry.actor, "keyed_seq": entry.seq,
              "keyed_at": entry.recorded_at, "state": "keyed", **columns}
    names = ", ".join(values)
    conn.execute(f"INSERT INTO items ({names}) VALUES ({', '.join('?' * len(values))})", tuple(values.values()))
    root = columns.get("package") or body["item"]
    _hands(conn, root, entry.actor)


def _hands(conn, root: str, username: str) -> None:
    conn.execute("INSERT INTO item_hands (root, username) VALUES (?, ?) ON CONFLICT DO NOTHING", (root, username))


def _invoice_keyed(conn, entry, body):
    _item(conn, entry, body, "invoice", payee=body["payee"], amount_pence=body["amount_pence"],
          code=body["code"], reference=body["invoice_no"], invoice_key=invoice_key(body["invoice_no"]), invoice_date=body["invoice_date"],
          duplicate_of=body.get("duplicate_of"))


def _payment_keyed(conn, entry, body):
    _item(conn, entry, body, "payment", payee=body["payee"], amount_pence=body["amount_pence"], code=body["code"],
          reference=body.get("case_ref") or body["item"])


def _package_started(conn, entry, body):
    _item(conn, entry, body, "package", payee=body["payee"], code=body["code"], reference=body["case_ref"],
          from_date=body["start"],
          reward_pence=body["reward_pence"])
    conn.execute(
        "INSERT INTO packages (package, payee, case_ref, dob, start, end_date, code) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (body["item"], body["payee"], body["case_ref"], body["dob"], body["start"], body.get("end"), body["code"]),
    )


def _package_changed(conn, entry, body):
    payee = conn.execute("SELECT payee FROM packages WHERE package = ?", (body["package"],)).fetchone()
    _item(conn, entry, body, "change", package=body["package"], payee=payee[0] if payee else None,
          from_date=body["from_date"], reward_pence=body["reward_pence"])


def _package_ended(conn, entry, body):
    conn.execute("UPDATE packages SET end_date = ? WHERE package = ?", (body["end"], body["package"]))
    _hands(conn, body["package"], entry.actor)


def _decided(conn, entry: Entry, body: dict, state: str) -> None:
    conn.execute("UPDATE items SET state = ?, decided_by = ?, decided_at = ?, decided_seq = ? WHERE item = ?",
                 (state, entry.actor, entry.recorded_at, entry.seq, body["item"]))


def _item_authorised(conn, entry, body):
    _decided(conn, entry, body, "authorised")


def _item_rejected(conn, entry, body):
    _decided(conn, entry, body, "rejected")


def _rates_set(conn, entry, body):
    conn.execute(
        "INSERT INTO rates (from_date, weekly, seq) VALUES (?, ?, ?) "
        "ON CONFLICT (from_date) DO UPDATE SET weekly = excluded.weekly, seq = excluded.seq",
        (body["from_date"], json.dumps(body["weekly_pence"]), entry.seq),
    )


def _payrun_scheduled(conn, entry, body):
    conn.execute(
        "INSERT INTO payruns (run, pay_date, cutoff, cutoff_utc, period_end, state, scheduled_seq) "
        "VALUES (?, ?, ?, ?, ?, 'scheduled', ?)",
        (body["run"], body["pay_date"], body["cutoff"], body["cutoff_utc"], body["period_end"], entry.seq),
    )


def _payrun_closed(conn, entry, body):
    conn.execute("UPDATE payruns SET state = 'closed', closed_seq = ?, total_pence = ?, export_sha256 = ? "
                 "WHERE run = ?", (entry.seq, body["total_pence"], body["export_sha256"], body["run"]))
    for line in body["lines"]:
        if line["kind"] == "package":
            conn.execute("UPDATE packages SET paid_to = ? WHERE package = ?", (line["last"], line["item"]))
        elif line["kind"] == "recovery":
            conn.execute("UPDATE debtors SET collected_pence = collected_pence - ? WHERE debtor_ref = ?",
                         (line["amount_pence"], line["reference"]))
        else:
            conn.execute("UPDATE items SET run = ? WHERE item = ?", (body["run"], line["item"]))


def _payrun_paid(conn, entry, body):
    conn.execute("UPDATE payruns SET state = 'paid', paid_seq = ? WHERE run = ?", (entry.seq, body["run"]))
    if body.get("line_seq") is not None:  # the bank statement's debit that paid it
        mark_line_explained(conn, body["line_seq"], "paid", entry.seq)


def _overpayment_recorded(conn, entry, body):
    name = conn.execute("SELECT name FROM payees WHERE payee = ?", (body["payee"],)).fetchone()
    conn.execute(
        "INSERT INTO debtors (debtor_ref, name, raised_pence, collected_pence) VALUES (?, ?, ?, 0) "
        "ON CONFLICT (debtor_ref) DO UPDATE SET raised_pence = debtors.raised_pence + excluded.raised_pence",
        (body["debtor_ref"], name[0] if name else body["payee"], body["amount_pence"]),
    )


FINANCE_HANDLERS = {
    "payee_added": _payee_added,
    "payee_retired": _payee_retired,
    "invoice_keyed": _invoice_keyed,
    "payment_keyed": _payment_keyed,
    "package_started": _package_started,
    "package_changed": _package_changed,
    "package_ended": _package_ended,
    "item_authorised": _item_authorised,
    "item_rejected": _item_rejected,
    "rates_set": _rates_set,
    "payrun_scheduled": _payrun_scheduled,
    "payrun_closed": _payrun_closed,
    "payrun_paid": _payrun_paid,
    "overpayment_recorded": _overpayment_recorded,
}
