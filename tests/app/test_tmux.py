"""The real `cashdesk demo` in a real terminal (tmux, 80x24): sign in, record a receipt by keys, quit."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from ledger.book import Ledger

TMUX = shutil.which("tmux")


class Tmux:
    """One 80x24 tmux session on a tmux server of its own (`-L`): tests running in parallel, or a
    person's own tmux on the same machine, never see each other's sessions or keys."""

    def __init__(self) -> None:
        self.server = f"cashdesk-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "cashdesk"

    def __call__(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.server, *args], capture_output=True, text=True, check=False).stdout

    def start(self, command: str, env: dict[str, str]) -> None:
        subprocess.run([TMUX, "-L", self.server, "new-session", "-d", "-s", self.session, "-x", "80", "-y", "24",
                        command], env=env, check=True)

    def stop(self) -> None:
        self("kill-server")

    def screen(self, colours: bool = False) -> str:
        return self("capture-pane", "-t", self.session, "-p", *(["-e"] if colours else []))

    def wait_for(self, text: str, limit_s: float = 60.0) -> str:
        """Poll the screen until `text` appears (a person waiting for the console), or fail."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def keys(self, *sent: str) -> None:
        self("send-keys", "-t", self.session, *sent)

    def move(self, *sent: str, limit_s: float = 30.0) -> None:
        """Send keys that move focus one at a time, each time waiting until the picture changes
        (colours included): keys sent in one burst can overtake the focus change they cause."""
        for key in sent:
            before = self.screen(colours=True)
            self.keys(key)
            deadline = time.monotonic() + limit_s
            while self.screen(colours=True) == before:
                if time.monotonic() > deadline:
                    raise AssertionError(f"pressing {key} changed nothing on screen:\n{self.screen()}")
                time.sleep(0.05)
            self.settle(deadline)

    def settle(self, deadline: float, still_s: float = 0.3) -> None:
        """Wait until the picture has not changed for `still_s`: a key's first repaint (a list closing)
        can come before the focus has moved, and keys typed then go to the old field."""
        last, since = self.screen(colours=True), time.monotonic()
        while time.monotonic() - since < still_s and time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.screen(colours=True)
            if now != last:
                last, since = now, time.monotonic()


@pytest.fixture
def terminal(tmp_path: Path):
    """The real `cashdesk demo` running in its own tmux; yields the terminal and the demo ledger's path."""
    assert TMUX, "tmux is needed for this test (.ci/run installs it)"
    data = tmp_path / "data"
    env = {**os.environ, "XDG_DATA_HOME": str(data), "CASHDESK_TERMINAL": "tmux:test", "TERM": "xterm-256color"}
    env.pop("CASHDESK_DB", None)
    tmux = Tmux()
    tmux.start("cashdesk demo; echo EXITED=$?; sleep 30", env)
    yield tmux, data / "cashdesk" / "ledger.db"
    tmux.stop()


def test_demo_console_records_a_receipt_and_quits(terminal):
    tmux, ledger_path = terminal
    tmux.wait_for("User name")
    tmux.keys("alice")
    tmux.wait_for("alice")
    tmux.move("Enter")
    tmux.keys("111111", "Enter")
    tmux.wait_for("No session open")
    tmux.keys("o")
    tmux.wait_for("by note and coin")
    tmux.move("Tab")  # to the £20 notes: the second box of the grid, after £50
    tmux.keys("2", "C-s")
    tmux.wait_for("Day 2")
    tmux.keys("r")
    tmux.wait_for("Income code")
    tmux.keys("12.50")
    tmux.wait_for("Limit after this")
    tmux.move("Tab", "Tab", "Enter")  # past the method (cash) to the income code, and open its list
    tmux.wait_for("RECOVERY —")
    tmux.move("Down", "Enter")  # the first code
    tmux.wait_for("Income code   CONTRIB")
    tmux.settle(time.monotonic() + 30)  # the list has closed and the focus is back on the code
    tmux.move("Tab")
    tmux.keys("Jo Bloggs")
    tmux.wait_for("Jo Bloggs")
    tmux.keys("C-s")
    tmux.wait_for("Receipt number")
    tmux.keys("C-q")
    shown = tmux.wait_for("EXITED=")
    assert "EXITED=0" in shown
    with Ledger.open(ledger_path) as ledger, ledger.store.reading() as reader:
        entry = reader.entry(reader.head()[0])
    assert entry.kind == "receipt_recorded" and entry.actor == "alice"
    assert entry.body_dict()["amount_pence"] == 1250 and entry.body_dict()["payer"] == "Jo Bloggs"
