"""The pay-run rules of the finance state machine: schedule (on bank holidays and Saturdays too, or
with stale dates), pass a cut-off, preview, close (the next, the last or any run) and mark paid."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from ledger.refusals import Outcome

from finance_desk import FIRST_FRIDAY, Desk, as_lines, london_cutoff_utc
from finance_model import ONE_DAY, Run, is_working_day


class PayRuns(Desk):
    """Runs weekly from Friday 4 December 2026: cut-off Monday 17:00 London, period to the Sunday before."""

    @precondition(lambda self: self.model.runs)
    @rule()
    def schedule_with_stale_dates(self):
        """A run typed with the last run's dates: refused (its cut-off may have passed too)."""
        self.schedule_next_run(1, "friday", stale=True)

    @precondition(lambda self: len(self._open_runs()) < 3)
    @rule(skip=st.sampled_from((1, 1, 1, 2)), pay_on=st.sampled_from(("friday", "friday", "thursday", "saturday")))
    def schedule_next_run(self, skip, pay_on, stale=False):
        """The week after the last run's (or the one after that): paid on its Friday (some are bank
        holidays), the Thursday before, or a Saturday; cut-off Monday 17:00, period to the Sunday before."""
        runs = self.model.runs
        last = runs[-1] if runs else None
        week = last.week if stale and last else (last.week + skip if last else skip - 1)
        friday = FIRST_FRIDAY + 7 * week * ONE_DAY
        pay_date = friday + {"friday": 0, "thursday": -1, "saturday": 1}[pay_on] * ONE_DAY
        pay_date = last.pay_date if stale and last else pay_date
        cutoff_day, period_end = friday - 4 * ONE_DAY, friday - 5 * ONE_DAY
        cutoff_utc = london_cutoff_utc(cutoff_day)
        if not is_working_day(pay_date):
            expected = Outcome.NOT_A_WORKING_DAY
        elif cutoff_utc <= self.clock.utc() or (last is not None and (
                cutoff_utc <= last.cutoff_utc or pay_date <= last.pay_date or period_end <= last.period_end)):
            expected = Outcome.RUN_DATES_INVALID
        else:
            expected = Outcome.APPENDED
        run_id = self.model.next_run()
        posted = self._attempt(expected, "schedule_payrun", "sam", pay_date=pay_date.isoformat(),
                               cutoff=f"{cutoff_day.isoformat()} 17:00", period_end=period_end.isoformat())
        if posted is not None:
            assert (posted.body["run"], posted.body["cutoff_utc"]) == (run_id, cutoff_utc)
            runs.append(Run(run_id, week, pay_date, posted.body["cutoff"], cutoff_utc, period_end))

    @precondition(lambda self: any(run.cutoff_utc > self.clock.utc() for run in self.model.runs))
    @rule()
    def pass_the_next_cutoff(self):
        self._pass(min(run.cutoff_utc for run in self.model.runs if run.cutoff_utc > self.clock.utc()))

    def _pass(self, cutoff: str) -> None:
        self.clock.now = datetime.strptime(cutoff, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc) \
            + timedelta(minutes=1)

    @rule(reason=st.sampled_from((None, "Checked with the team", "Checked with the team")))
    def a_week_goes_by(self, reason):
        """The weekly rhythm in one step: the next run scheduled if none is open, its cut-off passed, closed."""
        if not self._open_runs():
            last = self.model.runs[-1]
            friday = FIRST_FRIDAY + 7 * (last.week + 1) * ONE_DAY
            self.schedule_next_run(1, "friday" if is_working_day(friday) else "thursday")
        if not self._open_runs():
            return
        run = self._open_runs()[0]
        if run.cutoff_utc > self.clock.utc():
            self._pass(run.cutoff_utc)
        self._close(run, reason)

    def _open_runs(self) -> list[Run]:
        return [run for run in self.model.runs if run.state == "scheduled"]

    @precondition(lambda self: self._open_runs())
    @rule()
    def preview_the_next_run(self):
        run = self._open_runs()[0]
        plan = self.model.plan(run, self.clock.utc())
        shown = self.ledger.preview_payrun(run.run)
        assert as_lines(shown.lines) == plan.lines
        assert Counter((note["kind"], note["item"]) for note in shown.exceptions) == plan.exceptions

    def _run_to_act_on(self, data) -> Run | str:
        if self._open_runs() and data.draw(st.booleans(), label="the next open run"):
            return self._open_runs()[0]
        return self.model.run(self._pick(data, [run.run for run in self.model.runs], "PR-0099", "run")) or "PR-0099"

    @precondition(lambda self: self._open_runs() and self._open_runs()[0].cutoff_utc <= self.clock.utc())
    @rule(reason=st.sampled_from((None, "Checked with the team", "Checked with the team")))
    def close_the_next_run(self, reason):
        self._close(self._open_runs()[0], reason)

    @precondition(lambda self: self._open_runs())
    @rule()
    def close_the_last_run(self):
        """The latest run scheduled: often before its cut-off, or behind another open run."""
        self._close(self._open_runs()[-1], "Checked with the team")

    @rule(data=st.data(), reason=st.sampled_from((None, "Checked with the team")))
    def close_a_run(self, data, reason):
        self._close(self._run_to_act_on(data), reason)

    def _close(self, run: Run | str, reason: str | None) -> None:
        plan = None
        if isinstance(run, str):
            expected = Outcome.RUN_UNKNOWN
        elif run.state != "scheduled":
            expected = Outcome.RUN_NOT_OPEN
        elif (previous := self.model.previous(run)) is not None and previous.state == "scheduled":
            expected = Outcome.PREVIOUS_RUN_OPEN
        elif self.clock.utc() < run.cutoff_utc:
            expected = Outcome.CUTOFF_NOT_REACHED
        else:
            plan = self.model.plan(run, self.clock.utc())
            expected = Outcome.EXCEPTIONS_REASON_REQUIRED if plan.exceptions and reason is None else Outcome.APPENDED
        posted = self._attempt(expected, "close_payrun", "sam", run=getattr(run, "run", run), reason=reason)
        if posted is None:
            return
        assert as_lines(posted.body["lines"]) == plan.lines
        assert Counter((note["kind"], note["item"]) for note in posted.body.get("exceptions", ())) == plan.exceptions
        assert posted.body["total_pence"] == plan.total_pence
        self.seen[("close_payrun", "with a recovery")] += any(line[1] == "recovery" for line in plan.lines)
        self.model.close(run, plan)
        self._post(posted.body)
        self.frozen[run.run] = (posted.seq, posted.entry.hash, plan.lines)

    @precondition(lambda self: any(run.state == "closed" for run in self.model.runs))
    @rule()
    def mark_the_closed_run_paid(self):
        self._mark_paid(next(run for run in self.model.runs if run.state == "closed"))

    @rule(data=st.data())
    def mark_a_run_paid(self, data):
        self._mark_paid(self._run_to_act_on(data))

    def _mark_paid(self, run: Run | str) -> None:
        if isinstance(run, str):
            expected = Outcome.RUN_UNKNOWN
        else:
            expected = {"scheduled": Outcome.RUN_NOT_CLOSED, "paid": Outcome.RUN_ALREADY_PAID}.get(run.state,
                                                                                                 Outcome.APPENDED)
        posted = self._attempt(expected, "mark_paid", "sam", run=getattr(run, "run", run),
                               paid_on=getattr(run, "pay_date", FIRST_FRIDAY).isoformat())
        if posted is not None:
            assert posted.body["total_pence"] == run.total_pence
            run.state = "paid"
            for _, _, payee, amount_pence, _, _ in run.lines:
                self._move(f"Liabilities:Creditors:{payee}", "Assets:Bank", amount_pence)
