"""`cashdesk demo --no-ui`: a demo ledger people and tests can rely on (DESIGN.md §7)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cli_support import answer, appended, entries, head_of, ok, run
from ledger.location import describe

LOGINS = {"alice": "111111", "bob": "222222", "sam": "333333", "ava": "444444", "adam": "555555"}
COUNTER_KINDS = {"receipt_recorded", "debt_collected", "payout_recorded", "warrant_issued"}


def london_today() -> str:
    return datetime.now(ZoneInfo("Europe/London")).date().isoformat()


def test_demo_creates_a_ledger_with_past_days_of_work(ledger_location):
    db = ledger_location
    printed = ok(run("demo", "--no-ui", db=db)).stdout
    for user, pin in LOGINS.items():
        assert re.search(rf"^\s*{user}\s+{pin}\b", printed, re.MULTILINE), f"login {user} {pin} not printed"
    assert describe(db) in printed
    verdict = answer(run("verify", "--json", db=db))
    assert verdict["ok"] is True

    rows = entries(db)
    assert len(rows) == verdict["entries"] >= 50
    assert sum(1 for row in rows if row["body"].get("postings")) >= 30
    today = london_today()
    worked = {(row["actor"], row["business_date"]) for row in rows if row["kind"] in COUNTER_KINDS}
    assert worked and not any(officer in ("alice", "bob") for officer, _ in worked)
    assert len({day for _, day in worked}) >= 3
    assert all(day < today for _, day in worked)
    signed = {(row["body"]["officer"], row["business_date"]) for row in rows if row["kind"] == "day_signed_off"}
    assert worked <= signed, f"days worked but never signed off: {worked - signed}"
    assert {row["actor"] for row in rows if row["kind"] == "day_signed_off"} == {"sam"}


def test_demo_users_can_sign_in_and_alice_starts_with_no_session(ledger_location):
    db = ledger_location
    ok(run("demo", "--no-ui", db=db))
    users = {row["username"]: row for row in answer(run("users", "list", "--json", db=db))}
    assert {"alice", "bob", "sam", "ava", "adam"} <= set(users)
    assert "officer" in users["alice"]["roles"] and "supervisor" in users["sam"]["roles"]
    assert "auditor" in users["ava"]["roles"] and "admin" in users["adam"]["roles"]
    for officer in ("alice", "bob"):
        appended(run("session", "open", "--float", "50.00", "--as", officer, "--pin-stdin", "--json", db=db,
                     stdin=LOGINS[officer] + "\n"))
    appended(run("codes", "add", "NEWCODE", "--name", "New", "--type", "income", "--as", "adam", "--pin-stdin",
                 "--json", db=db, stdin=LOGINS["adam"] + "\n"))


def test_demo_again_uses_the_existing_ledger(ledger_location):
    db = ledger_location
    ok(run("demo", "--no-ui", db=db))
    head = head_of(db)
    again = ok(run("demo", "--no-ui", db=db)).stdout
    assert head_of(db) == head
    assert "alice" in again and "111111" in again
    assert "existing" in again.lower()


def test_demo_without_db_uses_the_user_data_dir(tmp_path: Path):
    data = tmp_path / "xdg-data"
    env = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(data)}
    (tmp_path / "home").mkdir()
    printed = ok(run("demo", "--no-ui", env=env, unset=("CASHDESK_DB",))).stdout
    ledger = data / "cashdesk" / "ledger.db"
    assert ledger.is_file()
    assert str(ledger) in printed
    assert head_of(ledger) == ok(run("head", env=env, unset=("CASHDESK_DB",))).stdout.strip()
    assert ok(run("head", env={**env, "CASHDESK_DB": str(ledger)})).stdout.strip() == head_of(ledger)
