"""`cashdesk copy --to PATH|URL` and `backup` between the stores: SQLite -> PostgreSQL -> SQLite gives the same
entries and credentials, byte for byte, the same head, and the anchors printed on the demo's sign-off slips
verify on every copy; a target already holding something is refused untouched; a copy that fails leaves
nothing half-made."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_support import answer, appended, failed, head_of, ok, run
from ledger.location import describe, sidecar_path
from store_support import Raw, dump_all, query, tamper

pytestmark = pytest.mark.postgresql

TABLES = ("entries", "credentials")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The SQLite demo ledger, with the anchor log its sign-offs wrote beside it. Tests only read it."""
    db = tmp_path_factory.mktemp("copy") / "demo.db"
    ok(run("demo", "--no-ui", db=db))
    return db


def anchors(demo: Path) -> Path:
    log = sidecar_path(demo, ".anchors")
    assert len(log.read_text().splitlines()) >= 3, "the demo's sign-offs wrote no anchor log"
    return log


def entry_count(db) -> int:
    return answer(run("verify", "--json", db=db))["entries"]


def test_sqlite_to_postgresql_to_sqlite_keeps_every_byte_and_every_anchor(demo, pg_url, tmp_path):
    head = head_of(demo)
    into_pg = ok(run("copy", "--to", pg_url, db=demo)).stdout
    assert f"copied to {describe(pg_url)}: {head.split(':')[0]} entries verified; head {head}" in into_pg
    back, backup = tmp_path / "back.db", tmp_path / "backup.db"
    assert str(back) in ok(run("copy", "--to", str(back), db=pg_url)).stdout
    assert str(backup) in ok(run("backup", str(backup), db=pg_url)).stdout

    original = dump_all(demo, TABLES)  # str for TEXT, bytes for BLOB and BYTEA
    assert all(original.values())
    for copy in (pg_url, back, backup):
        assert dump_all(copy, TABLES) == original, copy
    assert head_of(pg_url) == head_of(back) == head_of(backup) == head

    log = anchors(demo)
    count = len(log.read_text().splitlines())
    for db in (demo, pg_url, back, backup):
        assert f"{count} anchors match" in ok(run("verify", "--anchors", str(log), db=db)).stdout
    forged = tmp_path / "forged.anchors"
    first, *rest = log.read_text().splitlines(keepends=True)
    seq, digest = first.split("\t")[0].split(":")
    forged.write_text(first.replace(digest, digest[::-1], 1) + "".join(rest))
    assert f"seq {seq}" in failed(run("verify", "--anchors", str(forged), db=pg_url), 1)

    for db in (pg_url, back):  # the PINs came too: bob signs in on each copy
        appended(run("session", "open", "--float", "10", "--as", "bob", "--pin-stdin", "--json", db=db,
                     stdin="222222\n"))


def test_a_database_that_holds_a_ledger_or_anything_else_is_refused_untouched(demo, pg_url, another):
    ok(run("init", "--office", "Elsewhere", "--admin", "root", "--pin-stdin", db=pg_url, stdin="123456\n"))
    head = head_of(pg_url)
    line = failed(run("copy", "--to", pg_url, db=demo), 4)
    assert "already holds a ledger" in line and describe(pg_url) in line
    assert head_of(pg_url) == head and entry_count(pg_url) == 2

    stranger = another(pg_url)
    query(stranger, "CREATE TABLE invoices (number TEXT PRIMARY KEY)", "INSERT INTO invoices VALUES ('INV-1')")
    result = run("copy", "--to", stranger, db=demo)
    assert "not a cashdesk ledger" in failed(result, result.returncode)
    with Raw(stranger) as raw:
        assert raw.tables() == ["invoices"] and raw.rows("invoices") == [("INV-1",)]


def test_an_existing_file_is_refused_untouched(demo, ledger_location, tmp_path):
    """From the SQLite demo, and from a PostgreSQL ledger."""
    origin = demo
    if isinstance(ledger_location, str):
        origin = ledger_location
        ok(run("init", "--office", "Elsewhere", "--admin", "root", "--pin-stdin", db=origin, stdin="123456\n"))
    ledger = tmp_path / "yesterday.db"
    shutil.copyfile(demo, ledger)
    notes = tmp_path / "notes.txt"
    notes.write_text("the safe combination is in the drawer\n")
    before = {path: path.read_bytes() for path in (ledger, notes)}
    for target in (ledger, notes):
        for command in (("copy", "--to", str(target)), ("backup", str(target))):
            result = run(*command, db=origin)
            assert "already exists" in failed(result, result.returncode), command
    assert {path: path.read_bytes() for path in (ledger, notes)} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt", "yesterday.db"]


def test_a_copy_that_fails_part_way_leaves_nothing_half_made(demo, pg_url, another, tmp_path):
    edited = tmp_path / "edited.db"
    shutil.copyfile(demo, edited)
    tamper(edited, "UPDATE entries SET body = 'not json' WHERE seq = 60")
    line = failed(run("copy", "--to", pg_url, db=edited), 4)
    assert line == "cashdesk: entry 60 does not match its hash: the source fails `cashdesk verify` there; " \
                   "nothing was copied"
    assert query(pg_url, "SELECT count(*) FROM entries") == [(0,)]  # 59 entries were written, then rolled back
    assert "no ledger in" in failed(run("head", db=pg_url), 2)

    relinked = tmp_path / "relinked.db"
    shutil.copyfile(demo, relinked)
    tamper(relinked, f"UPDATE entries SET prev_hash = '{'0' * 64}' WHERE seq = 90")
    assert "entry 90 does not extend" in failed(run("copy", "--to", pg_url, db=relinked), 4)
    assert query(pg_url, "SELECT count(*) FROM entries") == [(0,)]

    ok(run("copy", "--to", pg_url, db=demo))  # the empty tables a failed copy leaves take the next one
    assert head_of(pg_url) == head_of(demo)

    damaged = another(pg_url)
    ok(run("copy", "--to", damaged, db=demo))
    tamper(damaged, "UPDATE entries SET body = 'not json' WHERE seq = 60")
    for command in ("copy", "--to"), ("backup",):
        target = tmp_path / "out" / f"{command[0]}.db"
        target.parent.mkdir(exist_ok=True)
        assert "entry 60 does not match its hash" in failed(run(*command, str(target), db=damaged), 4)
        assert list(target.parent.iterdir()) == [], "a part-made file was left behind"
