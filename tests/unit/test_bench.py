"""`cashdesk bench --quick --json`, run once as the real command: every figure is there, positive, and every
ratio is the quotient of the two figures it names. Nothing here asserts on speed: benchmarks are not tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Figures every run measures (times, rates, counts), each a positive number.
MEASURED = (
    "postings_per_s", "posting_ms_p50", "posting_ms_p99", "bare_inserts_per_s", "bare_insert_ms_p50",
    "bare_insert_ms_p99", "postings_at_entries_per_s", "posting_1proc_per_s", "posting_4proc_per_s",
    "keypress_to_confirm_ms_p50", "keypress_to_confirm_ms_p95", "keypress_receipts",
    "console_start_s", "minimal_app_start_s", "console_peak_rss_kb", "browser_end_ms", "browser_page_ms_p50", "browser_page_ms_max",
    "browser_pages", "verify_s", "replay_s", "verify_peak_rss_kb", "replay_peak_rss_kb",
    "simulate_days", "simulate_s", "simulate_entries", "simulate_entries_per_s", "entries", "entries_build_s",
    "side_by_side_entries", "journal_transactions", "cpus", "bench_s",
    "payrun_small_lines", "payrun_small_preview_ms", "payrun_small_close_ms", "payrun_large_lines",
    "payrun_large_preview_ms", "payrun_large_close_ms", "payrun_large_queue_ms", "payrun_large_waiting",
    "console_queue_read_ms", "console_queue_refresh_ms_p50", "console_queue_ui_ms_p50", "console_queue_ui_ms_max",
    "console_queue_cursor_ms_p50",
    "posting_statements", "posting_wal_kib", "bare_insert_wal_kib",
)
#: Each ratio and the (measured, baseline) figures it divides, written out again here rather than imported.
RATIOS = {
    "posting_vs_bare_ratio": ("postings_per_s", "bare_inserts_per_s"),
    "posting_at_entries_vs_empty_ratio": ("postings_at_entries_per_s", "postings_per_s"),
    "posting_4proc_vs_1proc_ratio": ("posting_4proc_per_s", "posting_1proc_per_s"),
    "payrun_preview_growth_ratio": ("payrun_large_preview_ms", "payrun_small_preview_ms"),
    "payrun_close_growth_ratio": ("payrun_large_close_ms", "payrun_small_close_ms"),
    "queue_update_vs_cursor_ratio": ("console_queue_ui_ms_p50", "console_queue_cursor_ms_p50"),
    "console_start_vs_minimal_ratio": ("console_start_s", "minimal_app_start_s"),
    "verify_vs_ledger_ratio": ("verify_s", "ledger_bal_s"),
    "replay_vs_ledger_ratio": ("replay_s", "ledger_bal_s"),
    "verify_vs_hledger_ratio": ("verify_s", "hledger_bal_s"),
    "replay_vs_hledger_ratio": ("replay_s", "hledger_bal_s"),
    "replay_vs_ledger_rss_ratio": ("replay_peak_rss_kb", "ledger_bal_peak_rss_kb"),
}
#: The side-by-side figures that need ledger or hledger on PATH.
NEEDS = {"ledger": ("ledger_bal_s", "ledger_bal_peak_rss_kb"), "hledger": ("hledger_bal_s", "hledger_bal_peak_rss_kb")}


@pytest.fixture(scope="module")
def bench() -> dict:
    """The real command, from this checkout, once for the module."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())",
               "bench", "--quick", "--json"]
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def positive_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def test_every_figure_is_a_positive_number(bench: dict):
    assert bench["quick"] is True
    missing = [key for key in MEASURED if key not in bench]
    assert missing == [], missing
    assert {key: bench[key] for key in MEASURED if not positive_number(bench[key])} == {}


def test_posting_reports_rate_p99_and_busy_errors(bench: dict):
    assert positive_number(bench["postings_per_s"]) and positive_number(bench["posting_ms_p99"])
    assert bench["posting_ms_p50"] <= bench["posting_ms_p99"]
    assert isinstance(bench["busy_errors"], int) and bench["busy_errors"] >= 0
    assert bench["keypress_to_confirm_ms_p50"] <= bench["keypress_to_confirm_ms_p95"]
    assert bench["browser_page_ms_p50"] <= bench["browser_page_ms_max"]
    assert bench["posting_statements"] >= 4, "BEGIN, a read, an insert and COMMIT at the least"
    assert bench["posting_wal_kib"] > bench["bare_insert_wal_kib"] > 0, "a receipt dirties more pages than one row"


def test_side_by_side_figures_exist_for_each_installed_tool(bench: dict):
    for tool, keys in NEEDS.items():
        if shutil.which(tool):
            assert all(positive_number(bench.get(key)) for key in keys), {key: bench.get(key) for key in keys}
        else:
            assert tool in bench["side_by_side_missing"]
            assert all(key not in bench for key in keys)


def test_each_ratio_is_its_figures_quotient(bench: dict):
    for name, (top, bottom) in RATIOS.items():
        if top in bench and bottom in bench:
            assert positive_number(bench[name]), name
            assert bench[name] == pytest.approx(bench[top] / bench[bottom], abs=0.0006), name
        else:
            assert name not in bench, name
    assert {key for key in bench if key.endswith("_ratio")} <= set(RATIOS)


def test_the_data_says_how_the_big_ledger_was_built(bench: dict):
    assert "Writer.append in one transaction" in bench["data"]
    assert bench["entries"] >= 3_000 and bench["side_by_side_entries"] >= bench["entries"]


def test_only_an_opt_in_open_gives_up_full_sync(tmp_path: Path):
    """`simulate` opens with durable=False (synchronous=NORMAL); every other open keeps FULL."""
    from ledger.book import Ledger

    db = tmp_path / "ledger.db"
    Ledger.create(db, office="Sync Office", admin="adam", pin="555555", terminal="test:sync").close()
    with Ledger.open(db) as ledger:
        assert ledger.store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with Ledger.open(db, durable=False) as ledger:
        assert ledger.store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
