"""An auditor's own chain check, written from DESIGN.md §3 alone with sqlite3 and hashlib (nothing from
ledger.chain), run on ledgers the service layer wrote; and the tests that keep docs/LEDGER-FORMAT.md true."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ledger import auth

from book_support import TODAY

DOC = Path(__file__).resolve().parents[2] / "docs" / "LEDGER-FORMAT.md"
GENESIS = "0" * 64
COLUMNS = ("seq", "entry_id", "kind", "recorded_at", "business_date", "actor", "terminal", "body", "prev_hash",
           "hash")
NAME = re.compile(r"[A-Za-z0-9._:@-]+")


def auditor_hash(prev_hash, seq, entry_id, kind, recorded_at, business_date, actor, terminal, body) -> str:
    text = (prev_hash + "\n" + str(seq) + "\n" + entry_id + "\n" + kind + "\n" + recorded_at + "\n"
            + business_date + "\n" + actor + "\n" + terminal + "\n" + body)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def auditor_rows(path: Path) -> list[dict]:
    conn = sqlite3.connect(path)
    try:
        return [dict(zip(COLUMNS, row))
                for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM entries ORDER BY seq")]
    finally:
        conn.close()


def auditor_check(path: Path) -> dict:
    """Gapless seqs from 1, every prev_hash the previous hash (zeros first), every hash recomputed."""
    prev, expected = GENESIS, 1
    for row in auditor_rows(path):
        fields = [row[name] for name in COLUMNS[:8]]
        if (row["seq"] != expected or row["prev_hash"] != prev
                or auditor_hash(prev, *fields) != row["hash"]):
            return {"ok": False, "first_bad_seq": expected}
        prev, expected = row["hash"], expected + 1
    return {"ok": True, "entries": expected - 1, "head": f"{expected - 1}:{prev}"}


@pytest.fixture
def busy(open_book):
    """The open book after a day of every kind of counter work, a reversal, a count and a sign-off."""
    ledger, alice = open_book.ledger, open_book.alice
    wrong = ledger.record_receipt(alice, amount_pence=1250, method="cash", code="INC1", payer="Mrs Ünal Ødegård",
                                  description="Hall hire — £12.50 deposit")
    ledger.record_receipt(alice, amount_pence=700, method="cheque", code="INC1", payer="J Smith")
    ledger.collect_debt(alice, debtor_ref="DR-1", amount_pence=3000, method="cash")
    ledger.record_payout(alice, amount_pence=450, code="EXP1", payee="Corner Shop", purpose="Milk")
    ledger.issue_warrant(alice, recipient="K Marsh", journey="Leeds to York", value_pence=1800, code="TW1")
    ledger.spoil_warrant(alice, serial=1001, reason="Misprinted")
    ledger.reverse(open_book.sam, seq=wrong.seq, reason="Wrong payer", authoriser=open_book.sam)
    ledger.declare_count(alice, denominations={5000: 1, 2000: 1, 500: 1}, cheques_counted=1)
    ledger.sign_off(open_book.tess, officer="alice", business_date=TODAY, reason="£0.50 short, coin dropped")
    open_book.wrong_seq = wrong.seq
    return open_book


def tampered_copy(path: Path, dest: Path, seq: int) -> Path:
    """A copy made with SQLite's backup API, triggers dropped, one amount raised in seq's body."""
    source, target = sqlite3.connect(path), sqlite3.connect(dest)
    source.backup(target)
    source.close()
    target.execute("DROP TRIGGER entries_no_update")
    body = json.loads(target.execute("SELECT body FROM entries WHERE seq = ?", (seq,)).fetchone()[0])
    body["amount_pence"] += 100
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    target.execute("UPDATE entries SET body = ? WHERE seq = ?", (canonical, seq))
    target.commit()
    target.close()
    return dest


# -- the independent check on real ledgers -------------------------------------------------
def test_the_auditors_check_agrees_with_the_ledgers_head(busy, cli):
    verdict = auditor_check(busy.path)
    with busy.ledger.store.reading() as reader:
        seq, digest = reader.head()
    assert verdict == {"ok": True, "entries": seq, "head": f"{seq}:{digest}"}
    assert seq >= 20
    shown = cli("head")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == verdict["head"]


def test_the_auditors_check_fails_on_a_tampered_copy(busy, tmp_path):
    copy = tampered_copy(busy.path, tmp_path / "copy.db", busy.wrong_seq)
    assert auditor_check(copy) == {"ok": False, "first_bad_seq": busy.wrong_seq}
    assert auditor_check(busy.path)["ok"]


def test_every_body_is_canonical_json(busy):
    rows = auditor_rows(busy.path)
    for row in rows:
        again = json.dumps(json.loads(row["body"]), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert again == row["body"], row["seq"]
    assert any("Ødegård" in row["body"] for row in rows), "a non-ASCII body should be stored as itself"


def test_every_postings_list_sums_to_zero_and_reads_debit_then_credit(busy):
    moved = 0
    for row in auditor_rows(busy.path):
        postings = json.loads(row["body"]).get("postings")
        if postings is None:
            continue
        assert sum(p["amount_pence"] for p in postings) == 0, row["seq"]
        assert all(isinstance(p["amount_pence"], int) and p["account"].count(":") >= 1 for p in postings)
        if postings and row["kind"] not in ("entry_reversed", "day_signed_off", "cash_banked"):
            assert len(postings) == 2 and postings[0]["amount_pence"] > 0, row["seq"]
        moved += bool(postings)
    assert moved >= 9  # session, receipts, collections, payout, warrant, reversal, variance, debts


def test_every_row_has_the_documented_shape(busy):
    for row in auditor_rows(busy.path):
        for name in ("entry_id", "kind", "actor", "terminal"):
            assert NAME.fullmatch(row[name]), (row["seq"], name, row[name])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z", row["recorded_at"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["business_date"])
        assert re.fullmatch(r"[0-9a-f]{64}", row["hash"])


# -- docs/LEDGER-FORMAT.md -----------------------------------------------------------------
@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def stated_entry(doc: str, seq: int) -> dict:
    block = re.search(rf"<!-- worked-example: seq {seq} -->\s*```text\n(.*?)```", doc, re.S).group(1)
    return dict(line.split(None, 1) for line in block.splitlines() if line.strip())


def preimage(entry: dict) -> str:
    return "\n".join([entry["prev_hash"], *(entry[name] for name in COLUMNS[:8])])


def test_the_worked_example_hashes_recompute_from_their_stated_fields(doc):
    first, second = stated_entry(doc, 1), stated_entry(doc, 2)
    for entry in (first, second):
        assert set(entry) == set(COLUMNS)
        fields = [entry[name] for name in COLUMNS[:8]]
        assert auditor_hash(entry["prev_hash"], *fields) == entry["hash"]
        assert hashlib.sha256(preimage(entry).encode("utf-8")).hexdigest() == entry["hash"]
    assert first["prev_hash"] == GENESIS and first["seq"] == "1"
    assert second["prev_hash"] == first["hash"] and second["seq"] == "2"
    head = re.search(r"<!-- worked-example: head -->\s*```text\n(.*?)\n```", doc, re.S).group(1)
    assert head == f"2:{second['hash']}"


def test_the_worked_example_steps_match_its_fields(doc):
    first = stated_entry(doc, 1)
    text = preimage(first)
    shown = re.search(r"The text to hash is.*?```text\n(.*?)\n\s*```", doc, re.S).group(1)
    assert textwrap.dedent(shown) == text
    assert int(re.search(r"<!-- worked-example: bytes -->(\d+) bytes", doc).group(1)) == len(text.encode("utf-8"))
    assert f"`{first['hash']}`" in doc.split("<!-- worked-example: bytes -->")[1]
    assert json.dumps(json.loads(first["body"]), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False) == first["body"]


def test_the_worked_example_python_prints_what_the_doc_says(doc):
    code, said = re.search(r"In Python:\s*```python\n(.*?)\n# (.*?)\n```", doc, re.S).groups()
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == said
    assert said.split()[1] == stated_entry(doc, 1)["hash"]


def _check_script(doc: str, tmp_path: Path) -> Path:
    code = re.search(r"<!-- check-script -->\s*```python\n(.*?)```", doc, re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    assert set(re.findall(r"^import (.*)$", code, re.M)[0].replace(" ", "").split(",")) == {
        "hashlib", "sqlite3", "sys"}
    script = tmp_path / "check.py"
    script.write_text(code, encoding="utf-8")
    return script


def test_the_documented_check_script_verifies_a_real_ledger(doc, busy, tmp_path):
    script = _check_script(doc, tmp_path)
    ran = subprocess.run([sys.executable, str(script), str(busy.path)], capture_output=True, text=True, timeout=60)
    verdict = auditor_check(busy.path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == f"ok: {verdict['entries']} entries; head {verdict['head']}"


def test_the_documented_check_script_names_the_first_damaged_seq(doc, busy, tmp_path):
    script = _check_script(doc, tmp_path)
    copy = tampered_copy(busy.path, tmp_path / "copy.db", busy.wrong_seq)
    ran = subprocess.run([sys.executable, str(script), str(copy)], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 1
    assert ran.stderr.strip() == f"damaged at seq {busy.wrong_seq}"


def test_the_doc_describes_the_real_file(doc, book):
    conn = sqlite3.connect(book.path)
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        columns = [row[1] for row in conn.execute("PRAGMA table_info(entries)")]
        triggers = [sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                                   "AND tbl_name = 'entries' ORDER BY name")]
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert f"`PRAGMA application_id` | `{application_id}` (`0x{application_id:08X}`" in doc
    assert f"`PRAGMA user_version` | `{user_version}`" in doc
    section = doc.split("## 2. The `entries` table")[1].split("## 3.")[0]
    assert re.findall(r"^\| `(\w+)` \|", section, re.M) == columns == list(COLUMNS)
    flat = " ".join(doc.split())
    assert len(triggers) == 2 and all(" ".join(sql.split()) + ";" in flat for sql in triggers)
    projections = doc.split("## 7.")[1].split("## 8.")[0]
    for table in tables - {"entries", "credentials"}:
        assert f"| `{table}` |" in projections, f"projection {table} is not described"


def test_the_doc_lists_every_entry_kind_with_every_body_field(doc):
    from ledger.records import BODIES  # the record definitions, not the chain code

    section = doc.split("## 10. Entry kinds")[1].split("## 11.")[0]
    rows = {match.group(1): match.group(0) for match in re.finditer(r"^\| `(\w+)` \|.*$", section, re.M)}
    assert set(rows) == set(BODIES)
    for kind, model in BODIES.items():
        missing = [name for name in model.model_fields if f"`{name}`" not in rows[kind]]
        assert not missing, f"{kind}: {missing}"


@pytest.mark.postgresql
def test_the_doc_describes_the_real_postgresql_tables(doc, book, pg_url):
    """Section 13 against a ledger cashdesk made on the test cluster: the same tables and columns as the SQLite
    file, the types, COLLATE "C", the two extra tables and every trigger, each named in the doc."""
    import psycopg

    from ledger.book import Ledger
    from ledger.store.schema import SCHEMA_VERSION

    Ledger.create(pg_url, office="Doc Office", admin="adam", pin="555555").close()
    section = " ".join(doc.split("## 13. On PostgreSQL")[1].split())
    with psycopg.connect(pg_url) as conn:
        columns = conn.execute("SELECT table_name, column_name, data_type, collation_name FROM "
                               "information_schema.columns WHERE table_schema = 'public' "
                               "ORDER BY table_name, ordinal_position").fetchall()
        meta = dict(conn.execute("SELECT key, value FROM cashdesk_meta").fetchall())
        triggers = {name for (name,) in conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        head = conn.execute("SELECT id, seq, hash FROM chain_head").fetchall()
    sqlite = sqlite3.connect(book.path)
    try:
        sqlite_tables = {name: [row[1] for row in sqlite.execute(f"PRAGMA table_info({name})")]
                         for (name,) in sqlite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        sqlite.close()
    pg_tables: dict[str, list[str]] = {}
    for table, column, _, _ in columns:
        pg_tables.setdefault(table, []).append(column)

    assert set(pg_tables) - set(sqlite_tables) == {"cashdesk_meta", "chain_head"}
    assert {name: pg_tables[name] for name in sqlite_tables} == sqlite_tables, "the same columns, in the same order"
    assert pg_tables["chain_head"] == ["id", "seq", "hash"] and "`chain_head (id, seq, hash)`" in section
    assert head[0][0] == 1 and head[0][1] == 2  # control: the head moved with book_created and the admin's entry
    types = {(table, column): (kind, collation) for table, column, kind, collation in columns}
    assert types[("entries", "seq")] == ("bigint", None)
    assert {types[("credentials", name)][0] for name in ("salt", "pin_hash")} == {"bytea"}
    texts = {key: collation for key, (kind, collation) in types.items() if kind == "text"}
    assert {key: collation for key, collation in texts.items() if collation != "C"} == {
        ("settings", "value"): None, ("credentials", "params"): None, ("cashdesk_meta", "value"): None}
    assert 'TEXT COLLATE "C"' in section
    assert meta == {"application": "cashdesk", "schema_version": str(SCHEMA_VERSION)}
    assert f"`schema_version` = `{SCHEMA_VERSION}`" in section and "`application` = `cashdesk`" in section
    assert triggers == {"entries_extend_head", "entries_append_only", "entries_no_truncate",
                        "chain_head_moves_with_entries"}
    assert all(f"`{name}`" in section for name in triggers)
