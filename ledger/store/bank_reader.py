"""The reads income reconciliation and reference rules need: bags, statement lines, rules."""

from __future__ import annotations


class BankReads:
    """Mixed into `Reader`: queries over the bank_bags, statement_lines and reference_rules projections."""

    def bags_in_transit(self) -> list[dict]:
        """Bags banked and not yet named by any statement line, oldest first."""
        return self._all("SELECT * FROM bank_bags WHERE state = 'in_transit' ORDER BY business_date, bag")

    def bank_bag(self, bag: str) -> dict | None:
        return self._one("SELECT * FROM bank_bags WHERE bag = ?", (bag,))

    def bank_bags(self) -> list[dict]:
        """Every bag with the statement line that named it (if any), by banking date."""
        return self._all(
            "SELECT b.*, l.date AS statement_date, l.reference AS statement_reference FROM bank_bags b LEFT JOIN "
            "statement_lines l ON l.seq = b.line_seq ORDER BY b.business_date, b.bag")

    def statement_lines(self, state: str | None = None) -> list[dict]:
        if state is None:
            return self._all("SELECT * FROM statement_lines ORDER BY date, seq")
        return self._all("SELECT * FROM statement_lines WHERE state = ? ORDER BY date, seq", (state,))

    def statement_line(self, seq: int) -> dict | None:
        return self._one("SELECT * FROM statement_lines WHERE seq = ?", (seq,))

    def reference_rules(self) -> list[dict]:
        return self._all("SELECT * FROM reference_rules ORDER BY type")
