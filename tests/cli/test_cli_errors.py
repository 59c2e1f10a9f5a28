"""Every way a command can go wrong: one line on stderr, the right exit code, no traceback, nothing written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cli_support import PARSER_ONLY, answer, failed, head_of, ok, pins, refused, run

ALICE = pins("alice")
RECEIPT = ("receipt", "--method", "cash", "--code", "INC1", "--payer", "J Smith", "--as", "alice")


@PARSER_ONLY
def test_an_unknown_command_is_a_usage_error(cli):
    """The parser's refusal, before the ledger is opened (SQLite only: the same on either store)."""
    head = head_of(cli.db)
    line = failed(cli("frobnicate"), 2)
    assert "frobnicate" in line
    assert "frobnicate" in failed(cli("users", "frobnicate"), 2)
    assert head_of(cli.db) == head


@PARSER_ONLY
def test_a_missing_required_option_is_named(open_book, cli):
    """The parser's refusal, before the ledger is opened (SQLite only: the same on either store)."""
    head = head_of(cli.db)
    assert "--payer" in failed(cli.acting("receipt", "--amount", "5", "--method", "cash", "--code", "INC1",
                                          "--as", "alice", pins=ALICE), 2)
    assert "--as" in failed(cli("receipt", "--amount", "5", "--method", "cash", "--code", "INC1", "--payer", "P"), 2)
    assert "--method" in failed(cli.acting("receipt", "--amount", "5", "--method", "bitcoin", "--code", "INC1",
                                           "--payer", "P", "--as", "alice", pins=ALICE), 2)
    assert head_of(cli.db) == head


BAD_AMOUNTS = {
    "1e3": "exponent",
    "-5": "negative",
    "0": "zero",
    "12.345": "decimal places",
    "abc": "not a number",
    "１２": "digits 0-9",
    "1000000.01": "maximum",
    "1,23": "separator",
}


@PARSER_ONLY
def test_bad_amounts_are_usage_errors_that_name_the_problem(open_book, cli):
    """The parser's refusal, before the ledger is opened (SQLite only: the same on either store)."""
    head = head_of(cli.db)
    for text, problem in BAD_AMOUNTS.items():
        line = failed(cli.acting(*RECEIPT, "--amount", text, pins=ALICE), 2)
        assert "--amount" in line and problem in line, (text, line)
    assert "negative" in failed(cli.acting("warrant", "--recipient", "R", "--journey", "A to B", "--value", "-5",
                                           "--code", "TW1", "--as", "alice", pins=ALICE), 2)
    assert "exponent" in failed(cli.acting("session", "open", "--float", "5e1", "--as", "bob", pins=pins("bob")), 2)
    assert head_of(cli.db) == head


def test_a_missing_database_is_a_usage_error_and_is_not_created(tmp_path: Path):
    """A file that is not there (SQLite only: a database that is not there is in test_cli_postgres.py)."""
    db = tmp_path / "nowhere.db"
    for args in (("head",), ("verify", "--json"), ("replay", "--json"), RECEIPT + ("--amount", "5", "--pin-stdin")):
        line = failed(run(*args, db=db, stdin=ALICE + "\n"), 2)
        assert str(db) in line, line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [os.urandom(16384), b"Dear council,\nplease find my payment enclosed.\n" * 40],
                         ids=["random-bytes", "text-file"])
def test_a_file_that_is_not_a_ledger_cannot_be_used(tmp_path: Path, content: bytes):
    """A file's bytes (SQLite only: a database holding another application's tables is in test_cli_postgres.py)."""
    db = tmp_path / "ledger.db"
    db.write_bytes(content)
    for args in (("head",), ("verify",), RECEIPT + ("--amount", "5", "--pin-stdin")):
        line = failed(run(*args, db=db, stdin=ALICE + "\n"), 4)
        assert str(db) in line, line
    assert db.read_bytes() == content
    assert [path.name for path in tmp_path.iterdir()] == ["ledger.db"]


