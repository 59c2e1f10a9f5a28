"""The bench's measurements outside the console: posting, processes posting together, whole commands, simulate."""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ledger.book import Ledger
from ledger.service import Actor
from ledger.store import LedgerBusy, open_store

PIN = "314159"
ADMIN = Actor("benchadmin", frozenset({"admin"}))
AUDITOR = "benchaudit"
INCOME_CODE = "BENCH"
#: The daily-limit setting's ceiling: the bench's officers never meet their limit.
LIMIT_PENCE = 100_000_000
BARE_ROW_BYTES = 300
WAL_HEADER_BYTES = 32
#: Receipts one officer posts in the bench's day: near a real day's, so the rules' per-day reads stay real size.
RECEIPTS_PER_OFFICER = 50
WARM_UP = 10
#: The bulk ledger's days start here, a thousand receipts a day, long before today's bench sessions.
BULK_START = datetime(2020, 1, 6, 9, 0, tzinfo=timezone.utc)
BULK_PER_DAY = 1_000
#: Every child process runs the bench's own code (a working tree or the installed package alike).
CODE_ROOT = str(Path(__file__).resolve().parents[1])
#: A whole `cashdesk` process, exactly as the console script starts it.
CASHDESK = (sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())")
TIME_V = Path("/usr/bin/time")


class BenchFailed(Exception):
    """A measurement could not be made (a command failed, a worker died): one line, and the bench stops."""


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p50 of 1..100 is 50, p99 is 99); samples need not be sorted."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def median(samples: list[float]) -> float:
    return percentile(samples, 0.5)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [CODE_ROOT, env.get("PYTHONPATH")]))
    env["CASHDESK_TERMINAL"] = "bench:cli"
    return env


# -- ledgers to measure on -----------------------------------------------------------------------
def officer(number: int) -> Actor:
    return Actor(f"bench{number:02d}", frozenset({"officer"}))


def officers_for(receipts: int) -> int:
    return math.ceil(receipts / RECEIPTS_PER_OFFICER)


def add_people(ledger: Ledger, officers: int) -> None:
    """The auditor, and `officers` officers (bench01…) each with today's session open and the top limit."""
    ledger.add_user(ADMIN, AUDITOR, ("auditor",), PIN)
    for number in range(1, officers + 1):
        who = officer(number)
        ledger.add_user(ADMIN, who.username, ("officer",), PIN)
        ledger.set_setting(ADMIN, "daily_limit_pence", LIMIT_PENCE, who.username)
        ledger.open_session(who, 5000)


def create_bench_ledger(path: Path, officers: int) -> None:
    with Ledger.create(path, office="Bench Office", admin=ADMIN.username, pin=PIN, terminal="bench") as ledger:
        ledger.add_code(ADMIN, INCOME_CODE, "Benchmark fees", "income")
        add_people(ledger, officers)


def build_bulk_ledger(path: Path, entries: int, officers: int = 1) -> None:
    """`entries` receipts of eight officers (bulk1…bulk8), appended through Writer.append in ONE transaction:
    the real chain and projections, without the service layer's per-entry fsync. Then today's people."""
    early = BULK_START - timedelta(hours=1)
    with Ledger.create(path, office="Bench Office", admin=ADMIN.username, pin=PIN, clock=lambda: early,
                       terminal="bench") as ledger:
        ledger.add_code(ADMIN, INCOME_CODE, "Benchmark fees", "income")
        with ledger.store.writing() as writer:
            for n in range(entries):
                writer.append(**_bulk_receipt(n))
    with Ledger.open(path, terminal="bench") as ledger:
        add_people(ledger, officers)


def _bulk_receipt(n: int) -> dict:
    day, slot = divmod(n, BULK_PER_DAY)
    moment = BULK_START + timedelta(days=day, seconds=20 * slot)
    who, pence = f"bulk{n % 8 + 1}", 150 + 50 * (n % 16)
    till = f"Assets:Till:{who}" if n % 3 else f"Assets:Cheques:{who}"
    return {"kind": "receipt_recorded", "entry_id": f"bulk-{n}", "business_date": moment.date().isoformat(),
            "actor": who, "terminal": "bench:bulk", "recorded_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "body": {"amount_pence": pence, "code": INCOME_CODE, "method": "cash" if n % 3 else "cheque",
                     "payer": f"Payer {n % 997}", "receipt_no": n + 1, "reference": f"REF{1000 + n % 9000}",
                     "postings": [{"account": till, "amount_pence": pence},
                                  {"account": f"Income:{INCOME_CODE}", "amount_pence": -pence}]}}


def count_entries(path: Path) -> int:
    with open_store(path) as store, store.reading() as reader:
        return reader.count_entries()


