"""`cashdesk export --format hledger` read back by hledger and ledger gives replay's balances exactly.

These tests never skip: CI installs hledger and ledger (.ci/run); if either is missing they fail.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_support import answer, appended, ok, run

AMOUNT = re.compile(r"(-?)([0-9][0-9,]*)\.([0-9]{2}) GBP")


def pence(text: str) -> int:
    """'-1,234.50 GBP' -> -123450, strictly: anything else fails the test."""
    match = AMOUNT.fullmatch(text.strip())
    assert match, f"not a GBP amount: {text!r}"
    sign, pounds, pennies = match.groups()
    return (-1 if sign else 1) * (int(pounds.replace(",", "")) * 100 + int(pennies))


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed: .ci/run installs it from the system packages"
    return path


@pytest.fixture(scope="module")
def journal(module_location, tmp_path_factory) -> tuple[Path, dict[str, int], str]:
    """The demo ledger plus today's work at alice's desk (thousands, a cheque, a reversal, a
    collection that clears a debt), exported as a journal; with replay's balances."""
    folder = tmp_path_factory.mktemp("hledger")
    db = module_location
    ok(run("demo", "--no-ui", db=db))

    def act(*args: str, who: str = "111111") -> dict:
        return appended(run(*args, "--pin-stdin", "--json", db=db, stdin=who + "\n"))

    act("settings", "set", "daily_limit_pence", "100000000", "--user", "alice", "--as", "adam", who="555555")
    act("session", "open", "--float", "1,000.00", "--as", "alice")
    act("receipt", "--amount", "12,345.67", "--method", "cheque", "--code", "CONTRIB", "--payer", "Mr K Marsh",
        "--as", "alice")
    act("receipt", "--amount", "£1,234.50", "--method", "cash", "--code", "RECORDS", "--payer", "Ms T Ojo; & Co",
        "--as", "alice")
    mistake = act("receipt", "--amount", "0.99", "--method", "cash", "--code", "DBSFEE", "--payer", "Mrs H Green",
                  "--as", "alice")
    act("reverse", str(mistake["seq"]), "--reason", "Duplicate", "--authorised-by", "sam", "--as", "alice",
        who="111111\n333333")
    owing = next(row for row in answer(run("debtors", "list", "--json", db=db)) if row["balance_pence"] > 0)
    pounds, pennies = divmod(owing["balance_pence"], 100)
    act("collect", "--debtor", owing["debtor_ref"], "--amount", f"{pounds}.{pennies:02d}", "--method", "cash",
        "--as", "alice")
    act("payout", "--amount", "7.45", "--code", "SUNDRY", "--payee", "Riverside Co-op", "--purpose", "Milk",
        "--as", "alice")
    act("warrant", "--recipient", "R Adeyemi", "--journey", "Leeds to York", "--value", "23.10", "--code",
        "TRAVEL-CL", "--as", "alice")
    replayed = answer(run("replay", "--json", db=db))["balances"]
    path = folder / "ledger.journal"
    ok(run("export", "--format", "hledger", "--output", str(path), db=db))
    return path, replayed, owing["debtor_ref"]


def test_the_ledger_has_the_activity_the_comparison_needs(journal):
    _path, replayed, cleared = journal
    assert replayed["Assets:Cheques:alice"] == 1_234_567
    assert f"Assets:Debtors:{cleared}" not in replayed
    assert any(pence_ >= 100_000 for pence_ in replayed.values())
    assert sum(replayed.values()) == 0


def test_hledger_balances_equal_replay(journal):
    path, replayed, _cleared = journal
    result = subprocess.run([tool("hledger"), "-f", str(path), "bal", "-O", "csv", "--no-total"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["account", "balance"]
    balances = {account: pence(amount) for account, amount in rows[1:]}
    assert {account: value for account, value in balances.items() if value} == replayed


def test_ledger_cli_balances_equal_replay(journal):
    path, replayed, _cleared = journal
    result = subprocess.run([tool("ledger"), "-f", str(path), "bal", "--flat", "--no-total"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    balances = {}
    for line in result.stdout.splitlines():
        match = re.fullmatch(r"\s*(-?[0-9][0-9,]*\.[0-9]{2} GBP)\s+(\S+)", line)
        assert match, f"unexpected line from ledger: {line!r}"
        balances[match[2]] = pence(match[1])
    assert balances == replayed
