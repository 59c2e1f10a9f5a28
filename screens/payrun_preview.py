"""One pay run before paying: every line and every exception, the total; close, export and mark paid from here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from ledger.service import Actor
from screens.finance_queue import cutoff_words, day_words
from screens.payrun_acts import RunActs
from screens.widgets.row_list import RowList
from screens.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from ledger.payplan import RunPlan

LINE_COLUMNS = (("Item", 8, False), ("Kind", 8, False), ("Payee", 8, False), ("Reference", 12, False),
                ("Days", 13, False), ("Amount", 11, True))


class PlanLoaded(Message):
    def __init__(self, plan: RunPlan | None, problem: str = "") -> None:
        super().__init__()
        self.plan = plan
        self.problem = problem


def days_cell(line: dict) -> str:
    """A package line's days, '23 Nov–29 Nov'; nothing for an invoice or payment."""
    if not line.get("first"):
        return ""
    return f"{day_words(line['first'])[4:]}–{day_words(line['last'])[4:]}"


def plan_title(plan: RunPlan) -> str:
    run = plan.run
    state = {"scheduled": "open", "closed": "closed", "paid": "paid"}.get(run["state"], run["state"])
    return (f"{run['run']} · pays {day_words(run['pay_date'])} · cut-off {cutoff_words(run['cutoff'])} · "
            f"to {day_words(run['period_end'])} · {state}")


class PreviewScreen(RunActs, Screen):
    """Keys: c close the run (a reason when there are exceptions), x export its file, m mark it paid,
    tab to the exceptions (↑↓ scroll them), escape back."""

    AUTO_FOCUS = "#plan-lines"
    BINDINGS = [
        Binding("c", "close_run", "Close", id="preview.close",
                tooltip="Close the run for good after its cut-off (a reason when there are exceptions)"),
        Binding("x", "export", "Export", id="preview.export", tooltip="Write the closed run's file"),
        Binding("m", "paid", "Paid", id="preview.paid", tooltip="Mark the closed run paid"),
        Binding("ctrl+r", "refresh", "Refresh", id="preview.refresh", show=False, tooltip="Read the run again"),
        Binding("escape", "back", "Back", id="preview.back", tooltip="Back to the pay runs"),
    ]

    def __init__(self, actor: Actor, run: str) -> None:
        super().__init__()
        self.actor = actor
        self.run_id = run
        self.plan: RunPlan | None = None
        self.acts_ready()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Reading {self.run_id}…", id="plan-title", markup=False)
        yield Static("", id="plan-total", classes="section-title", markup=False)
        yield RowList(LINE_COLUMNS, id="plan-lines")
        yield Static("Exceptions", id="plan-exceptions-title", classes="section-title", markup=False)
        with VerticalScroll(id="plan-exceptions"):
            yield Static("", id="plan-exception-lines", markup=False)
        yield Static("", id="plan-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.reload()

    def action_refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="read")
    def load(self) -> None:
        try:
            plan = self.app.desk.payrun_plan(self.run_id)
        except Exception as error:
            self.post_message(PlanLoaded(None, f"{self.run_id} cannot be read: {getattr(error, 'message', error)}"))
            return
        self.post_message(PlanLoaded(plan))

    def on_plan_loaded(self, message: PlanLoaded) -> None:
        if message.plan is None:
            self.say(message.problem, error=True)
            return
        plan, money = message.plan, self.app.money
        self.plan = plan
        self.query_one("#plan-title", Static).update(plan_title(plan))
        count = len(plan.lines)
        as_now = " (as it would close now)" if plan.run["state"] == "scheduled" else ""
        self.query_one("#plan-total", Static).update(
            f"{count} line{'s' * (count != 1)}, total {money(plan.total_pence)}{as_now}")
        self.query_one(RowList).show([
            (str(number), (line["item"], line["kind"], line["payee"], line["reference"], days_cell(line),
                           money(line["amount_pence"]))) for number, line in enumerate(plan.lines)])
        self.query_one("#plan-exception-lines", Static).update(
            "\n".join(f"{note['item']} · {note['kind']}: {note['message']}" for note in plan.exceptions))
        exceptions = len(plan.exceptions)
        accepted = " accepted at closing" if plan.run["state"] != "scheduled" else ""
        self.query_one("#plan-exceptions-title", Static).update(
            f"Exceptions: {exceptions}{accepted}" + ("" if exceptions else " (none)"))

    def say(self, text: str, error: bool = False, ok: bool = False) -> None:
        line = self.query_one("#plan-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.set_class(ok, "-ok")

    # -- the keys --------------------------------------------------------------------------------
    def action_close_run(self) -> None:
        if self.plan is None:
            return
        if self.plan.run["state"] != "scheduled":
            self.say(f"{self.run_id} is already {self.plan.run['state']}: a closed run is final.", error=True)
            return
        self.ask_close(self.run_id, len(self.plan.lines), self.plan.total_pence, len(self.plan.exceptions))

    def action_export(self) -> None:
        if self.plan is not None:
            self.ask_export(self.run_id, self.plan.run.get("export_sha256"))

    def action_paid(self) -> None:
        if self.plan is not None:
            self.ask_paid(self.run_id)

    def action_back(self) -> None:
        self.dismiss()
