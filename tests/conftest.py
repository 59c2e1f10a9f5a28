"""Shared fixtures: cheap PINs, a ledger with people and codes on a real file, the real CLI, a throwaway
PostgreSQL cluster with a fresh database per test, and `ledger_location`: each test that takes it runs once per
store (a SQLite file, then a PostgreSQL database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from book_support import Book, Cli, build_book


@pytest.fixture(scope="session", autouse=True)
def private_user_data(tmp_path_factory):
    """cashdesk keeps the files that go beside a PostgreSQL ledger (its anchor log, the office's bank rules) in
    the user data folder: this process, and every `cashdesk` it runs, gets a private one for the session,
    never the real user's (the PostgreSQL runs left hundreds of anchor logs in ~/.local/share/cashdesk)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))
        yield


@pytest.fixture(autouse=True)
def cheap_pins(request, monkeypatch):
    """scrypt at full cost takes ~0.1 s a PIN; tests that don't test PIN cost use a cheap one.
    Mark a test `real_scrypt` to keep the production parameters."""
    if "real_scrypt" not in request.keywords:
        from ledger import auth

        monkeypatch.setattr(auth, "SCRYPT_PARAMS", {"n": 16, "r": 1, "p": 1})


@pytest.fixture
def book(tmp_path: Path):
    built = build_book(tmp_path / "ledger.db")
    yield built
    built.ledger.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def ledger_location(request, tmp_path: Path) -> Path | str:
    """Where a new ledger goes, once per store: `tmp_path/ledger.db`, or the URL of a fresh, empty PostgreSQL
    database. The cluster starts only for the postgresql run, so `-m "not postgresql"` never starts one."""
    if request.param == "sqlite":
        return tmp_path / "ledger.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store_book(ledger_location) -> Book:
    """The `book` fixture's ledger, once on each store (see `ledger_location`)."""
    built = build_book(ledger_location)
    yield built
    built.ledger.close()


@pytest.fixture
def store_open_book(store_book: Book) -> Book:
    """`store_book` with alice's session open on a £50.00 float."""
    store_book.ledger.open_session(store_book.alice, 5000)
    return store_book


@pytest.fixture
def open_book(book: Book) -> Book:
    """The book with alice's session open on a £50.00 float."""
    book.ledger.open_session(book.alice, 5000)
    return book


@pytest.fixture
def cli(book: Book) -> Cli:
    """The CLI over a file already holding the `book` fixture's people and codes."""
    return Cli(book.path)


@pytest.fixture(scope="session")
def pg_cluster(request):
    """One PostgreSQL cluster per pytest process (each xdist worker has its own), started when a test first
    asks for it. The finalizer stops it and removes its folder, after a failed start too; if the process dies
    before it runs, the cluster's watchdog does the same (pg_support.WATCHDOG)."""
    import pg_support  # psycopg and the server only when a test asks for them

    cluster = pg_support.Cluster(pg_support.bindir())
    request.addfinalizer(cluster.stop)
    return cluster.start()


@pytest.fixture
def pg_url(pg_cluster):
    """The URL of a new, empty database, dropped after the test."""
    url = pg_cluster.fresh_database()
    yield url
    pg_cluster.drop_database(url)
