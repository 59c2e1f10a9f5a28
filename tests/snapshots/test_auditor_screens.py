"""Pictures of the auditor's screens at 80×24 on the demo ledger (23 Nov 2026, 10:00 London), ava signed in."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from console_support import SIZE, make_app, settle, sign_in  # noqa: E402

from ledger.demo import build_demo  # noqa: E402


@pytest.fixture(scope="module")
def auditor_demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("auditor-demo") / "demo.db"
    build_demo(path, today=date(2026, 11, 23)).close()
    return path


@pytest.fixture
def auditor_app(auditor_demo_template: Path, tmp_path: Path):
    """A private copy of the demo ledger and the console over it."""
    target = tmp_path / "ledger.db"
    target.write_bytes(auditor_demo_template.read_bytes())
    return make_app(target)


def first_receipt(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT min(seq) FROM entries WHERE kind = 'receipt_recorded'").fetchone()[0]


def tamper(db: Path, seq: int) -> None:
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER entries_no_update")
    body = json.loads(conn.execute("SELECT body FROM entries WHERE seq = ?", (seq,)).fetchone()[0])
    body["amount_pence"] += 10_000
    conn.execute("UPDATE entries SET body = ? WHERE seq = ?", (json.dumps(body), seq))
    conn.commit()
    conn.close()


def as_ava(*keys: str):
    """run_before: sign in as ava, press `keys` (letting each page load finish), stop the cursors blinking."""

    async def run_before(pilot) -> None:
        await sign_in(pilot, "ava", "444444")
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


class TestLedgerBrowser:
    def test_first_page(self, auditor_app, snap_compare):
        """You should see the ledger from seq 1 (book_created, user_added, code_added …, debts raised
        with amounts), 'Filters: none', the status 'Seq 1–50 … head 89 · start of the ledger' and the
        keys Detail, Filter, Verify, Replay, Export and Sign out in the footer."""
        assert snap_compare(auditor_app, terminal_size=SIZE, run_before=as_ava())

    def test_filtered_to_receipts(self, auditor_app, snap_compare):
        """You should see only receipt_recorded rows (receipt numbers, payers, codes, amounts) under
        'Filters: kind=receipt_recorded'."""
        keys = ("f", "tab", "tab", *"receipt_recorded", "ctrl+s")
        assert snap_compare(auditor_app, terminal_size=SIZE, run_before=as_ava(*keys))

    def test_filter_dialog(self, auditor_app, snap_compare):
        """You should see the filter dialog with Date, Officer (carol typed), Kind and Code over the browser."""
        keys = ("f", "tab", *"carol")
        assert snap_compare(auditor_app, terminal_size=SIZE, run_before=as_ava(*keys))


class TestEntryDetail:
    def test_a_receipt(self, auditor_app, snap_compare):
        """You should see entry 80 (receipt_recorded by dev): every column, 'link ok: entry 79's hash
        equals this prev_hash' in green, 'hash ok', then prev_hash and hash in full."""
        keys = ("G", *["up"] * 9, "enter")
        assert snap_compare(auditor_app, terminal_size=SIZE, run_before=as_ava(*keys))


class TestVerify:
    def test_ok(self, auditor_app, snap_compare):
        """You should see a full progress bar and, in green, 'The chain holds: 116 entries …' with the
        head 116:230e… hash on its own line."""
        assert snap_compare(auditor_app, terminal_size=SIZE, run_before=as_ava("ctrl+v"))

    def test_failure(self, auditor_app, snap_compare):
        """You should see, in red, 'The chain is broken at seq 52.' (the demo's first receipt), 'hash
        mismatch: …', that the 51 entries before it check out, and the d key (Bad entry) in the footer."""
        seq = first_receipt(auditor_app.desk.path)
        assert seq == 52
        tamper(auditor_app.desk.path, seq)
        assert snap_compare(auditor_app, terminal_size=SIZE, run_before=as_ava("ctrl+v"))


class TestReplay:
    def test_balances_at_the_end_of_the_19th(self, auditor_app, snap_compare):
        """You should see '2026-11-19' typed, 'As of seq 92 (recorded up to 2026-11-19T23:59:59.999999Z
        UTC)' with balances summing to £0.00, and a table of accounts (Assets:CashInTransit, Assets:Debtors:…,
        Assets:Safe, Expenses:…, Income:…, Liabilities:WarrantsPayable) with their balances."""
        keys = ("t", *"2026-11-19", "enter")
        assert snap_compare(auditor_app, terminal_size=SIZE, run_before=as_ava(*keys))


class TestExport:
    def test_dialog(self, auditor_app, snap_compare):
        """You should see the export dialog: hledger journal chosen, CSV and JSONL offered, and the file
        cashdesk-export.journal."""
        assert snap_compare(auditor_app, terminal_size=SIZE, run_before=as_ava("x"))
