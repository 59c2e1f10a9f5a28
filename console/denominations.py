"""`--notes 20x2,10x1 --coins 100x3,50x1`: notes by pound value, coins by pence value, into pence."""

from __future__ import annotations

import re

from console.parser import UsageError

NOTES_POUNDS = (50, 20, 10, 5)
COINS_PENCE = (200, 100, 50, 20, 10, 5, 2, 1)
ITEM = re.compile(r"([0-9]{1,3})x([0-9]{1,6})")


def parse_denominations(notes: str | None, coins: str | None) -> dict[int, int] | None:
    """{value_pence: count}, or None when neither was given."""
    if notes is None and coins is None:
        return None
    counts: dict[int, int] = {}
    for text, allowed, scale, what in ((notes, NOTES_POUNDS, 100, "note"), (coins, COINS_PENCE, 1, "coin")):
        for item in (text or "").split(","):
            if not item.strip():
                continue
            match = ITEM.fullmatch(item.strip())
            if not match or int(match[1]) not in allowed:
                raise UsageError(f"cashdesk: {item.strip()!r} is not VALUExNUMBER with a {what} value of "
                                 f"{', '.join(map(str, allowed))}")
            value_pence = int(match[1]) * scale
            counts[value_pence] = counts.get(value_pence, 0) + int(match[2])
    return counts


def parse_serials(text: str | None) -> tuple[int, ...]:
    """`500010-500050,500060` into every serial it names."""
    serials: list[int] = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        first, _, last = item.partition("-")
        if not _digits(first) or (last and not _digits(last)) or int(last or first) < int(first):
            raise UsageError(f"cashdesk: {item!r} is not a serial or a FIRST-LAST range")
        if int(last or first) - int(first) > 10_000:
            raise UsageError(f"cashdesk: {item!r} names more than 10,000 serials")
        serials.extend(range(int(first), int(last or first) + 1))
    return tuple(serials)


def _digits(text: str) -> bool:
    """0-9 only: str.isdigit() also admits '²' and '١', which int() then rejects or misreads."""
    return text.isascii() and text.isdigit()
