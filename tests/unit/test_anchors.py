"""The anchor log catches the two frauds a hash chain alone cannot: a cut-off tail and a full rewrite.

Each fraud is done to a copy of a real ledger the way someone holding the file could do it (drop the
append-only triggers with sqlite3, then edit). Each test first shows that the plain chain check
passes the forged file, then that the anchors written at sign-off fail it. The untouched ledger
passing with its anchors is the negative control.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from book_support import TODAY, Cli
from ledger import audit, reports
from ledger.anchors import read_anchors
from ledger.book import Ledger


def cash(pence: int) -> dict[int, int]:
    notes, rest = divmod(pence, 1000)
    return {value: n for value, n in ((1000, notes), (100, rest // 100), (1, rest % 100)) if n}


def chain_hash(prev: str, seq: int, entry_id: str, kind: str, recorded_at: str, business_date: str,
               actor: str, terminal: str, body: str) -> str:
    """docs/LEDGER-FORMAT.md section 3, written out again as a forger (or an auditor) would."""
    text = "\n".join((prev, str(seq), entry_id, kind, recorded_at, business_date, actor, terminal, body))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(body: dict) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def unguarded(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("DROP TRIGGER entries_no_delete")
    return conn


class Anchored:
    """A ledger with two signed-off days (two anchor lines) and entries after the last one."""

    def __init__(self, book) -> None:
        self.book = book
        self.log = book.path.with_name(book.path.name + ".anchors")
        L = book.ledger
        self.receipt = L.record_receipt(book.alice, amount_pence=1234, method="cash", code="INC1", payer="J Smith")
        L.open_session(book.bob, 3000)
        L.record_receipt(book.bob, amount_pence=500, method="cash", code="INC1", payer="R Adeyemi")
        L.declare_count(book.alice, denominations=cash(6234), cheques_counted=0)
        self.alice = L.sign_off(book.sam, officer="alice", business_date=TODAY)
        L.declare_count(book.bob, denominations=cash(3500), cheques_counted=0)
        self.bob = L.sign_off(book.tess, officer="bob", business_date=TODAY)
        L.open_session(book.tess, 1000)
        L.record_receipt(book.tess, amount_pence=250, method="cash", code="INC1", payer="Ms P Hughes")

    def copy(self, name: str) -> Path:
        return self.book.ledger.store.backup(self.book.path.with_name(name))


@pytest.fixture
def anchored(open_book) -> Anchored:
    return Anchored(open_book)


def test_the_anchor_log_holds_one_line_per_sign_off(anchored):
    lines = [line.split("\t") for line in anchored.log.read_text().splitlines()]
    assert [fields[:4] for fields in lines] == [
        [f"{anchored.alice.seq}:{anchored.alice.entry.hash}", TODAY, "alice", "sam"],
        [f"{anchored.bob.seq}:{anchored.bob.entry.hash}", TODAY, "bob", "tess"],
    ]


def test_an_untouched_ledger_passes_with_every_anchor(anchored):
    result = Cli(anchored.book.path)("verify", "--anchors", str(anchored.log))
    assert result.returncode == 0, result.stderr
    assert "2 anchors match" in result.stdout


def test_a_cut_off_tail_passes_the_chain_but_not_the_anchors(anchored):
    copy = anchored.copy("cut.db")
    cut_from = anchored.bob.seq
    with unguarded(copy) as conn:
        conn.execute("DELETE FROM entries WHERE seq >= ?", (cut_from,))
    conn.close()

    plain = Cli(copy)("verify")
    assert plain.returncode == 0, plain.stderr
    assert f"ok: {cut_from - 1} entries verified" in plain.stdout

    anchored_check = Cli(copy)("verify", "--anchors", str(anchored.log))
    assert anchored_check.returncode == 1
    assert anchored_check.stdout == ""
    assert f"verification failed at seq {cut_from}" in anchored_check.stderr
    assert "cut off" in anchored_check.stderr


def rewrite(db: Path, seq: int, new_amount_pence: int) -> None:
    """Change one receipt's amount, then re-chain every later entry: new links, new hashes, and
    even the head_hash each sign-off recorded, so the forged chain is internally consistent."""
    with unguarded(db) as conn:
        rows = conn.execute("SELECT seq, entry_id, kind, recorded_at, business_date, actor, terminal, body, "
                            "prev_hash FROM entries WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
        prev = rows[0][8]
        for number, entry_id, kind, recorded_at, business_date, actor, terminal, text, _ in rows:
            body = json.loads(text)
            if number == seq:
                body["amount_pence"] = new_amount_pence
                body["postings"] = [{**p, "amount_pence": new_amount_pence if p["amount_pence"] > 0
                                     else -new_amount_pence} for p in body["postings"]]
            if kind == "day_signed_off":
                body["head_hash"] = prev
            text = canonical(body)
            digest = chain_hash(prev, number, entry_id, kind, recorded_at, business_date, actor, terminal, text)
            conn.execute("UPDATE entries SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                         (text, prev, digest, number))
            prev = digest
    conn.close()


def test_a_rewritten_and_rehashed_ledger_passes_the_chain_but_not_the_anchor(anchored):
    slip = reports.signoff_slip(anchored.book.ledger.store, "alice", TODAY)
    copy = anchored.copy("rewritten.db")
    rewrite(copy, anchored.receipt.seq, 234)
    with Ledger.open(copy) as forged:
        assert audit.replay(forged.store).balances["Income:INC1"] == (
            audit.replay(anchored.book.ledger.store).balances["Income:INC1"] + 1000)  # the fraud is real

    plain = Cli(copy)("verify")
    assert plain.returncode == 0, plain.stderr
    assert "ok:" in plain.stdout

    checked = Cli(copy)("verify", "--anchor", slip["anchor"], "--json")
    assert checked.returncode == 1
    verdict = json.loads(checked.stdout)
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, anchored.alice.seq)
    assert "rewritten" in verdict["problem"] and "rewritten" in checked.stderr


BAD_LINES = {
    "words": "not-an-anchor\t2026-11-23\tbob\ttess\t2026-11-23T10:00:20.000000Z",
    "short-hash": "12:abc123\t2026-11-23\tbob\ttess\t2026-11-23T10:00:20.000000Z",
    "empty-anchor-field": "\t2026-11-23\tbob\ttess\t2026-11-23T10:00:20.000000Z",
}


def edited_log(anchored, bad_line: str) -> Path:
    """The real log with a comment, a blank line and one bad line (line 4) between its two anchors."""
    log = anchored.book.path.with_name("edited.anchors")
    good = anchored.log.read_text().splitlines()
    log.write_text("\n".join([good[0], "# a comment, then a blank line", "", bad_line, good[1]]) + "\n")
    return log


@pytest.mark.parametrize("bad_line", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_reading_a_bad_anchor_log_names_the_line(anchored, bad_line):
    with pytest.raises(ValueError, match=r"edited\.anchors line 4: "):
        read_anchors(edited_log(anchored, bad_line))


def test_comments_and_blank_lines_in_the_anchor_log_are_skipped(anchored):
    log = edited_log(anchored, "# another comment")
    assert read_anchors(log) == [line.split("\t")[0] for line in anchored.log.read_text().splitlines()]


def test_verify_with_a_bad_anchor_log_is_a_usage_error_naming_the_line(anchored):
    result = Cli(anchored.book.path)("verify", "--anchors", str(edited_log(anchored, BAD_LINES["words"])))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "line 4" in lines[0] and "Traceback" not in result.stderr
