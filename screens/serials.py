"""Warrant serials as an officer types them: `500010-500050,500060` into every serial named."""

from __future__ import annotations

#: The most serials one range may name (the register refuses larger ranges too).
MOST_IN_A_RANGE = 10_000


class SerialsError(ValueError):
    """Typed serials that are not serials or FIRST-LAST ranges; str() is one line for a person."""


def parse_serials(text: str) -> tuple[int, ...]:
    """Every serial named, sorted and once each; an empty text names none."""
    serials: set[int] = set()
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        first, dash, last = (part.strip() for part in item.partition("-"))
        if not first.isdecimal() or not first.isascii() or (dash and not (last.isdecimal() and last.isascii())):
            raise SerialsError(f"{item} is not a serial or a FIRST-LAST range")
        low, high = int(first), int(last or first)
        if high < low:
            raise SerialsError(f"{item} runs backwards")
        if high - low >= MOST_IN_A_RANGE:
            raise SerialsError(f"{item} names more than {MOST_IN_A_RANGE:,} serials")
        serials.update(range(low, high + 1))
    return tuple(sorted(serials))
