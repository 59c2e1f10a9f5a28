"""What an auditor runs: verify the chain (and anchors), replay balances to a moment, export."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Callable, Iterable

from ledger.chain import Entry, Verdict, parse_anchor, verify_rows
from ledger.money import format_plain
from ledger.private_files import replaced_privately

if TYPE_CHECKING:
    from ledger.store import SqliteStore


def verify(store: SqliteStore, anchors: Iterable[str] = (),
           progress: Callable[[int, int], None] | None = None) -> Verdict:
    """Every hash and link, then each `SEQ:HASH` anchor against the entry it names.

    `progress(done, total)` is called every few thousand entries (for a progress bar)."""
    with store.reading() as reader:
        rows = reader.entry_rows()
        if progress is not None:
            rows = _reporting(rows, reader.count_entries(), progress)
        verdict = verify_rows(rows)
        if not verdict.ok:
            return verdict
        for anchor in anchors:
            seq, expected = parse_anchor(anchor)
            entry = reader.entry(seq)
            if entry is None:
                return _anchor_failure(verdict, seq, f"anchor {seq}:{expected[:12]}… names an entry the "
                                       f"ledger no longer holds (head is {verdict.head_seq}): the tail was cut off")
            if entry.hash != expected:
                return _anchor_failure(verdict, seq, f"anchor {seq}:{expected[:12]}… does not match entry "
                                       f"{seq} ({entry.hash[:12]}…): the ledger was rewritten")
    return verdict


def _reporting(rows: Iterable[tuple], total: int, progress: Callable[[int, int], None],
               every: int = 2_000) -> Iterable[tuple]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            progress(done, total)
    progress(done, total)


def _anchor_failure(verdict: Verdict, seq: int, problem: str) -> Verdict:
    return Verdict(False, verdict.entries, verdict.head_seq, verdict.head_hash, seq, problem)


@dataclass(frozen=True)
class Replay:
    as_of_seq: int
    balances: dict[str, int]

    def as_json(self) -> dict:
        return {"as_of_seq": self.as_of_seq, "balances": self.balances}


def replay(store: SqliteStore, until_seq: int | None = None, until_time: str | None = None) -> Replay:
    """Balances by account from the entries themselves (not the projections), up to a point."""
    with store.reading() as reader:
        as_of, totals = reader.posting_totals(until_seq, until_time)
    return Replay(as_of, {account: pence for account, pence in sorted(totals.items()) if pence})


def _entries(store: SqliteStore, until_seq: int | None, until_time: str | None) -> Iterable[Entry]:
    with store.reading() as reader:
        yield from reader.iter_entries(until_seq, until_time)


def export_hledger(store: SqliteStore, out: IO[str], until_seq: int | None = None,
                   until_time: str | None = None) -> int:
    """A journal hledger and ledger read: one transaction per entry that moves value."""
    count = 0
    out.write("; cashdesk export: one transaction per ledger entry that moves value\n")
    out.write("commodity 1,000.00 GBP\n\n")
    for entry in _entries(store, until_seq, until_time):
        body = entry.body_dict()
        postings = body.get("postings")
        if not postings:
            continue
        out.write(f"{entry.business_date} * {_description(entry, body)}  ; seq:{entry.seq}, kind:{entry.kind}\n")
        for posting in postings:
            out.write(f"    {posting['account']}  {format_plain(posting['amount_pence'])} GBP\n")
        out.write("\n")
        count += 1
    return count


def _description(entry: Entry, body: dict) -> str:
    who = body.get("payer") or body.get("payee") or body.get("recipient") or body.get("debtor_ref") or ""
    text = f"{entry.kind} #{entry.seq} {entry.actor} {who}".strip()
    return text.replace(";", ",").replace("|", "/")


CSV_COLUMNS = ("seq", "entry_id", "kind", "recorded_at", "business_date", "actor", "terminal", "account",
               "amount")


def export_csv(store: SqliteStore, out: IO[str], until_seq: int | None = None,
               until_time: str | None = None) -> int:
    """One row per posting, amounts as plain pounds (1234.50)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for entry in _entries(store, until_seq, until_time):
        for posting in entry.body_dict().get("postings", ()):
            writer.writerow((entry.seq, entry.entry_id, entry.kind, entry.recorded_at, entry.business_date,
                             entry.actor, entry.terminal, posting["account"],
                             format_plain(posting["amount_pence"])))
            count += 1
    return count


def export_jsonl(store: SqliteStore, out: IO[str], until_seq: int | None = None,
                 until_time: str | None = None) -> int:
    """Every entry, every column, the body as JSON: enough to re-check the chain elsewhere."""
    count = 0
    for entry in _entries(store, until_seq, until_time):
        row = {name: getattr(entry, name) for name in entry.__slots__}
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


EXPORTERS = {"hledger": export_hledger, "csv": export_csv, "jsonl": export_jsonl}


def export_file(store: SqliteStore, export_format: str, target: str | os.PathLike, until_seq: int | None = None,
                until_time: str | None = None) -> int:
    """An export written whole or not at all, readable by its owner and group only (like the ledger)."""
    with replaced_privately(target) as out:
        return EXPORTERS[export_format](store, out, until_seq, until_time)
