"""The finance desk's part of `cashdesk bench`: a pay run's preview and close at two sizes, and the queue."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ledger import finance_reports
from ledger.book import Ledger
from ledger.service import Actor, SeededIds

ADMIN = Actor("adam", frozenset({"admin"}))
FINANCE = Actor("fay", frozenset({"finance"}))
SUPERVISOR = Actor("sam", frozenset({"supervisor"}))
RATES = {"0-2": 18900, "3-4": 19600, "5-10": 21600, "11-15": 24700, "16-17": 28800}
#: Monday 2 November 2026, 09:00 UTC: the desk's books are built from here; the run closes on 1 December.
START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
RUN = {"pay_date": "2026-12-04", "cutoff": "2026-11-30 17:00", "period_end": "2026-11-29"}
#: When the run is closed (and the console's queue measured, after it).
CLOSE_AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
#: One invoice in this many is left waiting for authorisation (200 of 5,000): the finance queue.
WAITING_ONE_IN = 25


class BenchClock:
    """Moves a second a reading, so every authorisation lands before the cut-off."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def build_desk(path: Path, packages: int, invoices: int, clock: BenchClock) -> Ledger:
    """Payees, authorised packages across every age band, authorised invoices, and some left waiting,
    all through the real write path (synchronous=NORMAL, as `simulate` writes synthetic history)."""
    Ledger.create(path, office="Bench", admin="adam", pin="555555", clock=clock, terminal="bench",
                  ids=SeededIds("fin")).close()
    ledger = Ledger.open(path, clock=clock, terminal="bench", ids=SeededIds("fin-b"), durable=False)
    ledger.add_user(ADMIN, "fay", ("finance",), "666666")
    ledger.add_user(ADMIN, "sam", ("supervisor",), "333333")
    ledger.add_code(ADMIN, "FOSTER", "Fostering", "cost")
    ledger.set_rates(ADMIN, from_date="2025-04-01", weekly_pence=RATES)
    ledger.set_setting(ADMIN, "authorisation_limit_pence", 100_000_000, user="sam")
    carers = max(packages // 2, 10)
    for number in range(carers):
        ledger.add_payee(FINANCE, f"P{number}", name=f"Payee {number}", kind="carer", creditor=f"C{number}")
    for number in range(packages):
        item = ledger.start_package(FINANCE, payee=f"P{number % carers}", case_ref=f"CH-{number}",
                                    dob=f"20{10 + number % 15:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                                    start="2026-10-05", reward_pence=10000, code="FOSTER").body["item"]
        ledger.authorise_item(SUPERVISOR, item)
    for number in range(invoices):
        item = ledger.key_invoice(FINANCE, payee=f"P{number % carers}", invoice_no=f"N{number}",
                                  invoice_date="2026-11-01", amount_pence=1000 + number, code="FOSTER",
                                  description="Respite").body["item"]
        if number % WAITING_ONE_IN:
            ledger.authorise_item(SUPERVISOR, item)
    return ledger


def preview_and_close(folder: Path, packages: int, invoices: int) -> dict:
    """Milliseconds to preview and to close one run of `packages` lines and `invoices` invoices."""
    clock = BenchClock()
    with build_desk(folder / f"finance-{packages}.db", packages, invoices, clock) as ledger:
        run = ledger.schedule_payrun(SUPERVISOR, **RUN).body["run"]
        started = time.perf_counter()
        lines = len(ledger.preview_payrun(run).lines)
        preview_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        waiting = len(finance_reports.payments(ledger.store, clock.now))
        queue_ms = (time.perf_counter() - started) * 1000
        clock.now = CLOSE_AT
        started = time.perf_counter()
        ledger.close_payrun(SUPERVISOR, run, "bench")
        close_ms = (time.perf_counter() - started) * 1000
    return {"lines": lines, "preview_ms": round(preview_ms, 1), "close_ms": round(close_ms, 1),
            "queue_ms": round(queue_ms, 1), "waiting": waiting}


def measure_finance(folder: Path, packages: int, invoices: int) -> dict:
    """The run at a tenth of the size and at full size: how it grows is the figure that matters."""
    from console.bench_finance_ui import queue_refresh

    small = preview_and_close(folder, packages // 10, invoices // 10)
    large = preview_and_close(folder, packages, invoices)
    figures = {"payrun_packages": packages, "payrun_invoices": invoices}
    for size, measured in (("small", small), ("large", large)):
        figures.update({f"payrun_{size}_{key}": value for key, value in measured.items()})
    console = queue_refresh(folder / f"finance-{packages}.db", CLOSE_AT, samples=large["waiting"] // 2)
    figures.update({f"console_{key}": value for key, value in console.items()})
    return figures
