"""Helpers for the CLI tests: run the real `cashdesk` and hold every answer to the §7 contract."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

#: The PINs of the `book` fixture's people (tests/conftest.py), as a user would type them.
PINS = {"adam": "555555", "alice": "111111", "bob": "222222", "sam": "333333", "tess": "666666",
        "ava": "444444"}
#: The business date of the `open_book` fixture's session.
BOOK_DATE = "2026-11-23"
CASHDESK = shutil.which("cashdesk") or str(Path(sys.executable).with_name("cashdesk"))
EXIT_INTERNAL = 70
#: For a test whose commands the parser refuses before the ledger is opened: the same on either store, so
#: its `ledger_location` is the SQLite file only (tests/cli/conftest.py runs the others on both stores).
PARSER_ONLY = pytest.mark.parametrize("ledger_location", ["sqlite"], indirect=True)


def run(*args: str, db: Path | None = None, stdin: str = "", env: dict | None = None,
        unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`cashdesk [--db DB] ARGS` with its own environment; stdin is never a terminal."""
    full_env = {key: value for key, value in os.environ.items() if key not in unset}
    full_env.update({"CASHDESK_TERMINAL": "test:cli", **(env or {})})
    command = [CASHDESK, *(["--db", str(db)] if db is not None else []), *args]
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, env=full_env, timeout=120)
    return clean(result)


def clean(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """No traceback and no internal error, whatever the command did."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode != EXIT_INTERNAL, result.stderr
    return result


def pins(*users: str) -> str:
    return "\n".join(PINS[user] for user in users)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    clean(result)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    assert result.stderr == "", result.stderr
    return result


def answer(result: subprocess.CompletedProcess):
    """The one JSON value a successful --json (or --format json) command printed."""
    return json.loads(ok(result).stdout)


def appended(result: subprocess.CompletedProcess) -> dict:
    reply = answer(result)
    assert reply["outcome"] == "appended", reply
    assert isinstance(reply["seq"], int) and reply["entry_id"], reply
    return reply


def failed(result: subprocess.CompletedProcess, code: int) -> str:
    """Exit `code` with exactly one line on stderr; returns that line."""
    clean(result)
    assert result.returncode == code, f"exit {result.returncode}, wanted {code}: {result.stderr}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"want one line on stderr, got {result.stderr!r}"
    return lines[0]


def refused(result: subprocess.CompletedProcess, outcome: str) -> str:
    """Exit 3 and `refused: <outcome>: <message>`; returns the message."""
    line = failed(result, 3)
    prefix = f"refused: {outcome}: "
    assert line.startswith(prefix), line
    return line.removeprefix(prefix)


def head_of(db: Path) -> str:
    return ok(run("head", db=db)).stdout.strip()


def entries(db: Path) -> list[dict]:
    """Every entry, from `export --format jsonl`, with its body parsed."""
    rows = [json.loads(line) for line in ok(run("export", "--format", "jsonl", db=db)).stdout.splitlines()]
    for row in rows:
        row["body"] = json.loads(row["body"])
    return rows


def balances(db: Path) -> dict[str, int]:
    return answer(run("replay", "--json", db=db))["balances"]


def chain_hash(row: dict, body_text: str) -> str:
    """docs/LEDGER-FORMAT.md's formula, written out again as an auditor would."""
    fields = (row["prev_hash"], str(row["seq"]), row["entry_id"], row["kind"], row["recorded_at"],
              row["business_date"], row["actor"], row["terminal"], body_text)
    return hashlib.sha256("\n".join(fields).encode("utf-8")).hexdigest()
