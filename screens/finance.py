"""The finance officer's home: the work queue by deadline, a countdown to the next cut-off, a key per form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from ledger.service import Actor, Posted
from screens.finance_queue import (
    CellCache,
    QueueLoaded,
    countdown_words,
    cutoff_words,
    day_words,
    row_cells,
    row_left,
    seconds_left,
)
from screens.widgets.line import Line
from screens.widgets.row_list import RowList
from screens.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:  # the read model's shape; the screen never reads the store
    from ledger.finance_views import WorkQueue

#: The queue at 80 columns: (label, width); each cell is padded one column either side.
COLUMNS = (("Item", 8, False), ("What", 7, False), ("Payee", 17, False), ("Amount", 11, True), ("By", 6, False),
           ("Run", 7, False), ("Left", 7, True))
#: A countdown this close (seconds) is shown as a warning.
NEAR_SECONDS = 3_600


class CodesLoaded(Message):
    """The active cost codes, for the keying forms (or the ledger could not be read: `problem`)."""

    def __init__(self, codes: list[dict], problem: str = "") -> None:
        super().__init__()
        self.codes = codes
        self.problem = problem


def countdown_line(queue: WorkQueue | None, now) -> tuple[str, int | None]:
    """The line above the queue, and the seconds left to the next cut-off (None when no run is open)."""
    if queue is None:
        return "Reading the queue…", None
    if queue.run is None:
        return "No pay run is open: a supervisor schedules the next one (p on the supervisor's desk).", None
    run = queue.run
    left = seconds_left(now, run["cutoff_utc"])
    return (f"Next cut-off {run['run']}: {cutoff_words(run['cutoff'])} · {countdown_words(left)} · "
            f"pays {day_words(run['pay_date'])}"), left


class FinanceHome(Screen):
    """Keys: a payee, i invoice, p payment, k package, c change, e end a package, ctrl+r refresh."""

    AUTO_FOCUS = "#work-queue"
    BINDINGS = [
        Binding("a", "payee", "Payee", id="finance.payee", tooltip="Add a payee (a creditor number, no bank details)"),
        Binding("i", "invoice", "Invoice", id="finance.invoice", tooltip="Key a supplier's invoice"),
        Binding("p", "payment", "Payment", id="finance.payment", tooltip="Key an ad-hoc payment"),
        Binding("k", "package", "Package", id="finance.package", tooltip="Start a care package"),
        Binding("c", "change", "Change", id="finance.change", tooltip="Change a package's reward fee"),
        Binding("e", "end", "End", id="finance.end", tooltip="End a package (the last day paid)"),
        Binding("ctrl+r", "refresh", "Refresh", id="finance.refresh", show=False, tooltip="Read the queue again"),
        Binding("ctrl+x", "sign_out", "Sign out", id="finance.sign_out", show=False,
                tooltip="Back to the sign-in screen"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.queue: WorkQueue | None = None
        self.codes: list[dict] = []
        self.rows: dict[str, dict] = {}
        self.shown_minute: int | None = None
        self.cells = CellCache(lambda row, flag, left: row_cells(row, self.app.money, flag, left))
        self.reloaded_for = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Line("Reading the queue…", id="cutoff-countdown")
        yield Static("", id="finance-message", markup=False)
        yield Line("Waiting for authorisation", id="queue-title", classes="section-title")
        yield RowList(COLUMNS, id="work-queue")
        yield Line("", id="queue-detail")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.set_interval(1, self.tick)
        self.load_codes()
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def load(self) -> None:
        """The queue alone: one LIMITed read, so that a refresh costs the same at any size of the desk."""
        try:
            queue = self.app.desk.work_queue()
        except Exception as error:
            self.post_message(QueueLoaded(None, f"The queue cannot be read: {error}"))
            return
        self.post_message(QueueLoaded(queue))

    @work(thread=True, exit_on_error=False, group="codes")
    def load_codes(self) -> None:
        """The cost codes for the forms, once: they change only at the admin's desk."""
        try:
            self.post_message(CodesLoaded(self.app.desk.codes("cost")))
        except Exception as error:
            self.post_message(CodesLoaded([], f"The cost codes cannot be read: {error}"))

    def on_codes_loaded(self, message: CodesLoaded) -> None:
        self.codes = message.codes
        if message.problem:
            self.say(message.problem, error=True)

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        if message.queue is None:
            self.say(message.problem, error=True)
            return
        self.queue = message.queue
        self.rows = {row["item"]: row for row in message.queue.rows}
        self.show_queue()
        self.tick()

    # -- showing -----------------------------------------------------------------------------
    def show_queue(self) -> None:
        queue, now = self.queue, self.app.desk.clock()
        self.query_one(RowList).show(self.cells.rows(queue.rows, lambda row: row_left(queue, row, now)))
        run = queue.run
        self.shown_minute = None if run is None else seconds_left(now, run["cutoff_utc"]) // 60
        shown = f" (the {len(queue.rows)} keyed first shown)" if queue.waiting > len(queue.rows) else ""
        self.query_one("#queue-title", Line).show(
            f"Waiting for authorisation, by deadline: {queue.waiting} item{'s' * (queue.waiting != 1)}{shown}")
        self.show_detail()

    def tick(self) -> None:
        """Each second: the countdown (no reading); each minute the rows' time left; a passed cut-off reloads."""
        line, left = countdown_line(self.queue, self.app.desk.clock())
        countdown = self.query_one("#cutoff-countdown", Line)
        countdown.show(line)
        countdown.set_class(left is not None and 0 < left <= NEAR_SECONDS, "-near-cutoff")
        countdown.set_class(left is not None and left <= 0, "-passed-cutoff")
        minute = None if left is None else left // 60
        if self.queue is not None and minute != self.shown_minute:
            self.show_queue()
        if left is not None and left <= 0 and self.reloaded_for != self.queue.run["run"]:
            self.reloaded_for = self.queue.run["run"]
            self.load()

    def show_detail(self) -> None:
        key = self.query_one(RowList).key_under_cursor()
        row = self.rows.get(key or "")
        text = "" if row is None else (
            f"{row['item']}: {row['payee_name'] or row['payee']} · {row['reference']} · keyed by {row['keyed_by']}"
            + "".join(f" · {flag}" for flag in row["flags"]))
        self.query_one("#queue-detail", Line).show(text)

    def on_row_list_highlighted(self) -> None:
        self.show_detail()

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#finance-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.set_class(bool(text) and not error, "-ok")

    # -- the forms -----------------------------------------------------------------------------
    def _open(self, form) -> None:
        self.say("")
        self.app.push_screen(form, self._after_form)

    def _after_form(self, posted: Posted | None) -> None:
        if posted is not None:
            self.say(keyed_words(posted, self.queue, self.app.money))
        self.load()

    def action_payee(self) -> None:
        from screens.finance_forms import PayeeForm

        self._open(PayeeForm(self.actor))

    def action_invoice(self) -> None:
        from screens.finance_forms import InvoiceForm

        self._open(InvoiceForm(self.actor, self.codes))

    def action_payment(self) -> None:
        from screens.finance_forms import PaymentForm

        self._open(PaymentForm(self.actor, self.codes))

    def action_package(self) -> None:
        from screens.package_forms import PackageStartForm

        self._open(PackageStartForm(self.actor, self.codes))

    def action_change(self) -> None:
        from screens.package_forms import PackageChangeForm

        self._open(PackageChangeForm(self.actor, self.codes))

    def action_end(self) -> None:
        from screens.package_forms import PackageEndForm

        self._open(PackageEndForm(self.actor, self.codes))

    def action_sign_out(self) -> None:
        from screens.messages import SignOutRequested

        self.post_message(SignOutRequested())


def keyed_words(posted: Posted, queue: WorkQueue | None, money) -> str:
    """The line a finance officer sees once a keying is in the ledger."""
    body, kind, seq = posted.body, posted.entry.kind, posted.seq
    again = " (already recorded)" if posted.outcome.value == "already_recorded" else ""
    if kind == "payee_added":
        return f"Payee {body['payee']} ({body['name']}) added at seq {seq}{again}."
    if kind == "package_ended":
        overpaid = body.get("overpaid_pence")
        debt = (f": {money(overpaid)} was overpaid and is now a debt (OP-{body['package']}), recovered from the "
                "carer's next run" if overpaid else "")
        return f"{body['package']} ends on {body['end']} (recorded at seq {seq}){again}{debt}."
    run = queue.run if queue is not None else None
    due = f" before {run['run']}'s cut-off, {cutoff_words(run['cutoff'])}" if run else ""
    return f"{body['item']} keyed at seq {seq}{again}: it waits for a supervisor's authorisation{due}."
