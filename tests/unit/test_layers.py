"""The dependency direction of DESIGN §1, checked by tooling: import-linter, and a fresh interpreter per module.

`console -> screens -> ledger`, never back; `ledger` imports no textual, rich or babel (nor console or
screens); `screens` never opens SQLite; headless commands such as `cashdesk verify` load no textual
or rich. Each check has a negative control showing that it does catch a module that breaks the rule.
"""

from __future__ import annotations

import ast
import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import ledger
from ledger.book import Ledger

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Top-level packages that must never be loaded by importing anything in `ledger`.
NOT_IN_LEDGER = ("textual", "rich", "babel", "console", "screens")
#: What a headless command must not load.
NOT_IN_HEADLESS = ("textual", "rich")
LEDGER_MODULES = ["ledger"] + sorted(info.name for info in pkgutil.walk_packages(ledger.__path__, "ledger."))
CONTRACTS = [c["name"] for c in tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
             ["tool"]["importlinter"]["contracts"]]


def lint_imports_command() -> str:
    """`lint-imports` beside this interpreter, else on PATH; a missing linter fails the test."""
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is not installed: pip install 'cashdesk[test]'"
    return found


def run_lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([lint_imports_command(), "--no-logo", "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=180)


def python_path_with(*folders: Path) -> dict[str, str]:
    parts = [str(folder) for folder in folders] + [str(REPO_ROOT)]
    if os.environ.get("PYTHONPATH"):
        parts.append(os.environ["PYTHONPATH"])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(parts)}


def loaded_after(statement: str, roots: tuple[str, ...], env: dict[str, str] | None = None) -> list[str]:
    """Run `statement` in a fresh interpreter; the loaded modules whose top-level package is in `roots`."""
    code = (f"{statement}\nimport sys\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {roots!r}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env or python_path_with(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{statement!r} failed:\n{proc.stderr}"
    return ast.literal_eval(proc.stdout.strip().splitlines()[-1])


def foreign_modules_after_import(modules: list[str], env: dict[str, str] | None = None) -> dict[str, list[str]]:
    """For each module, imported alone in a fresh interpreter: which UI/front-end modules it dragged in."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = pool.map(lambda name: loaded_after(f"import {name}", NOT_IN_LEDGER, env), modules)
        return dict(zip(modules, found))


# -- (a) import-linter ----------------------------------------------------------------------
def test_import_linter_keeps_every_contract():
    assert len(CONTRACTS) >= 3, CONTRACTS
    proc = run_lint_imports(REPO_ROOT)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in output, output
    for name in CONTRACTS:
        assert f"{name} KEPT" in output, output


def test_import_linter_contracts_catch_each_forbidden_import(tmp_path: Path):
    """Negative control: a copy of the code with one violation per contract breaks all of them."""
    for package in ("console", "screens", "ledger"):
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    violations = {
        "ledger/rules.py": "import screens  # ledger pointing back up the layers\n",
        "ledger/money.py": "import rich  # a UI library in the domain\n",
        "screens/__init__.py": "import sqlite3  # a screen opening the database\n",
    }
    for relative, line in violations.items():
        with open(tmp_path / relative, "a") as module:
            module.write("\n" + line)
    proc = run_lint_imports(tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert f"Contracts: 0 kept, {len(CONTRACTS)} broken." in output, output
    for name in CONTRACTS:
        assert f"{name} BROKEN" in output, output
    assert "ledger.money -> rich" in output and "screens -> sqlite3" in output, output


# -- (b) each ledger module in a fresh interpreter ------------------------------------------
@pytest.fixture(scope="module")
def ledger_imports() -> dict[str, list[str]]:
    return foreign_modules_after_import(LEDGER_MODULES)


def test_the_walk_found_the_ledger_modules():
    for expected in ("ledger.book", "ledger.service", "ledger.counter", "ledger.store.sqlite", "ledger.audit"):
        assert expected in LEDGER_MODULES


@pytest.mark.parametrize("module", LEDGER_MODULES)
def test_ledger_module_loads_no_ui_or_front_end(module: str, ledger_imports: dict[str, list[str]]):
    assert ledger_imports[module] == []


# -- (c) the headless CLI -------------------------------------------------------------------
def test_headless_verify_loads_no_textual_or_rich(tmp_path: Path):
    db = tmp_path / "ledger.db"
    Ledger.create(db, office="Layer Office", admin="adam", pin="555555", terminal="test:layers").close()
    assert loaded_after("import console.cli, console.handlers, console.commands", NOT_IN_HEADLESS) == []
    statement = (
        "import contextlib, io, json, console.cli\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = console.cli.main(['--db', {str(db)!r}, 'verify', '--json'])\n"
        "verdict = json.loads(out.getvalue())\n"
        "assert code == 0 and verdict['ok'] and verdict['entries'] >= 1, (code, verdict)\n"
    )
    assert loaded_after(statement, NOT_IN_HEADLESS) == []


@pytest.mark.parametrize("command", [["verify"], ["replay", "--json"], ["head"]])
def test_the_auditors_commands_load_no_validation_or_postgresql_library(tmp_path: Path, command: list[str]):
    """verify/replay/head on a SQLite ledger start fast: neither pydantic (the bodies' validation) nor psycopg
    is imported. Negative control: the parser once took the reference types from ledger.records, and every
    command, these too, imported pydantic (~170 ms) before doing anything."""
    db = tmp_path / "ledger.db"
    Ledger.create(db, office="Layer Office", admin="adam", pin="555555", terminal="test:layers").close()
    statement = (
        "import contextlib, io, console.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert console.cli.main(['--db', {str(db)!r}, *{command!r}]) == 0\n"
    )
    assert loaded_after(statement, ("pydantic", "pydantic_core", "psycopg", "sqlite_utils")) == []


# -- (d) the checker itself catches a leak ---------------------------------------------------
def test_checker_reports_a_module_that_imports_rich(tmp_path: Path):
    (tmp_path / "leaky_module.py").write_text('"""Imports a UI library."""\nimport rich.text\n')
    (tmp_path / "clean_module.py").write_text('"""Imports only the standard library."""\nimport json\n')
    (tmp_path / "backwards_module.py").write_text('"""Points back up the layers."""\nimport console.settings\n')
    found = foreign_modules_after_import(["leaky_module", "clean_module", "backwards_module"],
                                         python_path_with(tmp_path))
    assert "rich" in found["leaky_module"] and "rich.text" in found["leaky_module"]
    assert found["clean_module"] == []
    assert "console" in found["backwards_module"] and "console.settings" in found["backwards_module"]
