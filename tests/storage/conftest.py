"""The storage tests' own fixture: a PostgreSQL ledger for the PostgreSQL store's own tests."""

from __future__ import annotations

import pytest

from book_support import Book, build_book


@pytest.fixture
def pg_book(pg_url) -> Book:
    """The `book` fixture's ledger in a fresh PostgreSQL database, alice's session open on a £50.00 float."""
    built = build_book(pg_url)
    built.ledger.open_session(built.alice, 5000)
    yield built
    built.ledger.close()
