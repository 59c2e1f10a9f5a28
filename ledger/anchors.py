"""The anchor log: every sign-off's `SEQ:HASH`, kept outside the database file.

A chain alone cannot show that its tail was cut off or that the whole file was
rewritten and re-hashed; an anchor written somewhere else (and printed on the
sign-off slip) can. One line per sign-off:

    SEQ:HASH<TAB>business_date<TAB>officer<TAB>supervisor<TAB>recorded_at
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ledger.chain import parse_anchor
from ledger.location import sidecar_path
from ledger.private_files import append_privately


@dataclass(frozen=True)
class AnchorLine:
    anchor: str
    business_date: str
    officer: str
    supervisor: str
    recorded_at: str

    def text(self) -> str:
        return "\t".join((self.anchor, self.business_date, self.officer, self.supervisor, self.recorded_at))


def default_anchor_log(ledger_path: Path | str) -> Path:
    """Beside the ledger: ledger.db -> ledger.db.anchors (for a database server, see `sidecar_path`)."""
    return sidecar_path(ledger_path, ".anchors")


def append_anchor(path: Path, line: AnchorLine) -> None:
    """Append one line and fsync it: the anchor must survive a crash as surely as the entry. A log this
    creates is readable by owner and group only, like the ledger."""
    path.parent.mkdir(parents=True, exist_ok=True)
    append_privately(path, line.text() + "\n")


def read_anchors(path: Path) -> list[str]:
    """Every `SEQ:HASH` in an anchor log, in order; ValueError naming the first bad line."""
    anchors = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.startswith("#"):
            continue
        fields = text.split("\t", 1)[0].split()
        first = fields[0] if fields else ""
        try:
            parse_anchor(first)
        except ValueError as error:
            raise ValueError(f"{path} line {number}: {error}") from None
        anchors.append(first)
    return anchors
