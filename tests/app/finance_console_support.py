"""Helpers for the finance desk's console tests over the demo ledger (fay keys, sam authorises)."""

from __future__ import annotations

from pathlib import Path

from ledger.book import Ledger
from ledger.service import Actor

ADAM = Actor("adam", frozenset({"admin"}))
FAY = Actor("fay", frozenset({"finance"}))


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def state_of(db: Path, item: str) -> dict:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.item(item)


def head_entry(db: Path):
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.entry(reader.head()[0])


def entries_after(db: Path, seq: int) -> list:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return [reader.entry(n) for n in range(seq + 1, reader.head()[0] + 1)]
