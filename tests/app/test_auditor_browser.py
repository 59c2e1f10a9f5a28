"""The auditor's ledger browser by keys on the demo ledger: paging, filters, an entry's detail and its link."""

from __future__ import annotations

import pytest

from console_support import SIZE, settle, sign_in
from ledger.book import Ledger
from screens.auditor import AuditorHome, LedgerTable
from screens.auditor_detail import EntryDetailScreen
from screens.auditor_filter import FilterScreen


async def press(pilot, *keys: str) -> None:
    """Press keys, then let the page loads they cause finish (a key, a message up, a worker, a message back)."""
    await pilot.press(*keys)
    await settle(pilot)
    await settle(pilot)


def held(app) -> list[int]:
    """The seqs the browser's table holds, top to bottom."""
    return [int(key) for key in app.screen.query_one(LedgerTable).row_keys]


def cursor_seq(app) -> int:
    return int(app.screen.query_one(LedgerTable).cursor_key)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def ledger_entries(db) -> list:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return list(reader.iter_entries())


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 10 rows, at most 3 held: the demo's 89 entries then span nine pages."""
    monkeypatch.setattr(AuditorHome, "PAGE_SIZE", 10)
    monkeypatch.setattr(AuditorHome, "MAX_PAGES", 3)


async def test_auditor_pages_through_the_demo_ledger_by_keys(app, demo_db, small_pages):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await settle(pilot)
        assert isinstance(app.screen, AuditorHome)
        assert held(app) == list(range(1, 11)) and cursor_seq(app) == 1
        head = ledger_entries(demo_db)[-1].seq  # ava's sign-in is the newest entry

        await pilot.press(*["down"] * 9)
        assert cursor_seq(app) == 10
        for first_new in (11, 21, 31):  # past the last row: the next page, the cursor on its first row
            await press(pilot, "down")
            assert cursor_seq(app) == first_new
            await pilot.press(*["down"] * 9)
        assert held(app) == list(range(11, 41)), "at most three pages are held: the oldest went"

        await pilot.press(*["up"] * 29)
        assert cursor_seq(app) == 11
        await press(pilot, "up")  # past the first row: the page before
        assert cursor_seq(app) == 10 and held(app) == list(range(1, 31))

        await press(pilot, "end")
        assert held(app)[-1] == head and cursor_seq(app) == head and len(held(app)) == 10
        assert "end of the ledger" in text_of(app, "#auditor-status")
        await press(pilot, "pageup", "pageup", "pageup")
        assert held(app)[0] < head - 10 and len(held(app)) <= 30

        await press(pilot, "g")
        assert held(app) == list(range(1, 11)) and cursor_seq(app) == 1
        await press(pilot, "G")
        assert cursor_seq(app) == head


async def test_filter_by_kind_shows_only_receipts(app, demo_db):
    receipts = [entry.seq for entry in ledger_entries(demo_db) if entry.kind == "receipt_recorded"]
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        await press(pilot, "tab", "tab", *"receipt_recorded", "ctrl+s")
        assert isinstance(app.screen, AuditorHome)
        assert held(app) == receipts
        kinds = {app.screen.query_one(LedgerTable).cell(str(seq), "kind") for seq in held(app)}
        assert kinds == {"receipt_recorded"}
        assert "kind=receipt_recorded" in text_of(app, "#auditor-filters")


async def test_filter_by_officer_then_clear(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        carols = [entry.seq for entry in ledger_entries(demo_db) if entry.actor == "carol"]
        await press(pilot, "f")
        await press(pilot, "tab", *"carol", "enter", "enter", "enter")  # Enter walks to the last field, then applies
        assert held(app) == carols and len(carols) > 20
        await press(pilot, "f")
        await press(pilot, *"2026-11-19", "ctrl+s")  # carol's entries of one business date
        on_the_19th = [entry.seq for entry in ledger_entries(demo_db)
                       if entry.actor == "carol" and entry.business_date == "2026-11-19"]
        assert held(app) == on_the_19th and 0 < len(on_the_19th) < len(carols)
        await press(pilot, "c")
        assert held(app)[:3] == [1, 2, 3]
        assert "Filters: none" in text_of(app, "#auditor-filters")


async def test_a_filter_that_matches_nothing_and_a_bad_date(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "f")
        await press(pilot, *"2026-13", "ctrl+s")
        assert isinstance(app.screen, FilterScreen), "a bad date keeps the dialog open"
        assert "YYYY-MM-DD" in text_of(app, "#filter-message")
        await press(pilot, "ctrl+e", "tab", *"nobody", "ctrl+s")
        assert isinstance(app.screen, AuditorHome) and held(app) == []
        assert "No entries match" in text_of(app, "#auditor-status")


async def test_entry_detail_shows_hashes_and_that_the_link_holds(app, demo_db):
    entries = ledger_entries(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, *["down"] * 4, "enter")
        assert isinstance(app.screen, EntryDetailScreen)
        fields, hashes = text_of(app, "#detail-fields"), text_of(app, "#detail-hashes")
        fifth = entries[4]
        assert fifth.seq == 5 and fifth.entry_id in fields and fifth.recorded_at in fields
        assert fifth.terminal in fields and fifth.business_date in fields
        assert fifth.hash in hashes and fifth.prev_hash in hashes and entries[3].hash == fifth.prev_hash
        assert text_of(app, "#detail-link").startswith("link ok")
        assert text_of(app, "#detail-hash-check").startswith("hash ok")
        assert '"username": "sam"' in text_of(app, "#detail-body")  # the body, pretty-printed

        await press(pilot, "n")
        assert entries[5].hash in text_of(app, "#detail-hashes")
        await press(pilot, "escape")
        assert isinstance(app.screen, AuditorHome)


async def test_first_entry_links_to_the_genesis_hash(app):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "enter")
        assert "genesis" in text_of(app, "#detail-link")
        await press(pilot, "p")  # there is nothing before seq 1: the entry stays
        assert "Entry 1" in text_of(app, "#detail-title")


async def test_markup_in_a_payer_name_is_shown_as_text(app, demo_db):
    from ledger.service import Actor

    with Ledger.open(demo_db) as ledger:
        alice = Actor("alice", frozenset({"officer"}))
        ledger.open_session(alice, 5000)
        posted = ledger.record_receipt(alice, amount_pence=100, method="cash", code="CONTRIB",
                                       payer="[bold]Jo[/bold]")
    receipt_no = posted.body["receipt_no"]
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await press(pilot, "end")
        seq = held(app)[-2]
        detail = app.screen.query_one(LedgerTable).cell(str(seq), "detail")
        assert detail.startswith(f"#{receipt_no} [bold]Jo[/bo") and detail.endswith("…")  # cut to fit 80 columns
        await press(pilot, "up", "enter")
        assert "[bold]Jo[/bold]" in text_of(app, "#detail-body")
