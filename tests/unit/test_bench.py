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
    "pg_posting_vs_sqlite_ratio": ("pg_postings_per_s", "sqlite_postings_beside_pg_per_s"),
    "pg_posting_cpu_vs_sqlite_ratio": ("pg_posting_client_cpu_ms", "sqlite_posting_cpu_ms_beside_pg"),
    "pg_posting_4proc_vs_1proc_ratio": ("pg_posting_4proc_per_s", "pg_posting_1proc_per_s"),
    "pg_posting_4proc_vs_sqlite_ratio": ("pg_posting_4proc_per_s", "posting_4proc_per_s"),
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


# -- `cashdesk bench --postgres URL`: the PostgreSQL part, with tiny sizes, on the test cluster --------------
PG_POSTINGS, PG_ROUNDS, PG_PER_PROCESS = 6, 2, 3
#: The PostgreSQL part's figures that are times, rates or counts, each a positive number.
PG_MEASURED = ("pg_postings_per_s", "pg_posting_ms_p50", "pg_posting_ms_p99", "sqlite_postings_beside_pg_per_s",
               "pg_postings_measured", "pg_posting_statements", "pg_posting_1proc_per_s", "pg_posting_4proc_per_s",
               "pg_posting_client_cpu_ms", "sqlite_posting_cpu_ms_beside_pg")
SECRET = "hunter2-not-shown"


@pytest.fixture(scope="module")
def pg_bench(pg_cluster, tmp_path_factory) -> dict:
    """The bench's PostgreSQL part once, on a fresh database given with a password (the test cluster trusts
    its socket, so the password is ignored by the server, but the bench still holds it): its figures, the
    entries its ledgers got, and the database's schemas after it."""
    from console import bench_pg
    from ledger.store import open_store

    url = pg_cluster.fresh_database()
    folder = tmp_path_factory.mktemp("pg-bench")
    with bench_pg.scratch(url.replace("postgres@", f"postgres:{SECRET}@")) as (schema_url, server):
        figures = {**server, **bench_pg.measure_postgres(folder, schema_url, PG_POSTINGS, PG_ROUNDS, PG_PER_PROCESS)}
        pg_kinds = dict(pg_cluster.psql("SELECT kind, count(*) FROM entries GROUP BY kind", db=schema_url))
        one_receipt = _one_receipt_statements(schema_url)
    with open_store(folder / "beside-pg.db") as store, store.reading() as reader:
        sqlite_receipts = sum(1 for entry in reader.iter_entries() if entry.kind == "receipt_recorded")
    schemas = [name for (name,) in pg_cluster.psql("SELECT nspname FROM pg_namespace", db=url)]
    tables = pg_cluster.psql("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", db=url)
    yield {"figures": figures, "pg_kinds": pg_kinds, "sqlite_receipts": sqlite_receipts, "schemas": schemas,
           "tables": tables, "one_receipt": one_receipt}
    pg_cluster.drop_database(url)


def _one_receipt_statements(schema_url: str) -> list[str]:
    """What one more receipt sends, as the bench counts it (bench01 has posted far fewer than its day's 50)."""
    from console import bench_parts, bench_pg
    from ledger.book import Ledger

    with Ledger.open(schema_url, terminal="test:bench") as ledger:
        return bench_pg.statements_sent(ledger, lambda: bench_parts.post_receipt(ledger, 0))


@pytest.mark.postgresql
def test_postgres_part_reports_rates_and_no_busy_errors(pg_bench: dict):
    figures = pg_bench["figures"]
    assert {key: figures.get(key) for key in PG_MEASURED if not positive_number(figures.get(key))} == {}
    assert figures["pg_posting_ms_p50"] <= figures["pg_posting_ms_p99"]
    assert figures["pg_postings_measured"] == PG_POSTINGS
    assert figures["pg_busy_errors"] == 0, "a write waited out the lock timeout, or a serialization failure"
    # The test server runs here, as postgres: its process's CPU is read (in 10 ms ticks: over 6 receipts, maybe 0).
    assert isinstance(figures["pg_posting_server_cpu_ms"], float) and figures["pg_posting_server_cpu_ms"] >= 0


