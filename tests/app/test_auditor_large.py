"""The browser on a ledger of 102,000 entries: End shows the head, paging back never holds more than three pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from console_support import SIZE, make_app, settle, sign_in
from ledger.book import Ledger
from ledger.service import Actor
from screens.auditor import AuditorHome, LedgerTable

BULK_ENTRIES = 102_000
START = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def large_db(tmp_path_factory) -> Path:
    """A real chained ledger: the book, ava the auditor, then 102,000 receipts appended in one transaction."""
    path = tmp_path_factory.mktemp("large") / "large.db"
    adam = Actor("adam", frozenset({"admin"}))
    with Ledger.create(path, office="Large Office", admin="adam", pin="555555", terminal="test:bulk") as ledger:
        ledger.add_user(adam, "ava", ("auditor",), "444444")
        ledger.add_code(adam, "INC1", "Fees", "income")
        with ledger.store.writing() as writer:
            for n in range(BULK_ENTRIES):
                officer, pence = ("carol", "dev")[n % 2], 100 + n % 900
                day, second = divmod(n, 1_000)  # a thousand receipts a day, 20 s apart from 09:00 UTC
                date = (START + timedelta(days=day)).date().isoformat()
                minutes, seconds = divmod(second * 20, 60)
                writer.append(
                    kind="receipt_recorded", entry_id=f"bulk-{n}", business_date=date, actor=officer,
                    terminal="test:bulk",
                    recorded_at=f"{date}T{9 + minutes // 60:02}:{minutes % 60:02}:{seconds:02}.000000Z",
                    body={"amount_pence": pence, "code": "INC1", "method": "cash", "payer": f"Payer {n}",
                          "receipt_no": n + 1,
                          "postings": [{"account": f"Assets:Till:{officer}", "amount_pence": pence},
                                       {"account": "Income:INC1", "amount_pence": -pence}]})
    return path


def held(app) -> list[int]:
    return [int(key) for key in app.screen.query_one(LedgerTable).row_keys]


async def test_large_ledger_pages_without_loading_every_row(large_db):
    app = make_app(large_db)
    most = AuditorHome.PAGE_SIZE * AuditorHome.MAX_PAGES
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ava", "444444")
        await settle(pilot)
        assert held(app) == list(range(1, AuditorHome.PAGE_SIZE + 1))
        with Ledger.open(large_db) as ledger, ledger.store.reading() as reader:
            head_seq = reader.head()[0]
        assert head_seq > BULK_ENTRIES

        await pilot.press("end")
        await settle(pilot)
        await settle(pilot)
        table = app.screen.query_one(LedgerTable)
        assert held(app)[-1] == head_seq
        assert int(table.cursor_key) == head_seq

        firsts = []
        for _ in range(12):
            await pilot.press("pageup")
            await settle(pilot)
            await settle(pilot)
            assert table.row_count <= most
            firsts.append(held(app)[0])
        assert firsts[-1] < head_seq - 2 * AuditorHome.PAGE_SIZE, "paging up reached earlier pages"
        assert firsts == sorted(firsts, reverse=True)
        assert held(app) == list(range(held(app)[0], held(app)[0] + len(held(app)))), "no gaps, no repeats"

        await pilot.press("home")
        await settle(pilot)
        await settle(pilot)
        assert held(app)[0] == 1 and table.row_count <= most
