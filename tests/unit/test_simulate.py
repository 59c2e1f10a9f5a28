"""`cashdesk simulate`: realistic history through the real write path, that verifies and keeps every rule.

The command runs twice on one new file (module fixture): once to create the history, once to show
it carries on from the last simulated day. A second, in-process run is pinned to Christmas 2026 to
show that bank holidays and weekends are never business dates.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path

import holidays
import pytest

from book_support import Cli
from ledger import audit, reports
from ledger.book import Ledger
from ledger.simulate import SimClock, simulate

KINDS = {"session_opened", "receipt_recorded", "debt_collected", "payout_recorded", "warrant_issued",
         "count_declared", "day_signed_off", "cash_banked"}
ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2025, 2029))


def snapshot(db: Path) -> dict:
    """Entry count, kinds, and every simulated session's date and state, read straight from the file."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        kinds = {kind for (kind,) in conn.execute("SELECT DISTINCT kind FROM entries")}
        total = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        sessions = {(json.loads(body)["officer"], day) for body, day in conn.execute(
            "SELECT body, business_date FROM entries WHERE kind = 'session_opened'")}
        signed = {(json.loads(body)["officer"], day) for body, day in conn.execute(
            "SELECT body, business_date FROM entries WHERE kind = 'day_signed_off'")}
    finally:
        conn.close()
    return {"entries": total, "kinds": kinds, "sessions": sessions, "signed": signed,
            "dates": sorted({day for _, day in sessions})}


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("simulate") / "sim.db"
    first = Cli(db)("simulate", "--days", "3", "--officers", "2")
    after_first = snapshot(db) if first.returncode == 0 else {}
    second = Cli(db)("simulate", "--days", "3", "--officers", "2")
    return {"db": db, "first": first, "after_first": after_first, "second": second, "after_second": snapshot(db)}


def test_simulate_on_a_new_file_writes_every_kind_and_verifies(simulated):
    first = simulated["first"]
    assert first.returncode == 0, first.stderr
    assert first.stderr == "" and "simulated 3 working days" in first.stdout
    state = simulated["after_first"]
    assert KINDS <= state["kinds"]
    assert len(state["dates"]) == 3
    assert {officer for officer, _ in state["sessions"]} == {"sim01", "sim02"}
    assert len(state["sessions"]) == 6
    with Ledger.open(simulated["db"]) as ledger:
        verdict = audit.verify(ledger.store)
    assert verdict.ok and verdict.entries == simulated["after_second"]["entries"]


def test_every_simulated_session_is_signed_off_and_banked_balances_close(simulated):
    state = simulated["after_second"]
    assert state["sessions"] == state["signed"]
    with Ledger.open(simulated["db"]) as ledger, ledger.store.reading() as reader:
        assert {row["state"] for row in reader.sessions_on(None)} == {"signed_off"}
        for officer, day in state["sessions"]:
            count = reader.entry(reader.session(officer, day)["count_seq"]).body_dict()
            banked = reader.account_balance_pence(f"Assets:Till:{officer}", day)
            assert banked in (0, count["cash_pence_counted"])     # banked to nothing, or a float-only till


def test_no_simulated_officer_passes_the_daily_limit(simulated):
    with Ledger.open(simulated["db"]) as ledger:
        rows = reports.limits(ledger.store, None)
    assert len(rows) == len(simulated["after_second"]["sessions"])
    assert all(0 < row["used_pence"] <= row["limit_pence"] for row in rows), rows


def test_running_again_continues_on_the_following_working_days(simulated):
    second = simulated["second"]
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    before, after = simulated["after_first"], simulated["after_second"]
    assert after["entries"] > before["entries"]
    new_dates = [day for day in after["dates"] if day not in before["dates"]]
    assert len(new_dates) == 3 and min(new_dates) > max(before["dates"])
    for day in after["dates"]:
        moment = date.fromisoformat(day)
        assert moment.weekday() < 5 and moment not in ENGLAND, day


def test_christmas_and_weekends_are_never_simulated_business_dates(tmp_path):
    clock = SimClock(datetime(2026, 12, 1, tzinfo=timezone.utc))
    with Ledger.create(tmp_path / "xmas.db", office="Sim", admin="simadmin", pin="135790", clock=clock,
                       terminal="simulate") as ledger:
        ledger.store.conn.execute("PRAGMA synchronous = OFF")     # speed only: this test is about dates
        first = simulate(ledger, clock, days=3, officers=1, today=date(2026, 12, 30))
        second = simulate(ledger, clock, days=3, officers=1, today=date(2026, 12, 30))
        assert audit.verify(ledger.store).ok
    assert (first.first_day, first.last_day) == ("2026-12-23", "2026-12-29")
    assert (second.first_day, second.last_day) == ("2026-12-30", "2027-01-04")
    assert snapshot(tmp_path / "xmas.db")["dates"] == [
        "2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-04"]
