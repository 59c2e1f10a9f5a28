"""The warrant register in brief, for the admin: counts by status, the next serial, and runs of serials."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

#: How each status of the register reads on screen.
STATUS_WORDS = {"stock": "in stock", "issued": "issued", "spoiled": "spoiled", "cancelled": "cancelled",
                "gap": "never received"}


@dataclass(frozen=True)
class Run:
    """Consecutive serials with the same status."""

    first: int
    last: int
    status: str
    forms: int


@dataclass(frozen=True)
class StockSummary:
    counts: dict[str, int]
    next_serial: int | None
    highest: int
    skipped: int
    never_received: int

    def text(self) -> str:
        counts = " · ".join(f"{STATUS_WORDS[status]} {self.counts.get(status, 0):,}"
                            for status in ("stock", "issued", "spoiled", "cancelled"))
        counts = counts[:1].upper() + counts[1:]
        following = (f"Next serial {self.next_serial}" if self.next_serial is not None
                     else "No form left in stock: press a to receive more")
        return (f"{counts}\n{following} · highest {self.highest or 'none'} · "
                f"skipped {self.skipped:,} · never received {self.never_received:,}")


def _gap(row: dict) -> tuple[int, int]:
    first, last = row["serial"].split("-")
    return int(first), int(last)


def warrant_summary(rows: list[dict]) -> StockSummary:
    """From reports.warrants rows: the next serial is the lowest still in stock (the one issued next)."""
    forms = [row for row in rows if row["status"] != "gap"]
    stock = [row["serial"] for row in forms if row["status"] == "stock"]
    return StockSummary(
        counts=dict(Counter(row["status"] for row in forms)), next_serial=min(stock, default=None),
        highest=max((row["serial"] for row in forms), default=0),
        skipped=sum(1 for row in forms if row["flag"] == "skipped"),
        never_received=sum(last - first + 1 for first, last in map(_gap, (r for r in rows if r["status"] == "gap"))),
    )


def warrant_runs(rows: list[dict]) -> list[Run]:
    """The register folded into runs: 500001-500005 issued, 500006 spoiled, 500007-500200 in stock…"""
    runs: list[Run] = []
    for row in rows:
        if row["status"] == "gap":
            first, last = _gap(row)
            runs.append(Run(first, last, STATUS_WORDS["gap"], last - first + 1))
            continue
        serial = row["serial"]
        status = STATUS_WORDS.get(row["status"], row["status"]) + (" (skipped)" if row["flag"] == "skipped" else "")
        if runs and runs[-1].status == status and runs[-1].last == serial - 1:
            runs[-1] = Run(runs[-1].first, serial, status, runs[-1].forms + 1)
        else:
            runs.append(Run(serial, serial, status, 1))
    return runs