def test_pin_stdin_without_the_authorisers_line_is_a_usage_error(open_book, cli):
    ok(cli.acting(*RECEIPT, "--amount", "250", pins=ALICE))
    head = head_of(cli.db)
    line = failed(cli.acting(*RECEIPT, "--amount", "30", "--authorised-by", "sam", "--reason", "Urgent", pins=ALICE),
                  2)
    assert "sam" in line
    assert head_of(cli.db) == head


def test_without_pin_stdin_and_without_a_terminal_nothing_waits(open_book, cli):
    head = head_of(cli.db)
    line = failed(cli(*RECEIPT, "--amount", "5", stdin=""), 2)
    assert "--pin-stdin" in line
    line = failed(cli(*RECEIPT, "--amount", "5", stdin=ALICE + "\n"), 2)
    assert "--pin-stdin" in line
    assert head_of(cli.db) == head


@pytest.mark.parametrize("payer", ["J \x1b[31mSmith\x1b[0m", "J Smith\x1b]0;owned\x07", "Bell\x07", "A\rB",
                                   "Evil\u202eorez", "x" * 100_000], ids=["ansi-colour", "osc-title", "bell",
                                                                           "carriage-return", "bidi-override",
                                                                           "100kB"])
def test_control_characters_and_huge_text_are_refused(open_book, cli, payer: str):
    head = head_of(cli.db)
    result = cli.acting("receipt", "--amount", "5", "--method", "cash", "--code", "INC1", "--payer", payer,
                        "--as", "alice", "--json", pins=ALICE)
    message = refused(result, "text_invalid")
    assert "payer" in message
    assert "\x1b" not in result.stderr + result.stdout and len(result.stderr) < 300
    assert json.loads(result.stdout) == {"outcome": "text_invalid", "message": message}
    assert head_of(cli.db) == head


def test_no_error_line_echoes_raw_control_characters(cli, tmp_path: Path):
    """A refusal or usage line must not let typed escape sequences drive the terminal."""
    head = head_of(cli.db)
    setting = cli.acting("settings", "set", "evil\x1b[2J\x1b]0;owned\x07", "5", "--as", "adam", pins=pins("adam"))
    refused(setting, "setting_invalid")
    missing = cli.acting("debtors", "import", str(tmp_path / "debts\x1b[2J.csv"), "--as", "adam", pins=pins("adam"))
    failed(missing, 2)
    for result in (setting, missing):
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr, repr(result.stderr)
    assert head_of(cli.db) == head


def test_a_refusal_with_json_prints_one_object(open_book, cli):
    result = cli.acting("collect", "--debtor", "DR-1", "--amount", "100.01", "--method", "cash", "--as", "alice",
                        "--json", pins=ALICE)
    message = refused(result, "overpayment")
    assert json.loads(result.stdout) == {"outcome": "overpayment", "message": message}
    assert "£100.00" in message
    assert answer(cli("verify", "--json"))["ok"] is True


@PARSER_ONLY
@pytest.mark.parametrize("where", [("copy", "--to", ""), ("copy", "--to", "  "), ("backup", ""), ("backup", " "),
                                   ("export", "--format", "csv", "--output", ""),
                                   ("report", "daily", "--output", "   "),
                                   ("payrun", "export", "PR-0001", "--out", "")])
def test_a_blank_place_to_write_is_refused_before_anything_is_written(cli, tmp_path: Path, monkeypatch, where):
    """`copy --to ""` copied the whole ledger to the default ledger's place (or onto CASHDESK_DB), and `backup " "`
    wrote a file named by a space; both, and every other --output, now refuse a blank."""
    data_home, here = tmp_path / "data", tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)  # the command's working folder, where a file named by spaces would land
    head = head_of(cli.db)
    line = failed(cli(*where, env={"XDG_DATA_HOME": str(data_home)}), 2)
    assert "is blank" in line
    assert not data_home.exists()  # the default ledger's folder was never made
    assert list(here.iterdir()) == []
    assert head_of(cli.db) == head
