"""The finance desk on the real command line: the §9 contract of every command and report."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cli_support import answer, appended, failed, ok, refused, run
from ledger.book import Ledger
from ledger.service import Actor

ADAM, FAY, SAM = "555555", "666666", "333333"
WEEKLY = "0-2=189.00,3-4=196.00,5-10=216.00,11-15=247.00,16-17=288.00"


def act(db: Path | str, *args: str, pin: str) -> dict:
    return appended(run(*args, "--pin-stdin", "--json", db=db, stdin=pin + "\n"))


@pytest.fixture(scope="module")
def demo(module_place) -> Path | str:
    """The demo ledger, shared by the tests that only read it."""
    db = module_place("demo.db")
    ok(run("demo", "--no-ui", db=db))
    return db


@pytest.fixture(scope="module")
def desk_template(module_place) -> Path | str:
    """A fresh ledger where adam has set rates, fay (finance) and sam (supervisor) work: made once per store
    by the real commands, then copied for each test (nine commands a test cost more than all its own)."""
    db = module_place("desk.db")
    ok(run("init", "--office", "Finance Test", "--admin", "adam", "--pin-stdin", db=db, stdin=ADAM + "\n"))
    for user, roles, pin in (("fay", "finance", FAY), ("sam", "supervisor", SAM)):
        ok(run("users", "add", user, "--roles", roles, "--as", "adam", "--pin-stdin", db=db, stdin=f"{ADAM}\n{pin}\n"))
    for code in ("FOSTER", "RESPITE"):
        act(db, "codes", "add", code, "--name", code.title(), "--type", "cost", "--as", "adam", pin=ADAM)
    act(db, "rates", "set", "--from", "2025-04-01", "--weekly", WEEKLY, "--as", "adam", pin=ADAM)
    act(db, "settings", "set", "authorisation_limit_pence", "5000000", "--user", "sam", "--as", "adam", pin=ADAM)
    act(db, "payee", "add", "CAR-1", "--name", "Jo Carter", "--kind", "carer", "--creditor", "400101", "--as", "fay",
        pin=FAY)
    act(db, "payee", "add", "PRV-1", "--name", "Brightwater", "--kind", "provider", "--creditor", "500201",
        "--as", "fay", pin=FAY)
    return db


@pytest.fixture
def desk(desk_template, copy_of_ledger) -> Path | str:
    """The desk for one test to write in."""
    return copy_of_ledger(desk_template)


def test_the_demo_has_fay_and_every_part_of_the_finance_desk(demo):
    users = {row["username"]: row for row in answer(run("users", "list", "--json", db=demo))}
    assert users["fay"]["roles"] == "finance"
    runs = {row["run"]: row for row in answer(run("payrun", "list", "--json", db=demo))}
    assert runs["PR-0001"]["state"] == "paid" and runs["PR-0002"]["state"] == "scheduled"
    closed = answer(run("payrun", "preview", "PR-0001", "--json", db=demo))
    assert {line["kind"] for line in closed["lines"]} == {"invoice", "payment", "package"}
    accepted = answer(run("report", "discrepancies", "--format", "json", db=demo))
    assert any(row["kind"] == "confirmed_duplicate" and row["state"] == "accepted" for row in accepted)
    waiting = answer(run("report", "payments", "--format", "json", db=demo))
    assert {row["kind"] for row in waiting} == {"invoice", "payment", "change"}
    assert all(row["run"] == "PR-0002" and row["minutes_left"] > 0 for row in waiting)
    packages = answer(run("report", "packages", "--format", "json", db=demo))
    assert all(row["weekly_due_pence"] > 0 for row in packages)


def test_keying_answers_with_the_item_and_a_duplicate_names_the_earlier_one(desk):
    first = act(desk, "invoice", "--payee", "PRV-1", "--number", "INV-0042", "--date", "2026-11-02", "--amount",
                "380.00", "--code", "RESPITE", "--description", "Respite weekend", "--as", "fay", pin=FAY)
    assert first["item"] == "INV-0001"
    again = ("invoice", "--payee", "PRV-1", "--number", "inv42", "--date", "2026-11-09", "--amount", "12.00",
             "--code", "RESPITE", "--description", "Respite", "--as", "fay", "--pin-stdin")
    assert "INV-0001" in refused(run(*again, db=desk, stdin=FAY + "\n"), "possible_duplicate")
    confirmed = act(desk, *again[:-1], "--confirm-duplicate", "a second weekend", pin=FAY)
    assert confirmed["item"] == "INV-0002"
    payment = act(desk, "payment", "--payee", "CAR-1", "--amount", "75.00", "--code", "FOSTER", "--reason",
                  "Birthday allowance", "--case", "CH-1", "--as", "fay", pin=FAY)
    assert payment["item"] == "PAY-0001"


def test_the_same_id_twice_keys_once(desk):
    args = ("payment", "--payee", "CAR-1", "--amount", "75.00", "--code", "FOSTER", "--reason", "Festival",
            "--id", "pay-festival-1", "--as", "fay")
    first = act(desk, *args, pin=FAY)
    second = answer(run(*args, "--pin-stdin", "--json", db=desk, stdin=FAY + "\n"))
    assert second["outcome"] == "already_recorded" and second["item"] == first["item"] == "PAY-0001"


def test_four_eyes_on_the_command_line(desk):
    item = act(desk, "payment", "--payee", "CAR-1", "--amount", "75.00", "--code", "FOSTER", "--reason", "Festival",
               "--as", "fay", pin=FAY)["item"]
    refused(run("authorise", item, "--as", "fay", "--pin-stdin", db=desk, stdin=FAY + "\n"), "role_required")
    assert act(desk, "authorise", item, "--as", "sam", pin=SAM)["item"] == item
    refused(run("reject", item, "--reason", "late", "--as", "sam", "--pin-stdin", db=desk, stdin=SAM + "\n"),
            "item_decided")


def test_a_run_is_scheduled_previewed_closed_exported_and_paid(desk, tmp_path):
    past = Ledger.open(desk, clock=lambda: datetime.now(timezone.utc) - timedelta(days=10))
    with past:
        fay, sam = Actor("fay", frozenset({"finance"})), Actor("sam", frozenset({"supervisor"}))
        past.start_package(fay, payee="CAR-1", case_ref="CH-1", dob="2016-01-10", start="2026-11-02",
                           end="2026-11-29", reward_pence=10000, code="FOSTER")
        past.authorise_item(sam, "PKG-0001")
        cutoff = (datetime.now(timezone.utc) - timedelta(days=9)).strftime("%Y-%m-%d %H:%M")
        run_id = past.schedule_payrun(sam, pay_date="2027-01-08", cutoff=cutoff, period_end="2026-11-29").body["run"]
    preview = answer(run("payrun", "preview", run_id, "--json", db=desk))
    assert set(preview) >= {"run", "lines", "total_pence", "exceptions"}
    assert [(line["item"], line["payee"], line["amount_pence"]) for line in preview["lines"]] == \
        [("PKG-0001", "CAR-1", 4 * 31600)]
    closed = act(desk, "payrun", "close", run_id, "--as", "sam", pin=SAM)
    assert closed["total_pence"] == preview["total_pence"] == 126400
    out = tmp_path / "run.csv"
    result = run("payrun", "export", run_id, "--out", str(out), db=desk)
    data = out.read_bytes()
    assert result.returncode == 0 and (out.stat().st_mode & 0o777) == 0o640
    assert hashlib.sha256(data).hexdigest() == closed["export_sha256"]
    shown = ok(run("payrun", "export", run_id, db=desk)).stdout  # text mode reads CRLF as LF
    assert shown == data.decode().replace("\r\n", "\n")
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert rows[0][:4] == ["line", "run", "pay_date", "item"] and rows[-1] == ["TRAILER", run_id, "2027-01-08", "1",
                                                                                 "1264.00"]
    paid = act(desk, "payrun", "paid", run_id, "--on", "2027-01-08", "--as", "sam", pin=SAM)
    replay = answer(run("replay", "--json", db=desk))["balances"]
    assert replay["Assets:Bank"] == -paid_total(desk, paid["seq"]) == -126400
    assert "Liabilities:Creditors:CAR-1" not in replay  # paid in full: nets to nothing


def paid_total(db: Path | str, seq: int) -> int:
    entries = [json.loads(line) for line in ok(run("export", "--format", "jsonl", db=db)).stdout.splitlines()]
    body = json.loads(next(entry for entry in entries if entry["seq"] == seq)["body"])
    return sum(p["amount_pence"] for p in body["postings"] if p["account"].startswith("Liabilities:Creditors:"))


def test_ending_a_package_back_into_paid_days_answers_the_overpayment(demo, copy_of_ledger):
    db = copy_of_ledger(demo)
    paid_to = next(row for row in answer(run("package", "list", "--json", db=db)) if row["package"] == "PKG-0002")
    ended = act(db, "package", "end", "PKG-0002", "--on", _days_before(paid_to["paid_to"], 7),
                "--reason", "placement ended", "--as", "fay", pin=FAY)
    assert ended["overpaid_pence"] > 0
    debtors = {row["debtor_ref"]: row for row in answer(run("debtors", "list", "--json", db=db))}
    assert debtors["OP-PKG-0002"]["balance_pence"] == ended["overpaid_pence"]


def _days_before(day: str, days: int) -> str:
    return (datetime.fromisoformat(day) - timedelta(days=days)).date().isoformat()


@pytest.mark.parametrize("name", ["payments", "packages", "discrepancies", "spend"])
@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_every_finance_report_in_every_format(demo, name, output):
    result = ok(run("report", name, "--format", output, "--from", "2026-01-01", "--to", "2030-12-31", db=demo))
    assert result.stdout.strip()
    if output == "json":
        assert isinstance(json.loads(result.stdout), list)


def test_the_payrun_report_and_its_pdf(demo, tmp_path):
    rows = answer(run("report", "payrun", "PR-0001", "--format", "json", db=demo))
    assert sum(row["amount_pence"] for row in rows) == answer(run("payrun", "list", "--json", db=demo))[0]["total_pence"]
    pdf = tmp_path / "run.pdf"
    ok(run("report", "payrun", "PR-0001", "--format", "pdf", "--output", str(pdf), db=demo))
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("args, fragment", [
    (("rates", "set", "--from", "2026-04-01", "--weekly", "0-2=189.00,3-4"), "BAND=POUNDS"),
    (("rates", "set", "--from", "2026-04-01", "--weekly", "0-2=1.999"), "decimal places"),
    (("report", "payrun"), "name the run"),
    (("invoice", "--payee", "P"), "required"),
])
def test_bad_finance_input_is_one_line_and_exit_2(desk, args, fragment):
    line = failed(run(*args, "--as", "adam", "--pin-stdin", db=desk, stdin=ADAM + "\n")
                  if args[0] in ("rates", "invoice") else run(*args, db=desk), 2)
    assert fragment in line


def test_a_bad_cutoff_or_a_holiday_pay_date_is_refused(desk):
    schedule = ("payrun", "schedule", "--period-end", "2027-12-19", "--as", "sam", "--pin-stdin")
    text = refused(run(*schedule, "--pay-date", "2027-12-24", "--cutoff", "2027-12-20 25:00", db=desk,
                       stdin=SAM + "\n"), "text_invalid")
    assert "not a real date and time" in text
    text = refused(run(*schedule, "--pay-date", "2027-12-27", "--cutoff", "2027-12-20 17:00", db=desk,
                       stdin=SAM + "\n"), "not_a_working_day")
    assert "2027-12-24" in text
