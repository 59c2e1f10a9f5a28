"""Browser fixtures: the demo ledger (made once by `cashdesk demo --no-ui`), `cashdesk serve` over a
private copy of it, and headless Chromium pages on it, always closed before the server stops."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from browser_support import Page, need_chromium, start_chromium
from serve_support import CASHDESK, Served


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser-demo") / "ledger.db"
    made = subprocess.run([CASHDESK, "--db", str(path), "demo", "--no-ui"], capture_output=True, text=True,
                          timeout=300)
    assert made.returncode == 0, made.stderr
    return path


@pytest.fixture
def served(demo_template: Path, tmp_path: Path):
    """`cashdesk serve` on a free loopback port over a private copy of the demo ledger."""
    db = tmp_path / "ledger.db"
    shutil.copyfile(demo_template, db)
    shutil.copyfile(demo_template.with_name("ledger.db.anchors"), tmp_path / "ledger.db.anchors")
    server = Served(db).start()
    yield server
    assert server.stop() == 0, server.output()


@pytest.fixture
def open_page(served: Served):
    """open_page(width, height): a new Chromium on the served console. Each is quit before the
    server stops (this fixture depends on `served`, so its teardown runs first)."""
    need_chromium()
    drivers = []

    def opening(width: int, height: int) -> Page:
        drivers.append(start_chromium(width, height))
        page = Page(drivers[-1])
        page.open(served.url)
        return page

    yield opening
    for driver in drivers:
        driver.quit()
