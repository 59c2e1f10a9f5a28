"""ledger.chain (canonical bodies, recorded_at, the entry hash, verification, anchors) and
ledger.audit.verify on real ledger files damaged the way someone holding the file could."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ledger import audit
from ledger.book import Ledger
from ledger.chain import (
    GENESIS_HASH, Entry, canonical_body, entry_hash, format_recorded_at, hash_of, parse_anchor, verify_rows,
)
from ledger.store import open_store

from book_support import PINS, Clock, build_book

BODY = {"office": "Hôtel de Ville", "currency": "GBP", "daily_limit_pence": 25000, "format": 1}


# -- canonical bodies ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        BODY,
        {"payer": "Mrs Ünal Ødegård", "note": "£5 — 日本 🚌", "amount_pence": 500},
        {"z": {"b": [3, {"y": 2, "x": 1}], "a": None}, "a": True, "m": -1, "postings": []},
        {},
    ],
    ids=["book", "non-ascii", "nested", "empty"],
)
def test_canonical_body_is_sorted_compact_utf8_json(body):
    text = canonical_body(body)
    assert text == json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert json.loads(text) == body
    assert canonical_body(dict(reversed(list(body.items())))) == text


def test_canonical_body_keeps_non_ascii_text_as_itself():
    text = canonical_body({"payer": "Ødegård", "amount_pence": 250, "note": "£"})
    assert text == '{"amount_pence":250,"note":"£","payer":"Ødegård"}'
    assert "\\u" not in text
    assert text.encode("utf-8").count("£".encode("utf-8")) == 1


# -- recorded_at ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 6, 1, 10, 15, 2, 123456, tzinfo=ZoneInfo("Europe/London")), "2026-06-01T09:15:02.123456Z"),
        (datetime(2026, 11, 23, 23, 30, 0, 5, tzinfo=timezone(timedelta(hours=-5))), "2026-11-24T04:30:00.000005Z"),
        (datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc), "2026-11-23T09:00:00.000000Z"),
        (datetime(2027, 1, 1, 5, 29, 59, 999999, tzinfo=timezone(timedelta(hours=5, minutes=30))),
         "2026-12-31T23:59:59.999999Z"),
    ],
    ids=["bst", "minus-five", "utc-whole-second", "plus-five-thirty"],
)
def test_format_recorded_at_is_utc_with_microseconds_and_z(moment, expected):
    text = format_recorded_at(moment)
    assert text == expected
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", text)


# -- the entry hash ------------------------------------------------------------------------
FIELDS = ("0" * 64, 1, "e-3f2a", "book_created", "2026-11-23T10:00:01.000000Z", "2026-11-23", "adam",
          "counter-1", canonical_body(BODY))


def test_entry_hash_is_sha256_of_the_newline_joined_fields():
    text = ("0000000000000000000000000000000000000000000000000000000000000000\n"
            "1\n"
            "e-3f2a\n"
            "book_created\n"
            "2026-11-23T10:00:01.000000Z\n"
            "2026-11-23\n"
            "adam\n"
            "counter-1\n"
            '{"currency":"GBP","daily_limit_pence":25000,"format":1,"office":"Hôtel de Ville"}')
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert entry_hash(*FIELDS) == expected
    assert expected == "99cfe961ff8483c998b1c390012b269f5751c4a205a9a08eb7eb9df75d05989d"
    assert entry_hash(*FIELDS) != hashlib.sha256(text.encode("latin-1")).hexdigest()


def test_entry_hash_depends_on_every_field_and_its_place():
    base = entry_hash(*FIELDS)
    for index, value in enumerate(FIELDS):
        changed = list(FIELDS)
        changed[index] = value + 1 if isinstance(value, int) else value + "x"
        assert entry_hash(*changed) != base, f"field {index} is not hashed"
    swapped = list(FIELDS)
    swapped[6], swapped[7] = FIELDS[7], FIELDS[6]
    assert entry_hash(*swapped) != base


def test_hash_of_an_entry_matches_entry_hash():
    entry = Entry(FIELDS[1], *FIELDS[2:], prev_hash=FIELDS[0], hash="")
    assert hash_of(entry) == entry_hash(*FIELDS)
    assert entry.body_dict() == BODY


# -- verify_rows on rows in memory ---------------------------------------------------------
def chain(count: int) -> list[tuple]:
    rows, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        fields = (f"e-{seq}", "receipt_recorded", f"2026-11-23T10:00:{seq:02d}.000000Z", "2026-11-23", "alice",
                  "counter-1", canonical_body({"amount_pence": 100 * seq}))
        digest = entry_hash(prev, seq, *fields)
        rows.append((seq, *fields, prev, digest))
        prev = digest
    return rows


def test_verify_rows_accepts_a_good_chain():
    rows = chain(5)
    verdict = verify_rows(rows)
    assert verdict.ok and verdict.entries == 5
    assert (verdict.head_seq, verdict.head_hash) == (5, rows[-1][9])
    assert verdict.head == f"5:{rows[-1][9]}"
    assert verdict.first_bad_seq is None and verdict.problem is None


def test_verify_rows_of_nothing_is_an_empty_good_chain():
    assert verify_rows([]) == verify_rows(iter(())) and verify_rows([]).ok
    assert verify_rows([]).head_seq == 0


def test_verify_rows_refuses_a_first_entry_not_linked_to_the_genesis_hash():
    rows = chain(2)
    first = list(rows[0])
    first[8] = "f" * 64
    first[9] = entry_hash(first[8], 1, *first[1:8])
    verdict = verify_rows([tuple(first)])
    assert not verdict.ok and verdict.first_bad_seq == 1 and "link" in verdict.problem


def test_verify_rows_reports_the_first_of_two_damages():
    rows = [list(row) for row in chain(6)]
    rows[4][6] = "mallory"
    rows[2][7] = rows[2][7].replace("300", "900")
    verdict = verify_rows([tuple(row) for row in rows])
    assert (verdict.ok, verdict.first_bad_seq, verdict.entries) == (False, 3, 2)


# -- audit.verify on real files ------------------------------------------------------------
@pytest.fixture(scope="module")
def template(tmp_path_factory) -> dict:
    """A closed ledger file with a day's counter work; tests damage copies of it."""
    path = tmp_path_factory.mktemp("chain") / "ledger.db"
    built = build_book(path)
    ledger, alice = built.ledger, built.alice
    ledger.open_session(alice, 5000)
    receipt = ledger.record_receipt(alice, amount_pence=1250, method="cash", code="INC1", payer="Mrs Ünal")
    ledger.record_payout(alice, amount_pence=450, code="EXP1", payee="Corner Shop", purpose="Milk")
    ledger.issue_warrant(alice, recipient="K Marsh", journey="Leeds to York", value_pence=900, code="TW1")
    ledger.record_receipt(alice, amount_pence=700, method="cheque", code="INC1", payer="J Smith")
    verdict = audit.verify(ledger.store)
    ledger.close()
    assert verdict.ok
    return {"path": path, "receipt": receipt.seq, "head": verdict.head, "head_seq": verdict.head_seq}