# -- (a) posting against a bare insert -----------------------------------------------------------
def post_receipt(ledger: Ledger, n: int, first_officer: int = 1) -> None:
    """Receipt `n` of a run, by the officer whose turn it is (each takes RECEIPTS_PER_OFFICER in a row)."""
    who = officer(first_officer + n // RECEIPTS_PER_OFFICER)
    ledger.record_receipt(who, amount_pence=1250, method="cash", code=INCOME_CODE, payer="Bench Payer",
                          reference=f"BENCH{n}")


def time_receipts(ledger: Ledger, first: int, count: int) -> list[float]:
    samples = []
    for n in range(first, first + count):
        start = time.perf_counter()
        post_receipt(ledger, n)
        samples.append(time.perf_counter() - start)
    return samples


def _open_bare(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
    return conn


def _time_bare(conn: sqlite3.Connection, count: int) -> list[float]:
    """One 300-byte row per BEGIN IMMEDIATE … COMMIT: the floor the disk and SQLite set."""
    row, samples = "x" * BARE_ROW_BYTES, []
    for _ in range(count):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO rows (data) VALUES (?)", (row,))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - start)
    return samples


def rate_figures(prefix: str, unit: str, samples: list[float]) -> dict:
    return {f"{prefix}_per_s": round(len(samples) / sum(samples), 1),
            f"{unit}_ms_p50": round(percentile(samples, 0.50) * 1000, 3),
            f"{unit}_ms_p99": round(percentile(samples, 0.99) * 1000, 3)}


def posting_rates(folder: Path, count: int, rounds: int, big_ledger: Path) -> dict:
    """Receipts through Ledger.record_receipt on an empty ledger and on `big_ledger` (built with
    officers_for(count + WARM_UP) officers), against bare inserts; the three take turns, round by round,
    so that a noisy neighbour hits all of them alike."""
    empty = folder / "posting.db"
    create_bench_ledger(empty, officers_for(count + WARM_UP))
    bare = _open_bare(folder / "bare.db")
    samples: dict[str, list[float]] = {"bare": [], "empty": [], "big": []}
    per_round = max(count // rounds, 1)
    try:
        with Ledger.open(empty, terminal="bench:post") as small, Ledger.open(big_ledger, terminal="bench:post") as big:
            _time_bare(bare, WARM_UP)  # warm up: caches, the WAL file, the first pages
            time_receipts(small, 0, WARM_UP)
            time_receipts(big, 0, WARM_UP)
            for turn in range(rounds):
                first = WARM_UP + turn * per_round
                samples["bare"] += _time_bare(bare, per_round)
                samples["empty"] += time_receipts(small, first, per_round)
                samples["big"] += time_receipts(big, first, per_round)
    finally:
        bare.close()
    figures = {**rate_figures("postings", "posting", samples["empty"]),
               **rate_figures("bare_inserts", "bare_insert", samples["bare"])}
    figures["postings_at_entries_per_s"] = round(len(samples["big"]) / sum(samples["big"]), 1)
    figures["postings_measured"] = len(samples["empty"])
    return figures


def write_cost(folder: Path, commits: int = 50) -> dict:
    """What one receipt asks of SQLite, counted rather than timed (so it does not move with the neighbours):
    its SQL statements, BEGIN and COMMIT included, and the WAL its commit writes, beside a bare insert's."""
    path, bare_path = folder / "cost.db", folder / "cost-bare.db"
    create_bench_ledger(path, officers_for(commits + WARM_UP + 1))
    with Ledger.open(path, terminal="bench:cost") as ledger:
        time_receipts(ledger, 0, WARM_UP)
        statements: list[str] = []
        ledger.store.conn.set_trace_callback(statements.append)
        post_receipt(ledger, WARM_UP)
        ledger.store.conn.set_trace_callback(None)
        posting_kib = _wal_kib_per_commit(ledger.store.conn, _wal_of(path), commits,
                                          lambda n: post_receipt(ledger, WARM_UP + 1 + n))
    bare = _open_bare(bare_path)
    try:
        _time_bare(bare, WARM_UP)
        bare_kib = _wal_kib_per_commit(bare, _wal_of(bare_path), commits, lambda n: _time_bare(bare, 1))
    finally:
        bare.close()
    return {"posting_statements": len(statements), "posting_wal_kib": posting_kib, "bare_insert_wal_kib": bare_kib}


def _wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _wal_kib_per_commit(conn: sqlite3.Connection, wal: Path, commits: int, commit) -> float:
    """KiB the WAL grows by per commit, with checkpoints held off while it is measured."""
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    start = wal.stat().st_size
    for n in range(commits):
        commit(n)
    grown = wal.stat().st_size - max(start, WAL_HEADER_BYTES)
    conn.execute("PRAGMA wal_autocheckpoint = 1000")
    return round(grown / commits / 1024, 2)


# -- (b) processes posting at once ---------------------------------------------------------------
def post_worker(path: str, first_officer: int, count: int, barrier, results) -> None:
    """One process: open the ledger, warm up, wait for the others, post `count` receipts as its own officers."""
    try:
        busy = posted = 0
        with Ledger.open(path, terminal=f"bench:p{first_officer}") as ledger:
            for n in range(WARM_UP):  # first-use imports and caches stay out of the timing
                post_receipt(ledger, n, first_officer)
            barrier.wait(timeout=120)
            start = time.perf_counter()
            for n in range(WARM_UP, WARM_UP + count):
                try:
                    post_receipt(ledger, n, first_officer)
                    posted += 1
                except LedgerBusy:
                    busy += 1
            end = time.perf_counter()
        results.put({"start": start, "end": end, "posted": posted, "busy": busy})
    except Exception as error:  # reported to the parent, which stops the bench with it
        results.put({"error": f"{officer(first_officer).username}…: {type(error).__name__}: {error}"})


def run_workers(path: Path, first_officers: list[int], count: int) -> tuple[float, int]:
    """Total receipts a second over the span from the first start to the last finish, and busy errors."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no sqlite3 handle crosses a fork
    barrier, results = context.Barrier(len(first_officers)), context.Queue()
    workers = [context.Process(target=post_worker, args=(str(path), first, count, barrier, results))
               for first in first_officers]
    for worker in workers:
        worker.start()
    answers = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    failed = [answer["error"] for answer in answers if "error" in answer]
    if failed:
        raise BenchFailed(f"a posting process failed: {failed[0]}")
    span = max(a["end"] for a in answers) - min(a["start"] for a in answers)
    return sum(a["posted"] for a in answers) / span, sum(a["busy"] for a in answers)


def processes_posting(folder: Path, per_process: int, processes: int = 4) -> dict:
    """One process posting, then `processes` at once, each with officers of its own (as at a real counter)."""
    path = folder / "processes.db"
    block = officers_for(per_process + WARM_UP)
    create_bench_ledger(path, officers=block * (processes + 1))
    one_per_s, busy_one = run_workers(path, [1], per_process)
    many_per_s, busy_many = run_workers(path, [1 + block * n for n in range(1, processes + 1)], per_process)
    return {"posting_1proc_per_s": round(one_per_s, 1), f"posting_{processes}proc_per_s": round(many_per_s, 1),
            "busy_errors": busy_one + busy_many}


# -- (e) whole processes side by side ------------------------------------------------------------
def run_process(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one whole process: /usr/bin/time -v if present, else wait4's rusage."""
    env = env or child_env()
    with tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        if TIME_V.exists():
            process = subprocess.Popen([str(TIME_V), "-v", *command], stdout=subprocess.DEVNULL, stderr=errors,
                                       env=env)
            code = process.wait()
        else:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
            _, status, usage = os.wait4(process.pid, 0)
            code = process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        errors.seek(0)
        report = errors.read()
    if code != 0:
        said = [line for line in report.splitlines() if line and not line.startswith("\t")]
        raise BenchFailed(f"{Path(command[0]).name} {' '.join(command[-2:])} exited {code}: "
                          f"{said[-1] if said else 'no message'}")
    if TIME_V.exists():
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
        return seconds, int(found.group(1)) if found else 0
    return seconds, usage.ru_maxrss


def side_by_side(db: Path, journal: Path, repeats: int, tools: dict[str, str]) -> dict:
    """`cashdesk verify`, `cashdesk replay`, `ledger bal` and `hledger bal`, in turns, `repeats` times each;
    the median time and median peak RSS of each."""
    commands = {"verify": [*CASHDESK, "--db", str(db), "verify"],
                "replay": [*CASHDESK, "--db", str(db), "replay"]}
    for name, program in tools.items():
        commands[f"{name}_bal"] = [program, "-f", str(journal), "bal"]
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            wall, peak = run_process(command)
            seconds[name].append(wall)
            rss[name].append(peak)
    figures = {f"{name}_s": round(median(times), 4) for name, times in seconds.items()}
    figures.update({f"{name}_peak_rss_kb": int(median(peaks)) for name, peaks in rss.items()})
    return figures


def export_journal(db: Path, journal: Path) -> int:
    from ledger.audit import export_hledger

    with open_store(db) as store, journal.open("w", encoding="utf-8") as out:
        return export_hledger(store, out)


# -- (f) simulate ----------------------------------------------------------------------------------
def simulate_run(folder: Path, days: int, officers: int = 8) -> dict:
    db = folder / "simulate.db"
    seconds, _ = run_process([*CASHDESK, "--db", str(db), "simulate", "--days", str(days),
                              "--officers", str(officers)])
    entries = count_entries(db)
    return {"simulate_days": days, "simulate_s": round(seconds, 3), "simulate_entries": entries,
            "simulate_entries_per_s": round(entries / seconds, 1)}
