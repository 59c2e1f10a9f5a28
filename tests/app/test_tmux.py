"""The real `cashdesk demo` in a real terminal (tmux, 80x24): sign in, record a receipt by keys, quit."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from ledger.book import Ledger

TMUX = shutil.which("tmux")
SESSION = "cashdesk-test"


def tmux(*args: str) -> str:
    return subprocess.run([TMUX, *args], capture_output=True, text=True, check=False).stdout


def screen() -> str:
    return tmux("capture-pane", "-t", SESSION, "-p")


def wait_for(text: str, limit_s: float = 60.0) -> str:
    """Poll the screen until `text` appears (a person waiting for the console), or fail."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        shown = screen()
        if text in shown:
            return shown
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen()}")


def keys(*sent: str) -> None:
    tmux("send-keys", "-t", SESSION, *sent)


def move(*sent: str, limit_s: float = 30.0) -> None:
    """Send keys that move focus one at a time, each time waiting until the picture changes
    (colours included): keys sent in one burst can overtake the focus change they cause."""
    for key in sent:
        before = tmux("capture-pane", "-t", SESSION, "-p", "-e")
        keys(key)
        deadline = time.monotonic() + limit_s
        while tmux("capture-pane", "-t", SESSION, "-p", "-e") == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"pressing {key} changed nothing on screen:\n{screen()}")
            time.sleep(0.05)


@pytest.fixture
def terminal(tmp_path: Path):
    assert TMUX, "tmux is needed for this test (.ci/run installs it)"
    data = tmp_path / "data"
    env = {**os.environ, "XDG_DATA_HOME": str(data), "CASHDESK_TERMINAL": "tmux:test", "TERM": "xterm-256color"}
    env.pop("CASHDESK_DB", None)
    command = "cashdesk demo; echo EXITED=$?; sleep 30"
    subprocess.run([TMUX, "kill-session", "-t", SESSION], capture_output=True)
    subprocess.run([TMUX, "new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", command],
                   env=env, check=True)
    yield data / "cashdesk" / "ledger.db"
    subprocess.run([TMUX, "kill-session", "-t", SESSION], capture_output=True)


def test_demo_console_records_a_receipt_and_quits(terminal: Path):
    wait_for("User name")
    keys("alice")
    wait_for("alice")
    move("Enter")
    keys("111111", "Enter")
    wait_for("No session open")
    keys("o")
    wait_for("by note and coin")
    move("Tab")  # to the £20 notes: the second box of the grid, after £50
    keys("2", "C-s")
    wait_for("Day 2")
    keys("r")
    wait_for("Income code")
    keys("12.50")
    wait_for("Limit after this")
    move("Tab", "Tab", "Enter")  # past the method (cash) to the income code, and open its list
    wait_for("RECOVERY —")
    move("Down", "Enter")  # the first code
    wait_for("Income code   CONTRIB")
    move("Tab")
    keys("Jo Bloggs")
    wait_for("Jo Bloggs")
    keys("C-s")
    wait_for("Receipt number")
    keys("C-q")
    shown = wait_for("EXITED=")
    assert "EXITED=0" in shown
    with Ledger.open(terminal) as ledger, ledger.store.reading() as reader:
        entry = reader.entry(reader.head()[0])
    assert entry.kind == "receipt_recorded" and entry.actor == "alice"
    assert entry.body_dict()["amount_pence"] == 1250 and entry.body_dict()["payer"] == "Jo Bloggs"
