"""Helpers for the reliability suite: the checkout's own `cashdesk`, raw looks at a ledger file,
ledger templates with cheap PINs, worker processes whose output is read line by line, and a way
to make file permissions bite even when the tests run as root."""

from __future__ import annotations

import ctypes
import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from book_support import Book, build_book
from hypothesis.stateful import RuleBasedStateMachine

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
#: The checkout's console script: `python -m console.cli` is what the `cashdesk` entry point runs
#: (console.cli:main). Going through PATH could reach a stale non-editable install instead.
CASHDESK = (sys.executable, "-m", "console.cli")
CHEAP_SCRYPT = {"n": 16, "r": 1, "p": 1}
SIDE_FILES = ("", "-wal", "-shm")
EXIT_INTERNAL = 70


def child_env(**extra: str) -> dict[str, str]:
    python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": python_path, "CASHDESK_TERMINAL": "test:rel", **extra}


def cashdesk(db: Path | None, *args: str, stdin: str = "", preexec_fn=None,
             timeout: float = 120) -> subprocess.CompletedProcess:
    """`cashdesk [--db DB] ARGS` from this checkout, as a user runs it (stdin is never a terminal)."""
    command = [*CASHDESK, *(["--db", str(db)] if db is not None else []), *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=child_env(), check=False,
                          cwd=REPO_ROOT, timeout=timeout, preexec_fn=preexec_fn)


def one_clear_line(result: subprocess.CompletedProcess) -> str:
    """A failure as §7 wants it: non-zero, no traceback, not an internal error, one line on stderr."""
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything
    assert result.returncode not in (0, EXIT_INTERNAL), (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"want one line on stderr, got {result.stderr!r}"
    return lines[0]


# -- raw looks at a file -------------------------------------------------------------------------
def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def integrity(path: Path) -> list[str]:
    conn = raw(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def head(path: Path) -> tuple[int, str]:
    conn = raw(path)
    try:
        row = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, "")
    finally:
        conn.close()


def chain(path: Path) -> list[tuple[int, str]]:
    """(seq, hash) of every entry, in order."""
    conn = raw(path)
    try:
        return conn.execute("SELECT seq, hash FROM entries ORDER BY seq").fetchall()
    finally:
        conn.close()


def entry_ids(path: Path, prefix: str) -> dict[str, int]:
    """entry_id -> seq for every entry whose id starts with `prefix`."""
    conn = raw(path)
    try:
        rows = conn.execute("SELECT entry_id, seq FROM entries WHERE entry_id LIKE ? ORDER BY seq",
                            (prefix.replace("_", r"\_") + "%",)).fetchall()
        return dict(rows)
    finally:
        conn.close()


def copy_ledger(source: Path, target: Path) -> Path:
    """A closed ledger copied with whatever -wal/-shm lies beside it."""
    for suffix in SIDE_FILES:
        if Path(f"{source}{suffix}").exists():
            shutil.copy2(f"{source}{suffix}", f"{target}{suffix}")
    return target


# -- templates ----------------------------------------------------------------------------------
def cheap_book(path: Path) -> Book:
    """`build_book` with cheap scrypt, usable from module-scoped fixtures (before conftest's own patch)."""
    from ledger import auth

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "SCRYPT_PARAMS", CHEAP_SCRYPT)
        return build_book(path)


#: A receipt by alice on the command line, and her PIN on standard input.
ALICE = "111111\n"
RECEIPT = ("receipt", "--amount", "5", "--method", "cash", "--code", "INC1", "--payer", "J Smith", "--as", "alice",
           "--pin-stdin")


def healthy_ledger(path: Path) -> Path:
    """A closed, checkpointed ledger with alice at work and a few hundred entries in it."""
    book = cheap_book(path)
    book.ledger.set_setting(book.adam, "daily_limit_pence", 10_000_000, user="alice")
    book.ledger.open_session(book.alice, 5000)
    for n in range(300):
        book.ledger.record_receipt(book.alice, amount_pence=100 + n, method="cash", code="INC1",
                                   payer=f"Payer {n}", description="Parking permit, resident, annual")
    book.ledger.close()
    assert not Path(f"{path}-wal").exists()
    return path


