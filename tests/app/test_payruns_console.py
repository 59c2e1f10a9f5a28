"""The pay-run screens by keys: schedule, preview, close (a reason for exceptions), export the file, mark paid."""

from __future__ import annotations

import hashlib
import stat
from datetime import datetime, timezone

from console.app import CashdeskApp
from console.desk import Desk
from console_support import SIZE, FixedClock, settle, sign_in
from finance_console_support import head_entry, text_of
from ledger.book import Ledger
from ledger.service import SeededIds
from screens.payrun_preview import PreviewScreen
from screens.payruns import PayRunsScreen, ScheduleRunForm

#: Five minutes after PR-0002's cut-off (Tuesday 24 November 17:00, London on GMT).
AFTER_CUTOFF = datetime(2026, 11, 24, 17, 5, tzinfo=timezone.utc)


def app_at(db, moment: datetime) -> CashdeskApp:
    return CashdeskApp(Desk(db, clock=FixedClock(moment), terminal="test:console", ids=SeededIds("console")))


async def to_runs(pilot) -> None:
    await sign_in(pilot, "sam", "333333")
    await pilot.press("p")
    await settle(pilot)


async def test_schedule_a_run_with_the_working_day_rule_shown_as_typed(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await to_runs(pilot)
        assert isinstance(app.screen, PayRunsScreen)
        await pilot.press("s", *"2026-12-25", "tab", *"2026-12-01 17:00", "tab", *"2026-12-06")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleRunForm)
        preview = text_of(app, "#form-preview").splitlines()
        assert preview == ["Fri 25 Dec 2026 is not a working day (Christmas Day): the working day before is "
                           "Thu 24 Dec 2026.", "Cut-off 2026-12-01 17:00 London: 8 d 07:00:00 left.",
                           "Packages are paid to Sun 6 Dec inclusive."]
        before = head_entry(demo_db).seq
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#form-message").startswith("Refused: 2026-12-25 is not a working day in England")
        assert head_entry(demo_db).seq == before
        await pilot.press("shift+tab", "shift+tab", *"2026-12-04", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PayRunsScreen)
        assert text_of(app, "#runs-message").startswith("Scheduled PR-0003 at seq")
        assert str(app.screen.query_one("#runs").get_row_at(0)[0]) == "PR-0003"
    body = head_entry(demo_db).body_dict()
    assert body["run"] == "PR-0003" and body["pay_date"] == "2026-12-04"
    assert body["cutoff"] == "2026-12-01 17:00:00" and body["period_end"] == "2026-12-06"


async def test_the_preview_shows_every_line_and_exception_and_closing_waits_for_the_cutoff(app, demo_db):
    with Ledger.open(demo_db, clock=FixedClock()) as ledger:
        plan = ledger.preview_payrun("PR-0002")
    async with app.run_test(size=SIZE) as pilot:
        await to_runs(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PreviewScreen)
        lines = app.screen.query_one("#plan-lines")
        assert [lines.row_at(i)[0] for i in range(lines.row_count)] == [line["item"] for line in plan.lines]
        assert text_of(app, "#plan-total") == "2 lines, total £669.43 (as it would close now)"
        shown = text_of(app, "#plan-exception-lines").splitlines()
        assert shown == [f"{note['item']} · {note['kind']}: {note['message']}" for note in plan.exceptions]
        before = head_entry(demo_db).seq
        await pilot.press("c", *"Late items go in PR-0003", "enter")
        await settle(pilot)
        assert text_of(app, "#plan-message") == "Refused: PR-0002 closes after its cut-off 2026-11-24 17:00:00."
    assert head_entry(demo_db).seq == before


async def test_close_export_and_mark_paid_after_the_cutoff(demo_db, tmp_path):
    app = app_at(demo_db, AFTER_CUTOFF)
    target = tmp_path / "PR-0002.csv"
    async with app.run_test(size=SIZE) as pilot:
        await to_runs(pilot)
        await pilot.press("enter", "c", "enter")
        await settle(pilot)
        assert text_of(app, "#ask-message") == "Reason: type it first."  # exceptions need a reason
        await pilot.press(*"Late items go in PR-0003", "enter")
        await settle(pilot)
        assert text_of(app, "#plan-message").startswith("Closed PR-0002 at seq")
        assert "· closed" in text_of(app, "#plan-title")
        closed = head_entry(demo_db)
        await pilot.press("x", *["backspace"] * 11, *str(target), "enter")
        await settle(pilot)
        said = text_of(app, "#plan-message")
        assert said.startswith(f"Wrote PR-0002 to {target}") and said.endswith("the same as the ledger's.")
        await pilot.press("m", "enter")
        await settle(pilot)
        assert text_of(app, "#plan-message").startswith("Marked PR-0002 paid on 2026-11-24")
        assert "· paid" in text_of(app, "#plan-title")
    assert closed.kind == "payrun_closed" and closed.body_dict()["reason"] == "Late items go in PR-0003"
    assert closed.body_dict()["total_pence"] == 66943 and closed.body_dict()["line_count"] == 2
    with Ledger.open(demo_db) as ledger:
        data = ledger.export_payrun("PR-0002")
    assert target.read_bytes() == data
    assert hashlib.sha256(data).hexdigest() == closed.body_dict()["export_sha256"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    paid = head_entry(demo_db)
    assert paid.kind == "payrun_paid" and paid.body_dict()["paid_on"] == "2026-11-24"


async def test_an_export_that_cannot_be_written_says_why_in_one_line(app, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await to_runs(pilot)
        await pilot.press("x", "enter")  # PR-0002, latest first, is not closed
        await settle(pilot)
        assert text_of(app, "#runs-message") == "Not written: PR-0002 is not closed yet: close it first."
        await pilot.press("down", "x", *["backspace"] * 11, *str(tmp_path / "no-such-folder" / "PR-0001.csv"),
                          "enter")
        await settle(pilot)
        said = text_of(app, "#runs-message")
        assert said.startswith("Not written: cannot write ") and said.endswith(": No such file or directory.")
    assert not (tmp_path / "no-such-folder").exists()
