"""`cashdesk bench --postgres URL`: posting on a PostgreSQL server, beside SQLite measured in the same run.

The bench works in a schema of its own in the database the URL names (`ledger.store.pg_scratch`): it
needs CREATE there, fills the schema with its ledger, and drops it at the end, so a scratch database
can be used again. The URL is shown only without its password.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Callable, Iterator

from console import bench_parts as parts
from ledger.book import Ledger
from ledger.location import describe


@contextlib.contextmanager
def scratch(url: str) -> Iterator[tuple[str, dict]]:
    """The scratch schema's URL and the figures saying which server it is on and how durable its commits are.
    Entered before the rest of the bench, so that a server that cannot be used stops it at once."""
    from ledger.store.pg_scratch import scratch_schema

    with scratch_schema(url) as (schema_url, settings):
        yield schema_url, {"pg_server": describe(url), **{f"pg_{name}": value for name, value in settings.items()}}


def measure_postgres(folder: Path, url: str, postings: int, rounds: int, per_process: int,
                     processes: int = 4) -> dict:
    """In the scratch schema `url`: receipts in turns with a SQLite ledger of the same people, the statements
    one receipt sends, then one process posting and `processes` at once, as bench_parts measures SQLite."""
    posting_officers = parts.officers_for(postings + parts.WARM_UP + 1)  # and the receipt counted
    block = parts.officers_for(per_process + parts.WARM_UP)
    parts.create_bench_ledger(url, posting_officers + block * (processes + 1))
    parts.create_bench_ledger(folder / "beside-pg.db", posting_officers)
    figures = posting_in_turns(url, folder / "beside-pg.db", postings, rounds)
    one_per_s, busy_one = parts.run_workers(url, [posting_officers + 1], per_process)
    many_per_s, busy_many = parts.run_workers(
        url, [posting_officers + 1 + block * n for n in range(1, processes + 1)], per_process)
    figures.update({"pg_posting_1proc_per_s": round(one_per_s, 1),
                    f"pg_posting_{processes}proc_per_s": round(many_per_s, 1), "pg_busy_errors": busy_one + busy_many})
    return figures


def posting_in_turns(url: str, sqlite_path: Path, count: int, rounds: int) -> dict:
    """Receipts through Ledger.record_receipt on PostgreSQL and on SQLite, round by round, so that a noisy
    neighbour hits both alike; then the statements a receipt sends to the server."""
    samples: dict[str, list[float]] = {"pg": [], "sqlite": []}
    cpu_s = {"pg": 0.0, "sqlite": 0.0}
    per_round = max(count // rounds, 1)
    with Ledger.open(url, terminal="bench:pg") as pg, Ledger.open(sqlite_path, terminal="bench:pg") as lite:
        parts.time_receipts(pg, 0, parts.WARM_UP)
        parts.time_receipts(lite, 0, parts.WARM_UP)
        server_before = backend_cpu_s(url, pg)
        for turn in range(rounds):
            first = parts.WARM_UP + turn * per_round
            for name, ledger in (("sqlite", lite), ("pg", pg)):
                started = time.process_time()
                samples[name] += parts.time_receipts(ledger, first, per_round)
                cpu_s[name] += time.process_time() - started
        server_after = backend_cpu_s(url, pg)
        sent = statements_sent(pg, lambda: parts.post_receipt(pg, parts.WARM_UP + rounds * per_round))
    figures = parts.rate_figures("pg_postings", "pg_posting", samples["pg"])
    measured = len(samples["pg"])
    figures.update({"sqlite_postings_beside_pg_per_s": round(len(samples["sqlite"]) / sum(samples["sqlite"]), 1),
                    "pg_postings_measured": measured, "pg_posting_statements": len(sent),
                    "pg_posting_client_cpu_ms": round(cpu_s["pg"] / measured * 1000, 3),
                    "sqlite_posting_cpu_ms_beside_pg": round(cpu_s["sqlite"] / measured * 1000, 3)})
    if server_before is not None and server_after is not None:
        figures["pg_posting_server_cpu_ms"] = round((server_after - server_before) / measured * 1000, 3)
    return figures


def backend_cpu_s(url: str, ledger: Ledger) -> float | None:
    """CPU seconds the server process serving this connection has used, where it runs on this host (a socket or
    localhost, and /proc shows a postgres process by that id); None elsewhere. In clock ticks (10 ms): read over
    hundreds of receipts, not one."""
    from ledger.location import hosts, is_local, url_parts

    if not all(is_local(host) for host in hosts(url_parts(url))):
        return None
    proc = Path(f"/proc/{ledger.store.conn.raw.info.backend_pid}")
    try:
        if not (proc / "comm").read_text().startswith("postgres"):
            return None
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def statements_sent(ledger: Ledger, act: Callable[[], None]) -> list[str]:
    """The statements `act` sends through the store's connection, BEGIN and COMMIT included: each one a round
    trip to the server (an executemany one pipeline of its rows)."""
    conn, sent = ledger.store.conn, []
    execute, executemany = conn.execute, conn.executemany
    conn.execute = lambda sql, params=(): (sent.append(sql), execute(sql, params))[1]
    conn.executemany = lambda sql, rows: (sent.append(sql), executemany(sql, rows))[1]
    try:
        act()
    finally:
        del conn.execute, conn.executemany
    return sent
