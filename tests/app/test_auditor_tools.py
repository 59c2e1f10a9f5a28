"""The auditor's tools by keys: verify (good and tampered), replay to a time, export, sign out."""

from __future__ import annotations

import json
import sqlite3

from console_support import SIZE, settle, sign_in
from ledger import audit
from ledger.book import Ledger
from screens.auditor import AuditorHome
from screens.auditor_detail import EntryDetailScreen
from screens.auditor_export import ExportScreen
from screens.auditor_replay import ReplayScreen, until_utc
from screens.auditor_verify import VerifyScreen
from screens.signin import SignInScreen


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)
    await settle(pilot)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def head_of(db) -> tuple[int, str]:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.head()


def tamper(db, seq: int) -> None:
    """What someone with the file and sqlite3 could do: drop the guards and edit one body."""
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER entries_no_update")
    body = json.loads(conn.execute("SELECT body FROM entries WHERE seq = ?", (seq,)).fetchone()[0])
    body["amount_pence"] = body.get("amount_pence", 0) + 10_000
    conn.execute("UPDATE entries SET body = ? WHERE seq = ?", (json.dumps(body), seq))
    conn.commit()
    conn.close()


async def test_verify_a_good_ledger_shows_ok_and_the_head(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "ctrl+v")
        assert isinstance(app.screen, VerifyScreen)
        head_seq, head_hash = head_of(demo_db)
        result = text_of(app, "#verify-result")
        assert f"The chain holds: {head_seq} entries" in result
        assert f"{head_seq}:{head_hash}" in result
        assert app.screen.query_one("#verify-result").has_class("-ok")
        bar = app.screen.query_one("#verify-progress")
        assert bar.total == head_seq and bar.progress == head_seq
        await press(pilot, "escape")
        assert isinstance(app.screen, AuditorHome)
        await press(pilot, "V")  # the other key for it
        assert isinstance(app.screen, VerifyScreen) and "chain holds" in text_of(app, "#verify-result")


async def test_verify_a_tampered_ledger_names_the_first_bad_seq(app, demo_db):
    tamper(demo_db, 30)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "ctrl+v")
        result = text_of(app, "#verify-result")
        assert "broken at seq 30" in result and "hash mismatch" in result
        assert "29 entries before it check out" in result
        assert app.screen.query_one("#verify-result").has_class("-error")
        await press(pilot, "d")  # the bad entry itself
        assert isinstance(app.screen, EntryDetailScreen)
        assert text_of(app, "#detail-hash-check").startswith("HASH MISMATCH")
        assert text_of(app, "#detail-link").startswith("link ok")  # its link still holds: the content changed


async def test_replay_to_a_date_shows_the_balances_the_ledger_replays_to(app, demo_db):
    until = until_utc("2026-11-19")
    with Ledger.open(demo_db) as ledger:
        expected = audit.replay(ledger.store, until_time=until)
    assert expected.balances, "the demo has money on the 18th and 19th"
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "t")
        assert isinstance(app.screen, ReplayScreen)
        await press(pilot, *"2026-11-19", "enter")
        table = app.screen.query_one("#replay-balances")
        shown = {str(table.get_cell(key, "account")): str(table.get_cell(key, "balance")) for key in table.rows}
        assert shown == {account: app.money(pence) for account, pence in expected.balances.items()}
        assert f"As of seq {expected.as_of_seq}" in text_of(app, "#replay-result")

        await press(pilot, "ctrl+t", "ctrl+u", *"yesterday", "enter")
        assert "is not a time" in text_of(app, "#replay-result")
        assert app.screen.query_one("#replay-result").has_class("-error")


def test_until_utc_reads_london_times_and_dates():
    assert until_utc("2026-11-19") == "2026-11-19T23:59:59.999999Z"  # GMT: London is UTC
    assert until_utc("2026-11-20T17:00") == "2026-11-20T17:00:00.000000Z"
    assert until_utc("2026-07-01T17:00") == "2026-07-01T16:00:00.000000Z"  # BST: an hour ahead of UTC
    assert until_utc("2026-07-01") == "2026-07-01T22:59:59.999999Z"
    assert until_utc("2026-07-01T17:00Z") == "2026-07-01T17:00:00.000000Z"
    assert until_utc(" 2026-11-20 09:30:15 ") == "2026-11-20T09:30:15.000000Z"


async def test_export_jsonl_writes_every_entry(app, demo_db, tmp_path):
    target = tmp_path / "out.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "x")
        assert isinstance(app.screen, ExportScreen)
        await press(pilot, "down", "down", "enter")  # hledger, csv, jsonl: the third
        assert app.screen.query_one("#export-path").value == "cashdesk-export.jsonl"
        await press(pilot, "tab", "ctrl+u", *str(target), "enter")
        head_seq = head_of(demo_db)[0]
        assert text_of(app, "#export-message") == f"Wrote {head_seq} entries to {target}."
        await press(pilot, "escape")
        assert isinstance(app.screen, AuditorHome)
        assert f"Wrote {head_seq} entries" in text_of(app, "#auditor-status")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == head_seq
    assert json.loads(lines[-1])["seq"] == head_seq


async def test_export_to_a_folder_that_does_not_exist_says_so(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "x", "tab", "ctrl+u", *str(tmp_path / "missing" / "x.journal"), "enter")
        assert isinstance(app.screen, ExportScreen)
        assert text_of(app, "#export-message").startswith("Could not write")
        assert app.screen.query_one("#export-message").has_class("-error")


async def test_refresh_and_sign_out(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        with Ledger.open(demo_db) as ledger:
            ledger.authenticate("adam", "555555", record_success=True)  # a new entry from another terminal
        await press(pilot, "ctrl+r")
        assert f"head {head_of(demo_db)[0]}" in text_of(app, "#auditor-status")
        await press(pilot, "ctrl+x")
        assert isinstance(app.screen, SignInScreen) and app.actor is None
