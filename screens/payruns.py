"""The supervisor's pay runs: the list, and scheduling the next one (pay date, cut-off, period end)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from ledger import calendar
from ledger.service import Actor, Posted
from screens.finance_forms import FinanceForm, typed_date
from screens.finance_queue import countdown_words, day_words
from screens.payrun_acts import RunActs, act_words
from screens.widgets.steady_footer import SteadyFooter

STATE_NAMES = {"scheduled": "open", "closed": "closed", "paid": "paid"}


class RunsLoaded(Message):
    def __init__(self, runs: list[dict], problem: str = "") -> None:
        super().__init__()
        self.runs = runs
        self.problem = problem


class PayRunsScreen(RunActs, Screen):
    """Keys: enter preview the run under the cursor (close it there), s schedule, x export, m paid, escape back."""

    AUTO_FOCUS = "#runs"
    BINDINGS = [
        Binding("enter", "preview", "Preview", id="payruns.preview", priority=True,
                tooltip="Every line and exception of the run under the cursor; close it from there"),
        Binding("s", "schedule", "Schedule", id="payruns.schedule", tooltip="Schedule the next pay run"),
        Binding("x", "export", "Export", id="payruns.export", tooltip="Write a closed run's file"),
        Binding("m", "paid", "Paid", id="payruns.paid", tooltip="Mark a closed run paid"),
        Binding("ctrl+r", "refresh", "Refresh", id="payruns.refresh", show=False, tooltip="Read the runs again"),
        Binding("escape", "back", "Back", id="payruns.back", tooltip="Back to the supervisor's desk"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.runs: list[dict] = []
        self.acts_ready()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Pay runs, latest first", classes="section-title", markup=False)
        yield DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        yield Static("Reading the runs…", id="runs-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Run", "Pays", "Cut-off (London)", "Period to", "State", "Total")
        self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="read")
    def load(self) -> None:
        try:
            runs = self.app.desk.payruns()
        except Exception as error:
            self.post_message(RunsLoaded([], f"The runs cannot be read: {error}"))
            return
        self.post_message(RunsLoaded(runs))

    def on_runs_loaded(self, message: RunsLoaded) -> None:
        if message.problem:
            self.say(message.problem, error=True)
            return
        self.runs = list(reversed(message.runs))
        table, money = self.query_one(DataTable), self.app.money
        table.clear()
        for row in self.runs:
            total = "" if row["total_pence"] is None else money(row["total_pence"])
            table.add_row(row["run"], row["pay_date"], row["cutoff"][:16], row["period_end"],
                          STATE_NAMES.get(row["state"], row["state"]), Text(total, justify="right"), key=row["run"])
        if not self.query_one("#runs-message", Static).has_class("-ok"):
            self.say("No pay run yet: s schedules the first." if not self.runs else
                     "enter previews the run under the cursor (close it there); x exports, m marks paid.")

    def say(self, text: str, error: bool = False, ok: bool = False) -> None:
        line = self.query_one("#runs-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.set_class(ok, "-ok")

    def cursor_run(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.runs or not 0 <= table.cursor_row < len(self.runs):
            self.say("There is no pay run: s schedules one.", error=True)
            return None
        return self.runs[table.cursor_row]

    # -- the keys --------------------------------------------------------------------------------
    def action_preview(self) -> None:
        from screens.payrun_preview import PreviewScreen

        row = self.cursor_run()
        if row is not None:
            self.app.push_screen(PreviewScreen(self.actor, row["run"]), lambda _: self.reload())

    def action_schedule(self) -> None:
        def scheduled(posted: Posted | None) -> None:
            if posted is not None:
                self.say(act_words(posted, self.app.money), ok=True)
            self.reload()

        self.app.push_screen(ScheduleRunForm(self.actor), scheduled)

    def action_export(self) -> None:
        row = self.cursor_run()
        if row is not None:
            self.ask_export(row["run"], row["export_sha256"])

    def action_paid(self) -> None:
        row = self.cursor_run()
        if row is not None:
            self.ask_paid(row["run"])

    def action_back(self) -> None:
        self.dismiss()


class ScheduleRunForm(FinanceForm):
    """A run's pay date (a working day), its cut-off in London time, and the last day its packages pay."""

    TITLE = "Schedule a pay run"
    OPERATION = "schedule_payrun"

    def compose_fields(self) -> ComposeResult:
        yield from self.field("Pay date", Input(id="pay-date", placeholder="YYYY-MM-DD", max_length=10,
                                                compact=True))
        yield from self.field("Cut-off", Input(id="cutoff", placeholder="YYYY-MM-DD HH:MM, London time",
                                               max_length=19, compact=True))
        yield from self.field("Period to", Input(id="period-end", placeholder="YYYY-MM-DD: packages paid to",
                                                 max_length=10, compact=True))

    def refresh_preview(self) -> None:
        lines, warn = schedule_preview(self.value("#pay-date"), self.value("#cutoff"), self.value("#period-end"),
                                       self.app.desk.clock())
        self.preview("\n".join(lines), warn=warn)

    def request(self) -> dict | None:
        pay_date, period_end, cutoff = (typed_date(self.value("#pay-date")), typed_date(self.value("#period-end")),
                                        self.value("#cutoff"))
        if self.missing(("pay date (YYYY-MM-DD)", pay_date is not None), ("cut-off", bool(cutoff)),
                        ("period end (YYYY-MM-DD)", period_end is not None)):
            return None
        return {"pay_date": pay_date, "cutoff": cutoff, "period_end": period_end}


def schedule_preview(pay_text: str, cutoff_text: str, period_text: str, now: datetime) -> tuple[list[str], bool]:
    """What the typed dates mean, as you type: the working-day rule, the time to the cut-off, the period."""
    lines, warn = [], False
    pay_date = typed_date(pay_text)
    if pay_date is not None:
        day = date.fromisoformat(pay_date)
        if calendar.is_working_day(day):
            lines.append(f"Pays {day_words(pay_date)} {day.year}, a working day.")
        else:
            why = calendar.bank_holiday_name(day) or "a weekend"
            before = calendar.previous_working_day(day)
            lines.append(f"{day_words(pay_date)} {day.year} is not a working day ({why}): the working day before "
                         f"is {day_words(before.isoformat())} {before.year}.")
            warn = True
    if cutoff_text:
        try:
            moment = calendar.parse_cutoff(cutoff_text)
        except calendar.CutoffError as error:
            lines.append(f"{str(error)[:1].upper()}{str(error)[1:]}.")
            warn = True
        else:
            seconds = int((moment - now.astimezone(timezone.utc)).total_seconds())
            lines.append(f"Cut-off {calendar.format_cutoff(moment)[:16]} London: {countdown_words(seconds)}.")
            warn = warn or seconds <= 0
    period_end = typed_date(period_text)
    if period_end is not None:
        lines.append(f"Packages are paid to {day_words(period_end)} inclusive.")
    return lines, warn
