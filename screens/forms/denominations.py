"""Notes and coins by count: the grid the opening float and the closing count share."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.widgets import Input, Label

#: GBP notes, then coins, in pence: the pieces a float or a count is made of.
NOTES_PENCE = (5000, 2000, 1000, 500)
COINS_PENCE = (200, 100, 50, 20, 10, 5, 2, 1)
PIECES_PENCE = NOTES_PENCE + COINS_PENCE


def piece_name(value_pence: int) -> str:
    """£50, £2, 50p, 1p: as the piece is printed."""
    return f"£{value_pence // 100}" if value_pence >= 100 else f"{value_pence}p"


class DenominationGrid(Grid):
    """One small count box per note and coin, notes first; `counts()` reads them as {pence: count}."""

    def compose(self) -> ComposeResult:
        for value_pence in PIECES_PENCE:
            with Horizontal(classes="piece"):
                yield Label(piece_name(value_pence), classes="piece-label")
                yield Input(id=f"piece-{value_pence}", placeholder="0", restrict=r"[0-9]*", max_length=6,
                            compact=True, classes="piece-count")

    def counts(self) -> dict[int, int]:
        """How many of each piece was typed; pieces left empty or at 0 are left out."""
        counts = {}
        for value_pence in PIECES_PENCE:
            text = self.query_one(f"#piece-{value_pence}", Input).value.strip()
            if text and int(text):
                counts[value_pence] = int(text)
        return counts

    def total_pence(self) -> int:
        return sum(value_pence * count for value_pence, count in self.counts().items())

    def notes_pence(self) -> int:
        return sum(value_pence * count for value_pence, count in self.counts().items()
                   if value_pence in NOTES_PENCE)
