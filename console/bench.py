"""`cashdesk bench`: the benchmark suite of docs/PERFORMANCE.md, each figure beside a baseline measured in the same run."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from ledger.location import describe


@dataclass(frozen=True)
class Plan:
    """How much of everything one run measures."""

    postings: int           # receipts on an empty ledger, on the big one, and bare inserts, each
    rounds: int             # … taken in turns, this many rounds
    per_process: int        # receipts each posting process writes
    receipts_by_keys: int   # receipts typed into the console
    starts: int             # console starts (and minimal-app starts)
    entries: int            # the big ledger: auditor's browser, verify, replay, posting at scale
    page_ups: int           # page-up presses in the browser
    repeats: int            # runs of each whole command side by side
    simulate_days: int      # `simulate --days D --officers 8`
    payrun_packages: int    # a pay run of this many packages …
    payrun_invoices: int    # … and this many invoices (and a tenth of each, to see how it grows)


QUICK = Plan(postings=120, rounds=3, per_process=40, receipts_by_keys=5, starts=2, entries=3_000, page_ups=6,
             repeats=2, simulate_days=1, payrun_packages=200, payrun_invoices=500)
FULL = Plan(postings=1_500, rounds=5, per_process=250, receipts_by_keys=30, starts=5, entries=100_000,
            page_ups=12, repeats=3, simulate_days=10, payrun_packages=2_000, payrun_invoices=5_000)
PROCESSES = 4

#: Every ratio, from the two figures it divides (as printed, so that anyone can recompute it).
RATIOS = {
    "posting_vs_bare_ratio": ("postings_per_s", "bare_inserts_per_s"),
    "posting_at_entries_vs_empty_ratio": ("postings_at_entries_per_s", "postings_per_s"),
    f"posting_{PROCESSES}proc_vs_1proc_ratio": (f"posting_{PROCESSES}proc_per_s", "posting_1proc_per_s"),
    "console_start_vs_minimal_ratio": ("console_start_s", "minimal_app_start_s"),
    "verify_vs_ledger_ratio": ("verify_s", "ledger_bal_s"),
    "replay_vs_ledger_ratio": ("replay_s", "ledger_bal_s"),
    "verify_vs_hledger_ratio": ("verify_s", "hledger_bal_s"),
    "replay_vs_hledger_ratio": ("replay_s", "hledger_bal_s"),
    "replay_vs_ledger_rss_ratio": ("replay_peak_rss_kb", "ledger_bal_peak_rss_kb"),
    "payrun_preview_growth_ratio": ("payrun_large_preview_ms", "payrun_small_preview_ms"),
    "payrun_close_growth_ratio": ("payrun_large_close_ms", "payrun_small_close_ms"),
    "queue_update_vs_cursor_ratio": ("console_queue_ui_ms_p50", "console_queue_cursor_ms_p50"),
    "pg_posting_vs_sqlite_ratio": ("pg_postings_per_s", "sqlite_postings_beside_pg_per_s"),
    "pg_posting_cpu_vs_sqlite_ratio": ("pg_posting_client_cpu_ms", "sqlite_posting_cpu_ms_beside_pg"),
    f"pg_posting_{PROCESSES}proc_vs_1proc_ratio": (f"pg_posting_{PROCESSES}proc_per_s", "pg_posting_1proc_per_s"),
    f"pg_posting_{PROCESSES}proc_vs_sqlite_ratio": (f"pg_posting_{PROCESSES}proc_per_s",
                                                     f"posting_{PROCESSES}proc_per_s"),
}


def run(args) -> int:
    """The handler: measure everything in a temporary folder, print a table (or one JSON object)."""
    from console.bench_parts import BenchFailed

    plan = QUICK if args.quick else FULL
    if args.entries:
        plan = replace(plan, entries=args.entries)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cashdesk-bench-") as folder:
        try:
            figures = measure(Path(folder), plan, Path(args.db) if args.db else None, say=_progress(args),
                              postgres=args.postgres)
        except BenchFailed as error:
            print(f"cashdesk bench: {error}", file=sys.stderr)
            return 1
    figures["quick"] = bool(args.quick)
    figures["bench_s"] = round(time.perf_counter() - started, 1)
    figures.update(ratios(figures))
    print(json.dumps(figures, indent=1) if args.json else report(figures))
    return 0


def _progress(args) -> Callable[[str], None]:
    """A line on stderr per step for people; nothing in --json mode."""
    if args.json:
        return lambda step: None
    return lambda step: print(f"bench: {step}…", file=sys.stderr, flush=True)


def measure(folder: Path, plan: Plan, side_by_side_db: Path | None, say: Callable[[str], None],
            postgres: str | None = None) -> dict:
    with contextlib.ExitStack() as stack:
        scratch = None
        if postgres:  # first: a server that cannot be used stops the bench before minutes of SQLite
            from console import bench_pg

            say(f"a scratch schema on {describe(postgres)}")
            scratch, server = stack.enter_context(bench_pg.scratch(postgres))
        figures = measure_sqlite(folder, plan, side_by_side_db, say)
        if scratch:
            figures.update(server)
            say(f"PostgreSQL: posting in turns with SQLite, then 1 and {PROCESSES} processes posting")
            figures.update(bench_pg.measure_postgres(folder, scratch, plan.postings, plan.rounds, plan.per_process,
                                                     PROCESSES))
    return figures


def measure_sqlite(folder: Path, plan: Plan, side_by_side_db: Path | None, say: Callable[[str], None]) -> dict:
    from console import bench_parts as parts, bench_ui as ui

    figures = machine(folder)
    big = folder / "big.db"
    say(f"appending {plan.entries:,} entries in one transaction")
    started = time.perf_counter()
    parts.build_bulk_ledger(big, plan.entries, parts.officers_for(plan.postings + parts.WARM_UP))
    figures["entries_build_s"] = round(time.perf_counter() - started, 2)
    figures["entries"] = parts.count_entries(big)
    figures["data"] = (f"{figures['entries']:,} entries: bulk Writer.append in one transaction (receipts of "
                       "8 officers through the real chain and projections, one commit)")
    say("posting: real write path, bare inserts, and at scale, in turns")
    figures.update(parts.posting_rates(folder, plan.postings, plan.rounds, big))
    figures.update(parts.write_cost(folder))
    say(f"1, then {PROCESSES} processes posting")
    figures.update(parts.processes_posting(folder, plan.per_process, PROCESSES))
    say("receipts by keys in the console (headless)")
    figures.update(ui.keypress_to_confirm(folder, plan.receipts_by_keys))
    say("console start against a minimal Textual app")
    figures.update(ui.console_start(folder / "demo.db", plan.starts))
    say("the auditor's browser")
    figures.update(ui.browser_paging(big, plan.page_ups))
    say("verify and replay beside ledger and hledger")
    figures.update(side_by_side(folder, side_by_side_db or big, plan.repeats))
    say(f"simulate --days {plan.simulate_days} --officers 8")
    figures.update(parts.simulate_run(folder, plan.simulate_days))
    say(f"a pay run of {plan.payrun_packages:,} packages and {plan.payrun_invoices:,} invoices, and a tenth of it")
    from console.bench_finance import measure_finance

    figures.update(measure_finance(folder, plan.payrun_packages, plan.payrun_invoices))
    return figures


def machine(folder: Path) -> dict:
    from ledger.store.sqlite import filesystem_type

    return {"cpus": os.cpu_count() or 0, "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "folder": str(folder), "filesystem": filesystem_type(folder) or "unknown"}


def side_by_side(folder: Path, db: Path, repeats: int) -> dict:
    """Whole processes on one ledger and its own hledger export, where ledger and hledger are installed."""
    from console import bench_parts as parts

    journal = folder / "export.journal"
    figures = {"side_by_side_ledger": str(db), "side_by_side_entries": parts.count_entries(db),
               "journal_transactions": parts.export_journal(db, journal)}
    tools = {name: found for name in ("ledger", "hledger") if (found := shutil.which(name))}
    missing = [name for name in ("ledger", "hledger") if name not in tools]
    if missing:
        figures["side_by_side_missing"] = f"not on PATH: {', '.join(missing)}"
    figures.update(parts.side_by_side(db, journal, repeats, tools))
    return figures


def ratios(figures: dict) -> dict:
    """Each ratio whose two figures were measured, to three places."""
    return {name: round(figures[top] / figures[bottom], 3) for name, (top, bottom) in RATIOS.items()
            if figures.get(top) and figures.get(bottom)}


# -- the table for people ----------------------------------------------------------------------------
#: (what, measured, baseline, ratio key, target, met?) with `{name}` fields filled from the figures.
ROWS: list[tuple[str, str, str, str, str, Callable[[dict], bool] | None]] = [
    ("posting, 1 process, real write path", "{postings_per_s:,.0f}/s (p50 {posting_ms_p50:.2f} ms, "
     "p99 {posting_ms_p99:.2f} ms)", "bare insert+commit {bare_inserts_per_s:,.0f}/s", "posting_vs_bare_ratio",
     ">= 0.7x", lambda f: f["posting_vs_bare_ratio"] >= 0.7),
    ("posting on the {entries:,}-entry ledger", "{postings_at_entries_per_s:,.0f}/s", "on an empty ledger",
     "posting_at_entries_vs_empty_ratio", "flat (~1x)", None),
    ("one receipt's work (counted)", "{posting_statements} SQL statements, {posting_wal_kib} KiB of WAL",
     "bare insert {bare_insert_wal_kib} KiB", "", "", None),
    (f"{PROCESSES} processes posting", f"{{posting_{PROCESSES}proc_per_s:,.0f}}/s, {{busy_errors}} busy errors",
     "1 process {posting_1proc_per_s:,.0f}/s", f"posting_{PROCESSES}proc_vs_1proc_ratio", ">= 0.8x, 0 busy",
     lambda f: f[f"posting_{PROCESSES}proc_vs_1proc_ratio"] >= 0.8 and f["busy_errors"] == 0),
    ("posting on PostgreSQL, 1 process", "{pg_postings_per_s:,.0f}/s (p50 {pg_posting_ms_p50:.2f} ms, p99 "
     "{pg_posting_ms_p99:.2f} ms), {pg_posting_statements} statements", "SQLite in turns "
     "{sqlite_postings_beside_pg_per_s:,.0f}/s", "pg_posting_vs_sqlite_ratio", "", None),
    ("a receipt's CPU on PostgreSQL, this process", "{pg_posting_client_cpu_ms:.2f} ms",
     "SQLite in turns {sqlite_posting_cpu_ms_beside_pg:.2f} ms", "pg_posting_cpu_vs_sqlite_ratio", "", None),
    ("a receipt's CPU in the PostgreSQL server", "{pg_posting_server_cpu_ms:.2f} ms", "-", "", "", None),
    (f"{PROCESSES} processes posting on PostgreSQL", f"{{pg_posting_{PROCESSES}proc_per_s:,.0f}}/s, "
     "{pg_busy_errors} busy errors", "1 process {pg_posting_1proc_per_s:,.0f}/s",
     f"pg_posting_{PROCESSES}proc_vs_1proc_ratio", ">= 0.8x, 0 busy",
     lambda f: f[f"pg_posting_{PROCESSES}proc_vs_1proc_ratio"] >= 0.8 and f["pg_busy_errors"] == 0),
    (f"{PROCESSES} processes posting, PostgreSQL vs SQLite", f"{{pg_posting_{PROCESSES}proc_per_s:,.0f}}/s",
     f"SQLite {{posting_{PROCESSES}proc_per_s:,.0f}}/s", f"pg_posting_{PROCESSES}proc_vs_sqlite_ratio", "", None),
    ("key press to confirmation ({keypress_receipts} receipts)", "p95 {keypress_to_confirm_ms_p95:.1f} ms "
     "(p50 {keypress_to_confirm_ms_p50:.1f})", "-", "", "p95 <= 16 ms",
     lambda f: f["keypress_to_confirm_ms_p95"] <= 16),
    ("console start to sign-in (headless)", "{console_start_s:.3f} s, {console_peak_rss_kb:,} KiB",
     "minimal Textual app {minimal_app_start_s:.3f} s",
     "console_start_vs_minimal_ratio", "<= 1.5x", lambda f: f["console_start_vs_minimal_ratio"] <= 1.5),
    ("auditor browser, {entries:,} entries", "End {browser_end_ms:.1f} ms; page up p50 {browser_page_ms_p50:.1f}, "
     "max {browser_page_ms_max:.1f} ms", "-", "", "each <= 16 ms",
     lambda f: max(f["browser_end_ms"], f["browser_page_ms_max"]) <= 16),
    ("cashdesk verify, whole process", "{verify_s:.3f} s", "ledger bal {ledger_bal_s:.3f} s",
     "verify_vs_ledger_ratio", "<= 0.6x", lambda f: f["verify_vs_ledger_ratio"] <= 0.6),
    ("cashdesk replay, whole process", "{replay_s:.3f} s", "ledger bal {ledger_bal_s:.3f} s",
     "replay_vs_ledger_ratio", "<= 0.5x", lambda f: f["replay_vs_ledger_ratio"] <= 0.5),
    ("cashdesk verify, whole process", "{verify_s:.3f} s", "hledger bal {hledger_bal_s:.3f} s",
     "verify_vs_hledger_ratio", "<= 0.1x", lambda f: f["verify_vs_hledger_ratio"] <= 0.1),
    ("replay peak memory", "{replay_peak_rss_kb:,} KiB", "ledger bal {ledger_bal_peak_rss_kb:,} KiB",
     "replay_vs_ledger_rss_ratio", "<= 0.5x", lambda f: f["replay_vs_ledger_rss_ratio"] <= 0.5),
    ("simulate --days {simulate_days} --officers 8", "{simulate_s:.1f} s, {simulate_entries:,} entries "
     "({simulate_entries_per_s:,.0f}/s)", "-", "", "300 days < 60 s", None),
    ("pay run preview, {payrun_packages:,} packages + {payrun_invoices:,} invoices",
     "{payrun_large_preview_ms:,.0f} ms ({payrun_large_lines:,} lines)", "a tenth: {payrun_small_preview_ms:,.0f} ms",
     "payrun_preview_growth_ratio", "linear (~10x)", lambda f: f["payrun_preview_growth_ratio"] <= 13),
    ("pay run close (lines, export, sha256, postings)", "{payrun_large_close_ms:,.0f} ms",
     "a tenth: {payrun_small_close_ms:,.0f} ms", "payrun_close_growth_ratio", "linear (~10x)",
     lambda f: f["payrun_close_growth_ratio"] <= 13),
    ("finance queue read, {payrun_packages:,} packages", "{payrun_large_queue_ms:.1f} ms ({payrun_large_waiting} waiting)", "-", "",
     "<= 16 ms", lambda f: f["payrun_large_queue_ms"] <= 16),
    ("finance queue on screen, {payrun_packages:,} packages", "update p50 {console_queue_ui_ms_p50:.1f} ms "
     "(read {console_queue_read_ms:.1f} ms; key to frame p50 {console_queue_refresh_ms_p50:.1f} ms)",
     "cursor move {console_queue_cursor_ms_p50:.1f} ms", "queue_update_vs_cursor_ratio", "update <= 16 ms",
     lambda f: f["console_queue_ui_ms_p50"] <= 16),
]


def server_line(figures: dict) -> str:
    """Which PostgreSQL the figures come from, and what its commits wait for."""
    return (f"\nPostgreSQL {figures['pg_server_version']} at {figures['pg_server']}: fsync={figures['pg_fsync']}, "
            f"synchronous_commit={figures['pg_synchronous_commit']}, "
            f"full_page_writes={figures['pg_full_page_writes']}")


def report(figures: dict) -> str:
    """The table, with what was measured on, and a reminder that ratios are what carry between runs."""
    from console.formatting import table

    rows = []
    for what, measured, baseline, ratio, target, met in ROWS:
        try:
            cells = {"what": what.format(**figures), "measured": measured.format(**figures),
                     "baseline (same run)": baseline.format(**figures)}
        except KeyError:  # a comparison that could not run here (ledger or hledger not installed)
            continue
        cells["ratio"] = f"{figures[ratio]:.2f}x" if ratio in figures else ""
        cells["target"] = target
        cells["met"] = "" if met is None else ("yes" if met(figures) else "NO")
        rows.append(cells)
    head = (f"cashdesk bench{' --quick' if figures['quick'] else ''}: {figures['cpus']} CPUs, Python "
            f"{figures['python']}, SQLite {figures['sqlite']}, {figures['filesystem']} at {figures['folder']}\n"
            f"big ledger: {figures['data']}, built in {figures['entries_build_s']} s\n"
            f"side by side on {figures['side_by_side_entries']:,} entries "
            f"({figures['journal_transactions']:,} journal transactions)"
            + (f"; {figures['side_by_side_missing']}" if "side_by_side_missing" in figures else "")
            + (server_line(figures) if "pg_server" in figures else ""))
    tail = (f"One run on a shared machine: absolute figures move with the neighbours; the ratios, each against "
            f"a baseline measured in the same run, are what to compare. Took {figures['bench_s']} s.")
    return f"{head}\n\n{table(rows)}\n\n{tail}"
