"""Helpers for the banking tests: bank an officer's takings in a bag, write a statement, import it."""

from __future__ import annotations

import io

from book_support import TODAY, Book

from ledger.bank_reconcile import StatementImport
from ledger.service import Actor
from ledger.statement_profiles import load_profiles
from ledger.statements import Statement, read_statement_stream

GENERIC_HEADER = "Date,Description,Reference,Amount,Balance"
EIGHT_FIELD_HEADER = "Post Date,Account,Name,Type,Amount,Customer Reference,Detail,Balance"


def pounds_and_pence(pence: int) -> dict[int, int]:
    """Notes and coins making up exactly `pence` (pound coins and pennies)."""
    return {value: count for value, count in ((100, pence // 100), (1, pence % 100)) if count}


def banked(book: Book, officer: Actor, takings_pence: int, bag: str, banker: Actor | None = None) -> dict:
    """`officer` opens on a £50.00 float, takes `takings_pence` in cash, counts it exactly; sam (or tess,
    for sam's own day) signs off; `banker` (default sam) banks the takings in `bag`. Returns the body."""
    ledger = book.ledger
    ledger.open_session(officer, 5000)
    ledger.record_receipt(officer, amount_pence=takings_pence, method="cash", code="INC1", payer="Jo Bloggs")
    ledger.declare_count(officer, denominations=pounds_and_pence(5000 + takings_pence), cheques_counted=0)
    supervisor = book.tess if officer.username == "sam" else book.sam
    ledger.sign_off(supervisor, officer=officer.username, business_date=TODAY)
    return ledger.bank(banker or book.sam, officer=officer.username, business_date=TODAY, bag=bag).body


def generic_csv(*rows: tuple, header: str = GENERIC_HEADER, newline: str = "\n") -> str:
    """A generic-profile statement: rows of (date, description, reference, amount[, balance]) as typed
    (no balance: an empty balance column)."""
    lines = [",".join(str(cell) for cell in (row if len(row) != 4 else (*row, ""))) for row in rows]
    return newline.join([header, *lines]) + newline


def statement(text: str, profile: str = "generic", today: str = TODAY) -> Statement:
    return read_statement_stream(io.StringIO(text, newline=""), load_profiles()[profile], today)


def import_csv(book: Book, text: str, profile: str = "generic", actor: Actor | None = None) -> StatementImport:
    return book.ledger.import_statement(actor or book.sam, io.StringIO(text, newline=""), load_profiles()[profile])


def bag_state(book: Book, bag: str) -> str:
    with book.ledger.store.reading() as reader:
        return reader.bank_bag(bag)["state"]


def balances(book: Book) -> dict[str, int]:
    with book.ledger.store.reading() as reader:
        return {account: pence for account, pence in reader.posting_totals()[1].items() if pence}