# -- state machines -----------------------------------------------------------------------------
class LedgerCopyMachine(RuleBasedStateMachine):
    """A hypothesis state machine over its own copy of a template ledger (`use_template` sets it up): a
    subclass opens `self.ledger` on `self.path`, a file or, given a cluster, a database's URL."""

    template: Path | str
    workdir: Path
    cluster = None  # pg_support.Cluster when the template is a PostgreSQL database
    numbers = itertools.count()

    @classmethod
    def store(cls) -> str:
        """Which store the examples run on: "sqlite" or "postgresql"."""
        return "sqlite" if cls.cluster is None else "postgresql"

    def __init__(self) -> None:
        super().__init__()
        self.folder = None
        if self.cluster is not None:
            self.path = self.cluster.fresh_database(template=self.template)
            return
        self.folder = self.workdir / f"machine-{next(self.numbers)}"
        self.folder.mkdir()
        self.path = copy_ledger(self.template, self.folder / "ledger.db")

    def teardown(self) -> None:
        self.ledger.close()
        if self.folder is None:
            self.cluster.drop_database(self.path)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def use_template(machine: type[LedgerCopyMachine], location: Path | str, request, build) -> None:
    """`build(location)`: the template ledger, on the `ledger_location` fixture's store (a file, or a fresh
    database); each of `machine`'s examples then copies it: a file into a folder of its own, a database with
    CREATE DATABASE … TEMPLATE (`build` must leave no connection open to it) into a new database."""
    build(location)
    machine.template = location
    machine.workdir = request.getfixturevalue("tmp_path_factory").mktemp("machines")
    machine.cluster = None if isinstance(location, Path) else request.getfixturevalue("pg_cluster")


# -- worker processes ---------------------------------------------------------------------------
class LineReader:
    """A child process whose stdout lines are collected by a thread, so the test can wait on them."""

    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=child_env(), cwd=REPO_ROOT)
        self.lines: list[str] = []
        self.counts: dict[str, int] = {}
        self.ended = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        try:
            for line in self.proc.stdout:
                word = line.split(" ", 1)[0].strip()
                with self._changed:
                    self.lines.append(line.rstrip("\n"))
                    self.counts[word] = self.counts.get(word, 0) + 1
                    self._changed.notify_all()
        finally:
            with self._changed:
                self.ended = True
                self._changed.notify_all()

    def wait_for(self, predicate, timeout: float = 60.0) -> str:
        """The first line (old or new) matching `predicate`; fails if the process ends without one."""
        seen = 0
        with self._changed:
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        return line
                seen = len(self.lines)
                if self.ended:
                    pytest.fail(f"worker ended (exit {self.proc.wait()}) without the line: {self.stderr()}")
                if not self._changed.wait(timeout=timeout):
                    pytest.fail(f"no matching line after {timeout}s; last lines {self.lines[-3:]}")

    def wait_until_count(self, word: str, at_least: int, timeout: float = 60.0) -> None:
        """Until `at_least` lines starting with `word` have arrived (checked once per wake, not per line)."""
        with self._changed:
            while self.counts.get(word, 0) < at_least:
                if self.ended:
                    pytest.fail(f"worker ended (exit {self.proc.wait()}) after {self.counts.get(word, 0)} {word}")
                if not self._changed.wait(timeout=timeout):
                    pytest.fail(f"only {self.counts.get(word, 0)} {word} lines after {timeout}s")

    def count(self, word: str) -> int:
        with self._changed:
            return self.counts.get(word, 0)

    def kill(self) -> int:
        """SIGKILL (kill -9), then drain: every line the worker flushed before dying is kept."""
        self.proc.kill()
        return self.finish()

    def finish(self, timeout: float = 60.0) -> int:
        code = self.proc.wait(timeout=timeout)
        self._thread.join(timeout=timeout)
        return code

    def stderr(self) -> str:
        return self.proc.stderr.read() if self.proc.stderr else ""


# -- permissions that bite under root ------------------------------------------------------------
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3
_PR_CAPBSET_DROP = 24


def obey_file_permissions() -> None:
    """preexec_fn: drop root's power to ignore file modes, so chmod bites as it would for a clerk.

    A root process keeps CAP_DAC_OVERRIDE; dropping it (and its siblings) from the bounding set
    before exec leaves uid 0 with ordinary permission checks. For a non-root run it does nothing."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
