"""Display formatting for people: en_GB money through babel, and plain text tables."""

from __future__ import annotations

from decimal import Decimal


LOCALE = "en_GB"


def money(amount_pence: int) -> str:
    """£1,234.50 (en_GB), from integer pence."""
    from babel.numbers import format_currency

    return format_currency(Decimal(amount_pence).scaleb(-2), "GBP", locale=LOCALE)


def table(rows: list[dict], columns: list[str] | None = None) -> str:
    """A plain aligned table; columns named *_pence* are shown as money."""
    if not rows:
        return "(nothing to show)"
    columns = columns or list(rows[0])
    cells = [[_cell(column, row.get(column)) for column in columns] for row in rows]
    headers = [column.replace("_pence", "") for column in columns]
    widths = [max(len(headers[i]), *(len(line[i]) for line in cells)) for i in range(len(columns))]
    numeric = ["_pence" in column for column in columns]
    lines = ["  ".join(h.ljust(w) if not n else h.rjust(w) for h, w, n in zip(headers, widths, numeric))]
    lines.append("  ".join("-" * w for w in widths))
    for line in cells:
        lines.append("  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(line, widths, numeric)))
    return "\n".join(lines)


def _cell(column: str, value) -> str:
    if value is None:
        return ""
    if "_pence" in column and isinstance(value, int):
        return money(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
