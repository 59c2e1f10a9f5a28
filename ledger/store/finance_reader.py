"""The finance desk's reads: payees, items, packages, rates and pay runs (mixed into `Reader`)."""

from __future__ import annotations

import json


def _escaped(text: str) -> str:
    """`text` as a LIKE pattern (with ESCAPE '\\') that matches only itself, ignoring case."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(text: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') for "contains `text`", its wildcards taken literally."""
    return "%" + _escaped(text) + "%"


class FinanceReads:
    """Named queries for the finance desk; `self.conn`, `_one` and `_value` come from `Reader`."""

    # -- payees --------------------------------------------------------------------------
    def payee(self, payee: str) -> dict | None:
        return self._one("SELECT * FROM payees WHERE payee = ?", (payee,))

    def payee_by_creditor(self, creditor: str) -> dict | None:
        return self._one("SELECT * FROM payees WHERE creditor = ?", (creditor,))

    def payees(self) -> list[dict]:
        return self._all("SELECT * FROM payees ORDER BY payee")

    def payees_named_alike(self, name_key: str, payee: str) -> list[dict]:
        return self._all("SELECT * FROM payees WHERE name_key = ? AND payee != ? ORDER BY payee", (name_key, payee))

    # -- items ---------------------------------------------------------------------------
    def item(self, item: str) -> dict | None:
        return self._one("SELECT * FROM items WHERE item = ?", (item,))

    def next_item_no(self, kind: str) -> int:
        return self._value("SELECT coalesce(max(item_no), 0) + 1 FROM items WHERE kind = ?", (kind,))

    def item_hands(self, root: str) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT username FROM item_hands WHERE root = ?", (root,))}

    def invoices_like(self, payee: str, invoice_key: str) -> list[dict]:
        """Live invoices (not rejected) that share the payee or the normalised number, oldest first."""
        return self._all(
            "SELECT * FROM items WHERE kind = 'invoice' AND state != 'rejected' "
            "AND (payee = ? OR invoice_key = ?) ORDER BY keyed_seq", (payee, invoice_key))

    def recent_invoice_amounts(self, payee: str, before_seq: int, count: int) -> list[int]:
        rows = self.conn.execute(
            "SELECT amount_pence FROM items WHERE kind = 'invoice' AND state != 'rejected' AND payee = ? "
            "AND keyed_seq < ? ORDER BY keyed_seq DESC LIMIT ?", (payee, before_seq, count))
        return [row[0] for row in rows]

    def items(self, state: str | None = None) -> list[dict]:
        if state is None:
            return self._all("SELECT * FROM items ORDER BY keyed_seq")
        return self._all("SELECT * FROM items WHERE state = ? ORDER BY keyed_seq", (state,))

    def items_for_run(self, cutoff_utc: str, previous_cutoff_utc: str = "") -> list[dict]:
        """Invoices and payments authorised between the previous run's cut-off and this one's, and not
        yet in a closed run (before the first run's cut-off, every one)."""
        return self._all(
            "SELECT * FROM items WHERE kind IN ('invoice', 'payment') AND state = 'authorised' "
            "AND run IS NULL AND decided_at < ? AND decided_at >= ? ORDER BY decided_seq",
            (cutoff_utc, previous_cutoff_utc))

    def items_missing_cutoff(self, cutoff_utc: str) -> list[dict]:
        """Items keyed before the cut-off that were not authorised by it (nor rejected before it)."""
        return self._all(
            "SELECT * FROM items WHERE keyed_at < ? AND run IS NULL AND NOT "
            "(state = 'authorised' AND decided_at < ?) AND NOT (state = 'rejected' AND decided_at < ?) "
            "ORDER BY keyed_seq", (cutoff_utc, cutoff_utc, cutoff_utc))

    # -- the work queue (the console's finance home and authorisation queue) -------------
    def waiting_items(self, limit: int, hands_of: str = "") -> list[dict]:
        """The first `limit` items awaiting authorisation, oldest keyed first, each with its payee's name,
        a package's child and terms, and whether `hands_of` keyed, changed or ended it."""
        return self._all(
            "SELECT i.item, i.kind, i.payee, i.package, i.keyed_by, i.keyed_seq, i.keyed_at, i.amount_pence, "
            "i.code, i.reference, i.from_date, i.reward_pence, i.duplicate_of, p.name AS payee_name, "
            "p.active AS payee_active, CASE WHEN EXISTS (SELECT 1 FROM item_hands h WHERE h.root = "
            "coalesce(i.package, i.item) AND h.username = ?) THEN 1 ELSE 0 END AS handled "
            "FROM items i LEFT JOIN payees p ON p.payee = i.payee "
            "WHERE i.state = 'keyed' ORDER BY i.keyed_seq LIMIT ?", (hands_of, limit))

    def waiting_totals(self) -> dict:
        """How many items await authorisation, and the invoices' and payments' total."""
        return self._one("SELECT count(*) AS items, coalesce(sum(amount_pence), 0) AS amount_pence "
                         "FROM items WHERE state = 'keyed'")

    def passed_open_payrun(self, now_utc: str) -> dict | None:
        """The latest run whose cut-off has passed but which is not closed yet (its items missed it)."""
        return self._one("SELECT * FROM payruns WHERE state = 'scheduled' AND cutoff_utc <= ? "
                         "ORDER BY cutoff_utc DESC LIMIT 1", (now_utc,))

    def payees_like(self, text: str, limit: int) -> list[dict]:
        """Payees whose reference is `text`, then those whose reference or name contains it."""
        exact, pattern, like = _escaped(text), _contains(text), self.dialect.like
        return self._all(
            f"SELECT * FROM payees WHERE payee {like} ? ESCAPE '\\' OR payee {like} ? ESCAPE '\\' "
            f"OR name {like} ? ESCAPE '\\' ORDER BY (payee {like} ? ESCAPE '\\') DESC, active DESC, payee LIMIT ?",
            (exact, pattern, pattern, exact, limit))

    def packages_like(self, text: str, limit: int) -> list[dict]:
        """Packages (not rejected) whose id, case or carer matches `text`, with the carer's name."""
        exact, pattern, like = _escaped(text), _contains(text), self.dialect.like
        matches = " OR ".join(f"{column} {like} ? ESCAPE '\\'" for column in
                              ("p.package", "p.package", "p.case_ref", "p.payee", "y.name"))
        return self._all(
            "SELECT p.*, i.state, i.reward_pence, i.keyed_by, i.decided_at, y.name AS payee_name FROM packages p "
            "JOIN items i ON i.item = p.package LEFT JOIN payees y ON y.payee = p.payee "
            f"WHERE i.state != 'rejected' AND ({matches}) "
            f"ORDER BY (p.package {like} ? ESCAPE '\\') DESC, p.package LIMIT ?",
            (exact, pattern, pattern, pattern, pattern, exact, limit))

    # -- packages and rates --------------------------------------------------------------
    def package(self, package: str) -> dict | None:
        return self._one(
            "SELECT p.*, i.state, i.reward_pence, i.keyed_by, i.decided_at FROM packages p "
            "JOIN items i ON i.item = p.package WHERE p.package = ?", (package,))

    def packages(self) -> list[dict]:
        return self._all(
            "SELECT p.*, i.state, i.reward_pence, i.keyed_by, i.decided_at FROM packages p "
            "JOIN items i ON i.item = p.package ORDER BY p.package")

    def reward_changes(self, package: str, authorised_before: str | None = None) -> list[dict]:
        """Authorised reward changes of a package (before a moment, if given), by effective date."""
        sql = "SELECT * FROM items WHERE kind = 'change' AND package = ? AND state = 'authorised'"
        params: tuple = (package,)
        if authorised_before is not None:
            sql, params = sql + " AND decided_at < ?", (package, authorised_before)
        return self._all(sql + " ORDER BY from_date, decided_seq", params)

    def last_day_paid(self) -> str | None:
        """The latest day a closed pay run has paid any package to (None before the first)."""
        return self._value("SELECT max(paid_to) FROM packages")

    def rates(self) -> list[tuple[str, dict]]:
        rows = self.conn.execute("SELECT from_date, weekly FROM rates ORDER BY from_date")
        return [(from_date, json.loads(weekly)) for from_date, weekly in rows]

    def overpayments_owed(self, payee: str) -> list[dict]:
        """Overpayment debts of a carer's packages with something left to recover, oldest first."""
        return self._all(
            "SELECT d.debtor_ref, d.raised_pence - d.collected_pence AS balance_pence FROM debtors d "
            "JOIN packages p ON d.debtor_ref = 'OP-' || p.package WHERE p.payee = ? "
            "AND d.raised_pence > d.collected_pence ORDER BY d.debtor_ref", (payee,))

    # -- pay runs ------------------------------------------------------------------------
    def payrun(self, run: str) -> dict | None:
        return self._one("SELECT * FROM payruns WHERE run = ?", (run,))

    def payruns(self) -> list[dict]:
        return self._all("SELECT * FROM payruns ORDER BY cutoff_utc")

    def last_payrun(self) -> dict | None:
        return self._one("SELECT * FROM payruns ORDER BY cutoff_utc DESC LIMIT 1")

    def previous_payrun(self, cutoff_utc: str) -> dict | None:
        return self._one("SELECT * FROM payruns WHERE cutoff_utc < ? ORDER BY cutoff_utc DESC LIMIT 1",
                         (cutoff_utc,))

    def open_payruns_past_cutoff(self, now_utc: str) -> list[dict]:
        """Runs not yet closed whose cut-off has passed: what they pay is already decided."""
        return self._all("SELECT * FROM payruns WHERE state = 'scheduled' AND cutoff_utc <= ? ORDER BY cutoff_utc",
                         (now_utc,))

    def next_open_payrun(self, after_utc: str) -> dict | None:
        return self._one("SELECT * FROM payruns WHERE state = 'scheduled' AND cutoff_utc > ? "
                         "ORDER BY cutoff_utc LIMIT 1", (after_utc,))

    def next_payrun_no(self) -> int:
        return self._value("SELECT count(*) + 1 FROM payruns")
