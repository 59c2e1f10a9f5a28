"""The CLI tests run on both stores: `book` is built at `ledger_location` (a new SQLite file, or an empty
PostgreSQL database) and `cli` passes that to `--db`; `module_location` (or `module_place`) is a ledger shared
by a module's tests on each store, read as it is or copied for a test that writes (`copy_of_ledger`). Tests
about files (a missing folder, a file that is not a ledger) and serve's addresses stay on SQLite and say why."""

from __future__ import annotations

from pathlib import Path

import pytest

from book_support import Book, build_book

#: As ledger_location's: the PostgreSQL run carries the postgresql mark (`-m "not postgresql"` starts no cluster).
STORES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture
def book(ledger_location) -> Book:
    built = build_book(ledger_location)
    yield built
    built.ledger.close()


def new_location(request, kind: str, folder: Path, name: str = "ledger.db") -> Path | str:
    """A place for a new ledger: `folder/name`, or a new empty database dropped when `request`'s scope ends."""
    if kind == "sqlite":
        return folder / name
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.fresh_database()
    request.addfinalizer(lambda: cluster.drop_database(url))
    return url


@pytest.fixture(scope="module", params=STORES)
def module_place(request, tmp_path_factory):
    """`module_place(name)`: a new ledger's location kept for the whole module, on each store in turn."""

    def make(name: str = "ledger.db") -> Path | str:
        return new_location(request, request.param, tmp_path_factory.mktemp("shared"), name)

    return make


@pytest.fixture(scope="module")
def module_location(module_place) -> Path | str:
    """One ledger's location for a whole module, on each store in turn."""
    return module_place()


@pytest.fixture
def copy_of_ledger(another):
    """`copy_of_ledger(template)`: a private copy of a module's ledger for one test that writes, on the same store
    (the entries and PINs as stored, the projections made from them: ledger.copying, in this process)."""
    from ledger.copying import copy_ledger
    from ledger.store import open_store

    def make(template: Path | str) -> Path | str:
        target = another(template, "ledger.db")
        with open_store(template, read_only=True) as source:
            copy_ledger(source, target)
        return target

    return make


@pytest.fixture
def another(request, tmp_path: Path):
    """`another(like, name)`: a new location on the same store as `like`, for a copy or a second ledger."""

    def make(like, name: str = "copy.db") -> Path | str:
        return new_location(request, "postgresql" if isinstance(like, str) else "sqlite", tmp_path, name)

    return make