@pytest.mark.postgresql
def test_postgres_part_says_which_server_and_how_durable(pg_bench: dict, pg_cluster):
    figures = pg_bench["figures"]
    assert figures["pg_server_version"].startswith("15.")
    assert figures["pg_fsync"] == "off" and figures["pg_synchronous_commit"] == "on"  # tests/pg_support.SETTINGS
    assert figures["pg_server"].startswith("postgresql://postgres@/test_")
    assert str(pg_cluster.socket_dir) in figures["pg_server"]


@pytest.mark.postgresql
def test_postgres_part_never_shows_the_password(pg_bench: dict):
    assert SECRET not in json.dumps(pg_bench["figures"])


@pytest.mark.postgresql
def test_postgres_part_posted_every_receipt_it_timed_on_each_store(pg_bench: dict):
    """Warm-up, the timed receipts and the one whose statements were counted on PostgreSQL; then 1 and 4 posting
    processes, each warming up and posting its share; and the timed ones on the SQLite ledger beside it."""
    from console.bench_parts import WARM_UP

    posted_in_turns = WARM_UP + PG_POSTINGS + 1
    assert pg_bench["pg_kinds"]["receipt_recorded"] == posted_in_turns + 5 * (WARM_UP + PG_PER_PROCESS)
    assert pg_bench["sqlite_receipts"] == WARM_UP + PG_POSTINGS


@pytest.mark.postgresql
def test_statements_counted_are_those_one_receipt_sends(pg_bench: dict):
    sent = pg_bench["one_receipt"]
    assert sent[0] == "BEGIN" and sent[-1] == "COMMIT"
    assert sent[1] == "SELECT seq FROM chain_head WHERE id = 1 FOR UPDATE", "every write locks the head first"
    assert sum(statement.lstrip().startswith("INSERT INTO entries") for statement in sent) == 1
    assert pg_bench["figures"]["pg_posting_statements"] == len(sent)


@pytest.mark.postgresql
def test_postgres_part_leaves_the_database_as_it_found_it(pg_bench: dict):
    assert [name for name in pg_bench["schemas"] if name.startswith("cashdesk_bench")] == []
    assert pg_bench["tables"] == []


@pytest.mark.postgresql
def test_postgres_ratios_are_their_figures_quotients(pg_bench: dict):
    from console.bench import ratios

    figures = {**pg_bench["figures"], "posting_4proc_per_s": 400.0}
    computed = ratios(figures)
    for name in ("pg_posting_vs_sqlite_ratio", "pg_posting_cpu_vs_sqlite_ratio", "pg_posting_4proc_vs_1proc_ratio",
                 "pg_posting_4proc_vs_sqlite_ratio"):
        top, bottom = RATIOS[name]
        assert computed[name] == pytest.approx(figures[top] / figures[bottom], abs=0.0006), name


@pytest.mark.postgresql
def test_the_table_shows_postgresql_beside_sqlite(bench: dict, pg_bench: dict):
    from console.bench import ratios, report

    figures = {**bench, **pg_bench["figures"]}
    figures.update(ratios(figures))
    table = report(figures)
    assert "posting on PostgreSQL, 1 process" in table and "4 processes posting, PostgreSQL vs SQLite" in table
    assert f"PostgreSQL {figures['pg_server_version']} at {figures['pg_server']}: fsync=off" in table
    assert "posting on PostgreSQL" not in report({**bench, **ratios(bench)}), "no server, no PostgreSQL rows"


def _bench_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())", "bench", *args]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("url", "code", "said"), [
    (f"db.example.council/ledger?password={SECRET}", 2, "is not a postgresql:// URL"),
    (f"postgresql://clerk:{SECRET}@db.example.council/ledger", 4, "db.example.council is another host"),
    (f"postgresql://clerk:{SECRET}@/ledger?host=/nonexistent-cashdesk-socket", 4, "cannot connect to"),
])
def test_a_server_that_cannot_be_used_stops_the_bench_at_once(url: str, code: int, said: str):
    """Before any SQLite measurement: one line, no traceback, no password."""
    result = _bench_cli("--quick", "--json", "--postgres", url)
    assert result.returncode == code, result.stderr
    assert said in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert SECRET not in result.stderr and "Traceback" not in result.stderr


def test_the_servers_cpu_is_read_only_for_a_server_on_this_host():
    """A backend id means a process here only when the server is here: a remote one's id is not looked up."""
    from console.bench_pg import backend_cpu_s

    assert backend_cpu_s("postgresql://clerk@db.example.council/ledger?sslmode=verify-full", None) is None
