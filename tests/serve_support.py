"""Helpers for tests of `cashdesk serve`: the real command on a free loopback port, the console
processes it runs (one per connected tab), and the rule that CI never skips what it installed."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CASHDESK = shutil.which("cashdesk") or str(Path(sys.executable).with_name("cashdesk"))
#: How long a person would wait for the server before calling it broken (never a timing assertion).
PATIENCE_S = 60.0


def need(missing: list[str], what: str) -> None:
    """Fail, never skip, when a tool is missing: a skipped test would hide an untested part.
    .ci/run installs them; on a developer's machine the message says what to install."""
    if missing:
        pytest.fail(f"{what} need {', '.join(missing)}: install them as .ci/run does "
                    "(apt-get install -y chromium chromium-driver nginx)")


def free_port() -> int:
    """A loopback port nobody listens on now (a server may still lose it to a race: see Served)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """`cashdesk --db DB serve --port P [ARGS]` as a user starts it; its output in files beside the ledger."""

    def __init__(self, db: Path, *args: str) -> None:
        self.db = db
        self.args = args
        self.stdout, self.stderr = db.with_name("serve.out"), db.with_name("serve.err")
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> "Served":
        env = {key: value for key, value in os.environ.items() if key not in ("CASHDESK_DB", "CASHDESK_TERMINAL")}
        for _ in range(3):  # another test may take the free port first: then pick another
            self.port = free_port()
            with open(self.stdout, "w") as out, open(self.stderr, "w") as err:
                self.process = subprocess.Popen(
                    [CASHDESK, "--db", str(self.db), "serve", "--port", str(self.port), *self.args],
                    stdout=out, stderr=err, env=env, cwd=self.db.parent)
            if self._answers():
                return self
            if "Address already in use" not in self.output():
                break
        self.stop_now()
        raise AssertionError(f"cashdesk serve never answered:\n{self.output()}")

    def _answers(self) -> bool:
        deadline = time.monotonic() + PATIENCE_S
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.url, timeout=5) as page:
                    return page.status == 200
            except OSError:
                time.sleep(0.05)
        return False

    def page(self) -> str:
        with urllib.request.urlopen(self.url, timeout=PATIENCE_S) as page:
            return page.read().decode()

    def output(self) -> str:
        return "".join(log.read_text(errors="replace") for log in (self.stdout, self.stderr) if log.exists())

    def consoles(self) -> set[int]:
        """The console processes this server runs now: one per connected tab."""
        found, todo = set(), [self.process.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    todo.extend(int(child) for child in (task / "children").read_text().split())
                except OSError:
                    continue
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"console.cli" in command and pid != self.process.pid:
                found.add(pid)
        return found

    def wait_for_consoles(self, check, what: str) -> set[int]:
        """Poll the console processes until check(pids) holds, or fail."""
        deadline = time.monotonic() + PATIENCE_S
        while not check(pids := self.consoles()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: the server runs consoles {sorted(pids)}")
            time.sleep(0.05)
        return pids

    def stop(self) -> int:
        """ctrl+c, as a person stops it; the exit status. Close browsers first: a connected tab
        makes the server wait about 20 s for its websocket."""
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=PATIENCE_S)
        except subprocess.TimeoutExpired:
            self.stop_now()
            raise AssertionError(f"cashdesk serve did not stop on ctrl+c:\n{self.output()}") from None

    def stop_now(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
