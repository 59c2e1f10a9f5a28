"""The auditor's commands through the real `cashdesk`: verify, head, replay, export, rebuild, backup."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from cli_support import (
    answer, appended, balances, chain_hash, clean, entries, failed, head_of, ok, pins, refused, run,
)
from store_support import Raw, query, tamper

HEAD = re.compile(r"([0-9]+):([0-9a-f]{64})")


@pytest.fixture(scope="module")
def busy(module_location) -> tuple[Path | str, dict[str, int]]:
    """The demo ledger, then a day at alice's desk: a receipt, a cheque collection that clears a
    debt, a payout, a warrant and a reversed receipt. Read-only tests share it; others copy it."""
    db = module_location
    ok(run("demo", "--no-ui", db=db))
    owing = min((row for row in answer(run("debtors", "list", "--json", db=db)) if row["balance_pence"] > 0),
                key=lambda row: row["balance_pence"])
    assert owing["balance_pence"] <= 20_000

    def act(*args: str, who: str = "alice") -> int:
        return appended(run(*args, "--as", "alice", "--pin-stdin", "--json", db=db, stdin=pins(*who.split()) + "\n"))["seq"]

    act("session", "open", "--float", "50")
    pounds, pennies = divmod(owing["balance_pence"], 100)
    seqs = {
        "receipt": act("receipt", "--amount", "12.50", "--method", "cash", "--code", "CONTRIB", "--payer", "J Smith"),
        "collect": act("collect", "--debtor", owing["debtor_ref"], "--amount", f"{pounds}.{pennies:02d}",
                       "--method", "cheque"),
        "payout": act("payout", "--amount", "3.20", "--code", "SUNDRY", "--payee", "Co-op", "--purpose", "Tea"),
        "warrant": act("warrant", "--recipient", "R Adeyemi", "--journey", "Leeds to York", "--value", "8",
                       "--code", "TRAVEL-CL"),
        "mistake": act("receipt", "--amount", "20", "--method", "cash", "--code", "CONTRIB", "--payer", "A Wrong"),
    }
    seqs["reversal"] = act("reverse", str(seqs["mistake"]), "--reason", "Wrong payer", "--authorised-by", "sam",
                           who="alice sam")
    seqs["cleared_pence"] = owing["balance_pence"]
    return db, {**seqs, "debtor": owing["debtor_ref"]}


def copy_of(db: Path | str, another, name: str) -> Path | str:
    """A copy on the same store: a file by `backup`, a database by `copy --to`."""
    dest = another(db, name)
    ok(run("copy", "--to", dest, db=db) if isinstance(db, str) else run("backup", str(dest), db=db))
    return dest


def postings_by_account(rows: list[dict], until_seq: int | None = None) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        if until_seq is None or row["seq"] <= until_seq:
            for posting in row["body"].get("postings", ()):
                totals[posting["account"]] += posting["amount_pence"]
    return {account: pence for account, pence in totals.items() if pence}


# -- verify and head --------------------------------------------------------------------
def test_verify_json_and_head_agree(busy):
    db, _seqs = busy
    head = head_of(db)
    match = HEAD.fullmatch(head)
    assert match
    verdict = answer(run("verify", "--json", db=db))
    assert verdict == {"ok": True, "entries": int(match[1]), "head": head, "first_bad_seq": None, "problem": None}
    assert head in ok(run("verify", db=db)).stdout


def test_verify_finds_an_edited_body_in_a_tampered_copy(busy, another):
    db, seqs = busy
    copy = copy_of(db, another, "tampered.db")
    target = seqs["receipt"]
    tamper(copy, f"UPDATE entries SET body = replace(body, '\"amount_pence\":1250', '\"amount_pence\":125') "
                 f"WHERE seq = {target}")
    assert '"amount_pence":125,' in query(copy, f"SELECT body FROM entries WHERE seq = {target}")[0][0]

    line = failed(run("verify", db=copy), 1)
    assert f"seq {target}" in line and "hash" in line
    bad = answer_exit(run("verify", "--json", db=copy), 1)
    assert (bad["ok"], bad["first_bad_seq"]) == (False, target)
    assert bad["problem"]
    assert answer(run("verify", "--json", db=db))["ok"] is True


def test_the_ledger_itself_refuses_edits_and_deletes(busy):
    """Even to its owner: sqlite3 on the file, or the role that owns the PostgreSQL tables (TRUNCATE too)."""
    db, _seqs = busy
    head = head_of(db)
    with Raw(db) as raw:
        statements = ["UPDATE entries SET body = '{}' WHERE seq = 1", "DELETE FROM entries WHERE seq = 1"]
        for statement in statements + (["TRUNCATE entries"] if raw.postgresql else []):
            try:
                raw.execute(statement)
            except raw.refused as error:
                assert "append-only" in str(error)
            else:
                raise AssertionError(f"{statement} was allowed")
    assert head_of(db) == head


def answer_exit(result, code: int) -> dict:
    assert clean(result).returncode == code, result.stderr
    return json.loads(result.stdout)


def test_verify_anchor_good_and_bad(busy):
    db, seqs = busy
    anchor = next(f"{row['seq']}:{row['hash']}" for row in entries(db) if row["seq"] == seqs["payout"])
    seq, digest = anchor.split(":")
    ok(run("verify", "--anchor", anchor, db=db))
    wrong = f"{seq}:{'0' * 64}"
    assert f"seq {seq}" in failed(run("verify", "--anchor", wrong, db=db), 1)
    assert answer_exit(run("verify", "--anchor", wrong, "--json", db=db), 1)["first_bad_seq"] == int(seq)
    failed(run("verify", "--anchor", f"99999:{digest}", db=db), 1)
    assert "SEQ:HASH" in failed(run("verify", "--anchor", "not-an-anchor", db=db), 2)


def test_a_cut_tail_passes_the_chain_but_not_the_anchor(busy, another):
    db, _seqs = busy
    anchor = head_of(db)
    copy = copy_of(db, another, "cut.db")
    tamper(copy, f"DELETE FROM entries WHERE seq = {anchor.split(':')[0]}")
    ok(run("verify", db=copy))
    assert "cut off" in failed(run("verify", "--anchor", anchor, db=copy), 1)


# -- replay -----------------------------------------------------------------------------
def test_replay_json_leaves_zero_balances_out(busy):
    db, seqs = busy
    rows = entries(db)
    replayed = answer(run("replay", "--json", db=db))
    assert set(replayed) == {"as_of_seq", "balances"}
    assert replayed["as_of_seq"] == len(rows)
    money = replayed["balances"]
    assert f"Assets:Debtors:{seqs['debtor']}" not in money  # collected in full
    assert all(isinstance(pence, int) and pence != 0 for pence in money.values())
    assert sum(money.values()) == 0
    assert money == postings_by_account(rows)
    assert money["Assets:Till:alice"] == 5000 + 1250 - 320
    assert money["Assets:Cheques:alice"] == seqs["cleared_pence"]


def test_replay_until_a_seq_and_until_a_time(busy):
    db, seqs = busy
    rows = entries(db)
    until = seqs["collect"]
    replayed = answer(run("replay", "--until", str(until), "--json", db=db))
    assert replayed == {"as_of_seq": until, "balances": postings_by_account(rows, until)}
    assert "Assets:Cheques:alice" in replayed["balances"] and "Assets:Till:alice" in replayed["balances"]
    assert replayed["balances"] != answer(run("replay", "--json", db=db))["balances"]

    moment = next(row["recorded_at"] for row in rows if row["seq"] == until)
    assert answer(run("replay", "--until", moment, "--json", db=db)) == replayed
    assert answer(run("replay", "--until", "2000-01-01", "--json", db=db)) == {"as_of_seq": 0, "balances": {}}
    assert "--until" in failed(run("replay", "--until", "last tuesday", db=db), 2)


# -- export -----------------------------------------------------------------------------
def test_export_jsonl_carries_enough_to_recheck_the_chain(busy):
    db, _seqs = busy
    lines = ok(run("export", "--format", "jsonl", db=db)).stdout.splitlines()
    head = head_of(db)
    assert len(lines) == int(head.split(":")[0])
    previous = "0" * 64
    for line in lines:
        row = json.loads(line)
        assert row["prev_hash"] == previous
        assert chain_hash(row, row["body"]) == row["hash"], row["seq"]
        previous = row["hash"]
    assert f"{len(lines)}:{previous}" == head


def test_export_csv_and_hledger_carry_every_posting(busy):
    db, seqs = busy
    table = list(csv.DictReader(io.StringIO(ok(run("export", "--format", "csv", db=db)).stdout)))
    assert list(table[0]) == ["seq", "entry_id", "kind", "recorded_at", "business_date", "actor", "terminal",
                              "account", "amount"]
    totals: dict[str, int] = defaultdict(int)
    for row in table:
        pounds, pence = row["amount"].lstrip("-").split(".")
        totals[row["account"]] += (-1 if row["amount"].startswith("-") else 1) * (int(pounds) * 100 + int(pence))
    assert {account: pence for account, pence in totals.items() if pence} == balances(db)

    journal = ok(run("export", "--format", "hledger", db=db)).stdout
    payout = journal[journal.index(f"seq:{seqs['payout']},"):].split("\n\n")[0]
    assert re.search(r"^\s+Expenses:SUNDRY\s+3\.20 GBP$", payout, re.MULTILINE)
    assert re.search(r"^\s+Assets:Till:alice\s+-3\.20 GBP$", payout, re.MULTILINE)


def test_export_to_a_file_and_until(busy, tmp_path: Path):
    db, seqs = busy
    whole = ok(run("export", "--format", "jsonl", db=db)).stdout
    out = tmp_path / "ledger.jsonl"
    written = ok(run("export", "--format", "jsonl", "--output", str(out), db=db))
    assert written.stdout == ""
    assert out.read_text(encoding="utf-8") == whole
    assert [path.name for path in tmp_path.iterdir()] == ["ledger.jsonl"]
    until = ok(run("export", "--format", "jsonl", "--until", str(seqs["payout"]), db=db)).stdout.splitlines()
    assert [json.loads(line)["seq"] for line in until] == list(range(1, seqs["payout"] + 1))


# -- rebuild and backup -----------------------------------------------------------------
def projections(db: Path) -> list:
    return [answer(run(*args, db=db)) for args in (
        ("debtors", "list", "--json"), ("users", "list", "--json"),
        ("report", "limits", "--all-dates", "--format", "json"), ("report", "warrants", "--format", "json"))]


def test_rebuild_restores_every_projection_from_the_entries(busy, another):
    db, _seqs = busy
    copy = copy_of(db, another, "rebuilt.db")
    before, head = projections(copy), head_of(copy)
    spoilt = query(copy, *(f"DELETE FROM {table}" for table in ("debtors", "counter_entries", "warrants",
                                                                     "sessions")),
                       "UPDATE users SET locked = 1", "SELECT count(*) FROM users WHERE locked = 0")
    assert spoilt == [(0,)]
    rebuilt = ok(run("rebuild", db=copy))
    assert str(int(head.split(":")[0])) in rebuilt.stdout
    assert projections(copy) == before
    assert head_of(copy) == head
    refused(run("receipt", "--amount", "250", "--method", "cash", "--code", "CONTRIB", "--payer", "P",
                "--as", "alice", "--pin-stdin", db=copy, stdin=pins("alice") + "\n"), "officer_limit_exceeded")


def test_backup_is_a_copy_that_verifies(busy, tmp_path: Path):
    """A backup is a SQLite file whichever store the ledger is on."""
    db, _seqs = busy
    dest = tmp_path / "backup.db"
    done = ok(run("backup", str(dest), db=db))
    assert str(dest) in done.stdout
    assert dest.read_bytes()[:16] == b"SQLite format 3\x00"
    copy = answer(run("verify", "--json", db=dest))
    assert copy["ok"] is True and copy["head"] == head_of(db)
    assert balances(dest) == balances(db)

    precious = tmp_path / "precious.db"
    precious.write_bytes(b"yesterday's backup")
    again = run("backup", str(precious), db=db)
    assert again.returncode in (2, 4) and "already exists" in failed(again, again.returncode)
    assert precious.read_bytes() == b"yesterday's backup"
    nowhere = run("backup", str(tmp_path / "no-such-folder" / "backup.db"), db=db)
    assert nowhere.returncode != 0
    failed(nowhere, nowhere.returncode)
