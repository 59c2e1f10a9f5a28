"""The hash chain: canonical bodies, the entry hash, and verification of a run of entries."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

GENESIS_HASH = "0" * 64
NAME_PATTERN = re.compile(r"[A-Za-z0-9._:@-]+")


#: json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False), built once.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_body(body: dict) -> str:
    """The one text form of a body: sorted keys, no spaces, UTF-8 kept as is."""
    return _CANONICAL.encode(body)


def format_recorded_at(moment: datetime) -> str:
    """UTC, ISO 8601 with microseconds and a Z: 2026-11-23T09:15:02.123456Z."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}" \
           f".{utc.microsecond:06d}Z"


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of `entries`, exactly as stored."""

    seq: int
    entry_id: str
    kind: str
    recorded_at: str
    business_date: str
    actor: str
    terminal: str
    body: str
    prev_hash: str
    hash: str

    def body_dict(self) -> dict:
        return json.loads(self.body)


def entry_hash(
    prev_hash: str,
    seq: int,
    entry_id: str,
    kind: str,
    recorded_at: str,
    business_date: str,
    actor: str,
    terminal: str,
    body: str,
) -> str:
    """sha256 over the fields joined by newlines, as docs/LEDGER-FORMAT.md states."""
    text = "\n".join(
        (prev_hash, str(seq), entry_id, kind, recorded_at, business_date, actor, terminal, body)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_of(entry: Entry) -> str:
    return entry_hash(
        entry.prev_hash, entry.seq, entry.entry_id, entry.kind, entry.recorded_at,
        entry.business_date, entry.actor, entry.terminal, entry.body,
    )


@dataclass(frozen=True, slots=True)
class Verdict:
    """What verification found: ok, how many entries, the head, and the first damage."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def head(self) -> str:
        return f"{self.head_seq}:{self.head_hash}"


def verify_rows(rows: Iterable[tuple]) -> Verdict:
    """Check seq gaplessness, every link and every hash over rows in seq order.

    Each row is (seq, entry_id, kind, recorded_at, business_date, actor,
    terminal, body, prev_hash, hash). Stops at the first damage found.
    """
    expected_seq, expected_prev, count = 1, GENESIS_HASH, 0
    sha256 = hashlib.sha256
    for seq, entry_id, kind, recorded_at, business_date, actor, terminal, body, prev, stored in rows:
        if seq != expected_seq:
            problem = f"sequence gap: expected seq {expected_seq}, found {seq}"
            return Verdict(False, count, expected_seq - 1, expected_prev, expected_seq, problem)
        if prev != expected_prev:
            problem = "broken link: prev_hash does not match the previous entry's hash"
            return Verdict(False, count, seq - 1, expected_prev, seq, problem)
        text = f"{prev}\n{seq}\n{entry_id}\n{kind}\n{recorded_at}\n{business_date}\n{actor}\n{terminal}\n{body}"
        if sha256(text.encode("utf-8")).hexdigest() != stored:
            problem = "hash mismatch: the entry's content does not match its hash"
            return Verdict(False, count, seq - 1, expected_prev, seq, problem)
        expected_seq, expected_prev, count = seq + 1, stored, count + 1
    return Verdict(True, count, expected_seq - 1, expected_prev)


def parse_anchor(text: str) -> tuple[int, str]:
    """`SEQ:HASH` to (seq, hash); ValueError with a readable line when malformed."""
    seq_text, sep, hash_text = text.strip().partition(":")
    if not sep or not re.fullmatch(r"[0-9]+", seq_text) or not re.fullmatch(r"[0-9a-f]{64}", hash_text):
        raise ValueError(f"anchor {text.strip()!r} is not SEQ:HASH (a number, a colon, 64 hex digits)")
    return int(seq_text), hash_text
