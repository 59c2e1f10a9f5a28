"""Projects banking and reference entries: bags from banked to settled, statement lines, reference rules.

A bag is `in_transit` from its `cash_banked`; a statement line naming it makes it `mismatched`
until a `banking_confirmed` in the same transaction says the amounts agree (`confirmed`), or a
supervisor's `banking_resolved` settles the difference (`resolved`). A statement line is
`unexplained` until an entry explains it: a bag's confirmation or resolution here, and, for
other matchers (the pay run's debit), `mark_line_explained` from their own projection.
"""

from __future__ import annotations

import sqlite3

from ledger.chain import Entry


def bag_banked(conn: sqlite3.Connection, entry: Entry, body: dict) -> None:
    """Called for every `cash_banked` (beside the session's own projection)."""
    conn.execute(
        "INSERT INTO bank_bags (bag, officer, business_date, banked_seq, amount_pence, state) "
        "VALUES (?, ?, ?, ?, ?, 'in_transit')",
        (body["bag"], body["officer"], entry.business_date, entry.seq, body["amount_pence"]),
    )


def mark_line_explained(conn: sqlite3.Connection, line_seq: int, state: str, seq: int) -> None:
    """A statement line explained by the entry at `seq`: its state becomes `state` (e.g. 'paid')."""
    conn.execute("UPDATE statement_lines SET state = ?, explained_seq = ? WHERE seq = ?", (state, seq, line_seq))


def _statement_line_imported(conn, entry, body):
    bag = body.get("bag")
    conn.execute(
        "INSERT INTO statement_lines (seq, profile, account, date, amount_pence, reference, description, bag, "
        "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry.seq, body["profile"], body["account"], body["date"], body["amount_pence"], body.get("reference"),
         body.get("description"), bag, "mismatched" if bag else "unexplained"),
    )
    if bag:
        conn.execute("UPDATE bank_bags SET state = 'mismatched', line_seq = ?, statement_pence = ? WHERE bag = ?",
                     (entry.seq, body["amount_pence"], bag))


def _settled(state: str):
    def apply(conn, entry, body):
        conn.execute("UPDATE bank_bags SET state = ?, settled_seq = ? WHERE bag = ?", (state, entry.seq, body["bag"]))
        mark_line_explained(conn, body["line_seq"], state, entry.seq)
    return apply


def _reference_rule_set(conn, entry, body):
    conn.execute(
        "INSERT INTO reference_rules (type, mask, scheme, seq) VALUES (?, ?, ?, ?) ON CONFLICT (type) DO UPDATE "
        "SET mask = excluded.mask, scheme = excluded.scheme, seq = excluded.seq",
        (body["type"], body["mask"], body.get("check"), entry.seq),
    )


HANDLERS = {
    "statement_line_imported": _statement_line_imported,
    "banking_confirmed": _settled("confirmed"),
    "banking_resolved": _settled("resolved"),
    "reference_rule_set": _reference_rule_set,
}
