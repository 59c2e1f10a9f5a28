"""Shared test helpers: a moving clock, a ledger with people and codes on a real file, and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ledger.book import Ledger
from ledger.debtors import parse_debtor_csv
from ledger.service import Actor

#: 10:00 on Monday 23 November 2026, London (GMT): a fixed business date for every test.
START = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
TODAY = "2026-11-23"
PINS = {"adam": "555555", "alice": "111111", "bob": "222222", "sam": "333333", "tess": "666666",
        "ava": "444444"}
ROLES = {"alice": ("officer",), "bob": ("officer",), "sam": ("supervisor",),
         "tess": ("supervisor", "officer"), "ava": ("auditor",)}
DEBTORS = "debtor_ref,name,amount,code,description\nDR-1,Mr K Marsh,100.00,INC1,Arrears\nDR-2,Ms T Ojo,40.00,INC1,\n"


class Clock:
    """A clock that moves a second per reading, so recorded_at stays realistic and ordered."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass
class Book:
    """A ledger with its people already signed in, for service-level tests."""

    ledger: Ledger
    path: Path | str  # a SQLite file, or a PostgreSQL URL
    clock: Clock
    actors: dict[str, Actor]

    def __getattr__(self, name: str) -> Actor:
        try:
            return self.actors[name]
        except KeyError:
            raise AttributeError(name) from None


def build_book(path: Path | str, clock: Clock | None = None) -> Book:
    """adam (admin), alice and bob (officers), sam and tess (supervisors), ava (auditor); codes
    INC1 (income), EXP1 and TW1 (cost); warrant serials 1000-1009; debtors DR-1 (£100) and DR-2 (£40)."""
    clock = clock or Clock()
    ledger = Ledger.create(path, office="Test Office", admin="adam", pin=PINS["adam"], clock=clock, terminal="test:t1")
    adam = ledger.authenticate("adam", PINS["adam"])
    for username, roles in ROLES.items():
        ledger.add_user(adam, username, roles, PINS[username])
    ledger.add_code(adam, "INC1", "Fees", "income")
    ledger.add_code(adam, "EXP1", "Sundry", "cost")
    ledger.add_code(adam, "TW1", "Travel", "cost")
    ledger.receive_warrants(adam, 1000, 1009)
    ledger.import_debts(adam, parse_debtor_csv(DEBTORS))
    actors = {name: Actor(name, frozenset(ROLES.get(name, ("admin",)))) for name in PINS}
    return Book(ledger, path, clock, actors)


CASHDESK = shutil.which("cashdesk") or str(Path(sys.executable).with_name("cashdesk"))


@dataclass
class Cli:
    """The real `cashdesk` command, as a user runs it, against one ledger file."""

    db: Path

    def __call__(self, *args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        command = [CASHDESK, "--db", str(self.db), *args]
        full_env = {**os.environ, "CASHDESK_TERMINAL": "test:cli", **(env or {})}
        return subprocess.run(command, input=stdin, capture_output=True, text=True, env=full_env, timeout=120)

    def acting(self, *args: str, pins: str) -> subprocess.CompletedProcess:
        """Run a command that acts as a user, PINs (one per line) on standard input."""
        return self(*args, "--pin-stdin", stdin=pins + "\n")