@pytest.fixture
def damaged(template, tmp_path):
    """A copy of the template and a raw connection with the append-only triggers dropped."""
    path = tmp_path / "ledger.db"
    shutil.copyfile(template["path"], path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("DROP TRIGGER entries_no_delete")
    yield path, conn
    conn.close()


def verify_file(path: Path, anchors=()):
    with open_store(path) as store:
        return audit.verify(store, anchors)


def kind_of_damage(problem: str) -> str:
    return "gap" if "gap" in problem else "link" if "link" in problem else "hash" if "hash" in problem else "?"


def _row(conn, seq: int) -> list:
    return list(conn.execute("SELECT * FROM entries WHERE seq = ?", (seq,)).fetchone())


def _rehash(conn, seq: int) -> None:
    """What a careful attacker does after editing one entry: recompute its hash (not the later links)."""
    row = _row(conn, seq)
    conn.execute("UPDATE entries SET hash = ? WHERE seq = ?", (entry_hash(row[8], *row[:8]), seq))


def _amount(conn, r):
    body = json.loads(_row(conn, r)[7])
    body["amount_pence"] = 1350
    conn.execute("UPDATE entries SET body = ? WHERE seq = ?", (canonical_body(body), r))


def _insert(conn, r):
    """Renumber from r on, then slip a forged but correctly hashed entry into seq r."""
    conn.execute("UPDATE entries SET seq = -(seq + 1) WHERE seq >= ?", (r,))
    conn.execute("UPDATE entries SET seq = -seq WHERE seq < 0")
    prev = _row(conn, r - 1)[9]
    fields = ("e-forged", "receipt_recorded", "2026-11-23T10:00:00.000000Z", "2026-11-23", "alice", "test:t1",
              canonical_body({"amount_pence": 1}))
    conn.execute("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (r, *fields, prev, entry_hash(prev, r, *fields)))


def _swap(conn, r):
    conn.execute("UPDATE entries SET seq = -1 WHERE seq = ?", (r,))
    conn.execute("UPDATE entries SET seq = ? WHERE seq = ?", (r, r + 1))
    conn.execute("UPDATE entries SET seq = ? WHERE seq = -1", (r + 1,))


def _body_rehashed(conn, r):
    _amount(conn, r)
    _rehash(conn, r)


def _prev_rehashed(conn, r):
    conn.execute("UPDATE entries SET prev_hash = ? WHERE seq = ?", ("1" * 64, r))
    _rehash(conn, r)


@pytest.mark.parametrize(
    ("damage", "offset", "kind"),
    [
        (_amount, 0, "hash"),
        (lambda c, r: c.execute("UPDATE entries SET actor = 'bob' WHERE seq = ?", (r,)), 0, "hash"),
        (lambda c, r: c.execute("UPDATE entries SET business_date = '2026-11-22' WHERE seq = ?", (r,)), 0, "hash"),
        (lambda c, r: c.execute("UPDATE entries SET kind = 'payout_recorded' WHERE seq = ?", (r,)), 0, "hash"),
        (lambda c, r: c.execute("UPDATE entries SET recorded_at = '2026-11-23T09:00:00.000000Z' WHERE seq = ?",
                                (r,)), 0, "hash"),
        (lambda c, r: c.execute("UPDATE entries SET entry_id = 'e-other' WHERE seq = ?", (r,)), 0, "hash"),
        (lambda c, r: c.execute("UPDATE entries SET terminal = 'elsewhere' WHERE seq = ?", (r,)), 0, "hash"),
        (lambda c, r: c.execute("DELETE FROM entries WHERE seq = ?", (r,)), 0, "gap"),
        (_insert, 1, "link"),
        (_swap, 0, "link"),
        (lambda c, r: c.execute("UPDATE entries SET prev_hash = ? WHERE seq = ?", ("1" * 64, r)), 0, "link"),
        (_prev_rehashed, 0, "link"),
        (_body_rehashed, 1, "link"),
    ],
    ids=["amount", "actor", "business-date", "kind", "recorded-at", "entry-id", "terminal", "deleted",
         "inserted", "swapped", "prev-hash", "prev-hash-rehashed", "body-rehashed"],
)
def test_verify_finds_the_first_damaged_entry_and_names_the_damage(template, damaged, damage, offset, kind):
    path, conn = damaged
    receipt = template["receipt"]
    damage(conn, receipt)
    verdict = verify_file(path)
    assert not verdict.ok
    assert verdict.first_bad_seq == receipt + offset
    assert kind_of_damage(verdict.problem) == kind, verdict.problem
    assert verdict.entries == verdict.head_seq == receipt + offset - 1


def test_an_undamaged_copy_verifies_with_the_template_head(template, damaged):
    path, _conn = damaged
    verdict = verify_file(path)
    assert verdict.ok and verdict.head == template["head"]


# -- anchors -------------------------------------------------------------------------------
VALID_HASH = "0123456789abcdef" * 4


def test_parse_anchor_accepts_seq_colon_64_hex():
    assert parse_anchor(f"12:{VALID_HASH}") == (12, VALID_HASH)
    assert parse_anchor(f"  7:{VALID_HASH}\n") == (7, VALID_HASH)


@pytest.mark.parametrize(
    "text",
    ["", "12", f"12{VALID_HASH}", "12:", f":{VALID_HASH}", f"x:{VALID_HASH}", f"-1:{VALID_HASH}",
     f"1.0:{VALID_HASH}", f"12:{VALID_HASH[:-1]}", f"12:{VALID_HASH}0", f"12:{VALID_HASH.upper()}",
     f"12:{'g' * 64}", f"12 :{VALID_HASH}", f"12: {VALID_HASH}", f"12:{VALID_HASH}:3",
     f"\u0661\u0662:{VALID_HASH}", f"\u00b2:{VALID_HASH}"],
    ids=["empty", "seq-only", "no-colon", "no-hash", "no-seq", "letters", "negative", "decimal", "short",
         "long", "upper-case", "not-hex", "space-before-colon", "space-after-colon", "extra-part",
         "arabic-indic-digits", "superscript-digit"],
)
def test_parse_anchor_refuses_anything_else(text):
    with pytest.raises(ValueError, match="not SEQ:HASH"):
        parse_anchor(text)


def test_verify_with_anchors_that_match_is_ok(template, damaged):
    path, conn = damaged
    earlier = f"{template['receipt']}:{_row(conn, template['receipt'])[9]}"
    verdict = verify_file(path, [template["head"], earlier])
    assert verdict.ok and verdict.head == template["head"]


def test_a_cut_off_tail_verifies_alone_but_not_against_its_anchor(template, damaged):
    path, conn = damaged
    conn.execute("DELETE FROM entries WHERE seq > ?", (template["receipt"],))
    assert verify_file(path).ok  # a chain alone cannot show a missing tail
    verdict = verify_file(path, [template["head"]])
    assert not verdict.ok
    assert verdict.first_bad_seq == template["head_seq"]
    assert "cut off" in verdict.problem
    assert verdict.head_seq == template["receipt"]


def test_a_rewritten_and_rehashed_ledger_does_not_match_its_anchor(template, damaged):
    path, conn = damaged
    _amount(conn, template["receipt"])
    for seq in range(template["receipt"], template["head_seq"] + 1):
        if seq > template["receipt"]:
            conn.execute("UPDATE entries SET prev_hash = ? WHERE seq = ?", (_row(conn, seq - 1)[9], seq))
        _rehash(conn, seq)
    assert verify_file(path).ok  # re-hashed all the way: the chain alone looks fine
    verdict = verify_file(path, [template["head"]])
    assert not verdict.ok and "rewritten" in verdict.problem
    assert verdict.first_bad_seq == template["head_seq"]


def test_a_different_ledger_does_not_match_the_first_ledgers_anchor(template, tmp_path):
    with open_store(template["path"]) as store, store.reading() as reader:
        anchor = f"2:{reader.entry(2).hash}"
    other = Ledger.create(tmp_path / "other.db", office="Rewritten Office", admin="adam", pin=PINS["adam"],
                          clock=Clock(), terminal="test:t1")
    try:
        assert audit.verify(other.store).ok
        verdict = audit.verify(other.store, [anchor])
    finally:
        other.close()
    assert not verdict.ok and verdict.first_bad_seq == 2
    assert "rewritten" in verdict.problem


def test_verify_refuses_a_malformed_anchor(template):
    with pytest.raises(ValueError, match="not SEQ:HASH"):
        verify_file(template["path"], ["12:abc"])
