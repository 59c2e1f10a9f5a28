"""The console process: its Desk (a store kept open between calls until the App leaves, never used for a
file that was replaced) and its garbage collector."""

from __future__ import annotations

import gc
from pathlib import Path

import os

import pytest

from book_support import build_book
from console_support import FixedClock, make_app
from console.desk import Desk
from ledger.store import LedgerMissing


def wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def test_the_desk_holds_the_ledger_between_calls_and_lets_go_on_close(demo_db):
    desk = Desk(demo_db, clock=FixedClock(), terminal="test:console")
    head = desk.head()
    assert desk.head() == head and wal(demo_db).exists(), "the WAL stays between calls"
    desk.close()
    assert not wal(demo_db).exists(), "the last connection checkpointed and removed it"
    assert desk.head() == head, "a call after close still works, on its own connection"
    assert not wal(demo_db).exists(), "…and holds nothing afterwards"


def test_a_ledger_replaced_under_the_console_is_read_afresh_and_one_removed_is_refused(demo_db, tmp_path):
    desk = Desk(demo_db, clock=FixedClock(), terminal="test:console")
    try:
        demo_head = desk.head()
        other = build_book(tmp_path / "other.db")  # another office's ledger
        other.ledger.close()
        os.replace(other.path, demo_db)
        assert desk.head() != demo_head, "the new file is read, not the one the kept store opened"
        os.remove(demo_db)
        with pytest.raises(LedgerMissing):
            desk.head()
    finally:
        desk.close()


async def test_the_app_closes_its_desk_when_it_quits(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert wal(demo_db).exists(), "the sign-in screen's read left the ledger held"
    assert not wal(demo_db).exists()


async def test_the_console_freezes_its_start_up_and_collects_young_objects_less_often(demo_db):
    from console.app import YOUNG_COLLECTION_THRESHOLD

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)):
        assert gc.get_threshold()[0] == YOUNG_COLLECTION_THRESHOLD
        assert gc.get_freeze_count() > 10_000, "Textual, the ledger and the App itself stay out of full collections"
