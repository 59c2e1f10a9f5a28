"""Console fixtures: a private copy of the demo ledger (built once) and the App over it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from console_support import make_app
from ledger.demo import build_demo


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo ledger, built once per test session for 'today' = 23 November 2026."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, today=date(2026, 11, 23)).close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo ledger for one test (its anchor log beside it)."""
    target = tmp_path / "ledger.db"
    target.write_bytes(demo_template.read_bytes())
    anchors = demo_template.with_name(demo_template.name + ".anchors")
    if anchors.exists():
        target.with_name(target.name + ".anchors").write_bytes(anchors.read_bytes())
    return target


@pytest.fixture
def app(demo_db: Path) -> CashdeskApp:
    return make_app(demo_db)


