"""The supervisor's home: days waiting for sign-off (oldest first) and signed-off days waiting for the bank."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from ledger.service import Actor, Posted
from screens.widgets.steady_footer import SteadyFooter

STATE_NAMES = {"open": "open", "recount": "recount", "counted": "counted", "signed_off": "signed off"}


class DaysLoaded(Message):
    """The queue and the days to bank were read (or the ledger could not be read)."""

    def __init__(self, waiting: list[dict], to_bank: list[dict], problem: str = "") -> None:
        super().__init__()
        self.waiting = waiting
        self.to_bank = to_bank
        self.problem = problem


def variance_words(variance_pence: int, money) -> str:
    """'£2.00 short', '£1.00 over' or 'balanced': a variance in the counter's words."""
    if variance_pence < 0:
        return f"{money(-variance_pence)} short"
    if variance_pence > 0:
        return f"{money(variance_pence)} over"
    return "balanced"


class SupervisorHome(Screen):
    """Keys: enter reconcile (or bank) the day under the cursor, b bank, tab the other list, a the finance
    desk's authorisation queue, p the pay runs, s the bank statement, ctrl+r refresh."""

    AUTO_FOCUS = "#days-waiting"
    BINDINGS = [
        Binding("enter", "open", "Open", id="supervisor.open", priority=True,
                tooltip="Reconcile the waiting day under the cursor, or bank the signed-off one"),
        Binding("b", "bank", "Bank", id="supervisor.bank",
                tooltip="Bank the takings of the signed-off day under the cursor"),
        Binding("a", "authorise", "Authorise", id="supervisor.authorise",
                tooltip="The finance desk's items waiting for authorisation"),
        Binding("p", "payruns", "Pay runs", id="supervisor.payruns",
                tooltip="Schedule, preview, close, export and mark paid the pay runs"),
        Binding("s", "statement", "Statement", id="supervisor.statement",
                tooltip="The bank statement: bags in transit, confirmed and mismatched; import a statement"),
        Binding("ctrl+r", "refresh", "Refresh", id="supervisor.refresh", show=False, tooltip="Read the queue again"),
        Binding("ctrl+x", "sign_out", "Sign out", id="supervisor.sign_out", tooltip="Sign out of cashdesk"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.waiting: list[dict] = []
        self.to_bank: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="supervisor-message", markup=False)
        yield Static("Waiting for sign-off, oldest first", id="waiting-title", classes="section-title")
        yield DataTable(id="days-waiting", cursor_type="row", zebra_stripes=True)
        yield Static("Signed off, not yet banked", id="to-bank-title", classes="section-title")
        yield DataTable(id="days-to-bank", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#days-waiting", DataTable).add_columns(
            "Officer", "Date", "State", "Expected", "Counted", "Variance", "Cheques")
        self.query_one("#days-to-bank", DataTable).add_columns(
            "Officer", "Date", "Signed off by", "Float", "Cash in till")
        self.action_refresh()

    def action_refresh(self) -> None:
        self.say("Reading the queue…")
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def load(self) -> None:
        try:
            waiting = self.app.desk.days_waiting(self.actor)
            to_bank = self.app.desk.days_to_bank()
        except Exception as error:  # a refusal (role) or an unreadable file: shown in words
            self.post_message(DaysLoaded([], [], f"The queue cannot be read: {getattr(error, 'message', error)}"))
            return
        self.post_message(DaysLoaded(waiting, to_bank))

    def on_days_loaded(self, message: DaysLoaded) -> None:
        if message.problem:
            self.say(message.problem, error=True)
            return
        self.waiting, self.to_bank = message.waiting, message.to_bank
        self._fill_waiting()
        self._fill_to_bank()
        counted = sum(1 for row in self.waiting if row["state"] == "counted")
        self.query_one("#waiting-title", Static).update(
            f"Waiting for sign-off, oldest first: {len(self.waiting)} ({counted} counted)")
        self.query_one("#to-bank-title", Static).update(f"Signed off, not yet banked: {len(self.to_bank)}")
        line = self.query_one("#supervisor-message", Static)
        if not line.has_class("-ok"):
            self.say("Enter reconciles the day under the cursor; tab moves to the days to bank.")

    def _fill_waiting(self) -> None:
        table = self.query_one("#days-waiting", DataTable)
        table.clear()
        money = self.app.money
        for index, row in enumerate(self.waiting):
            figures = "cash_pence_expected" in row
            table.add_row(
                Text(row["officer"]), row["business_date"], STATE_NAMES.get(row["state"], row["state"]),
                money(row["cash_pence_expected"]) if figures else "",
                money(row["cash_pence_counted"]) if figures else "",
                variance_words(row["cash_pence_variance"], money) if figures else "",
                f"{row['cheques_counted']} of {row['cheques_expected']}" if figures else "",
                key=str(index))

    def _fill_to_bank(self) -> None:
        table = self.query_one("#days-to-bank", DataTable)
        table.clear()
        for index, row in enumerate(self.to_bank):
            table.add_row(Text(row["officer"]), row["business_date"], Text(row["signed_off_by"]),
                          self.app.money(row["float_pence"]), self.app.money(row["cash_pence"]), key=str(index))

    def say(self, text: str, error: bool = False, ok: bool = False) -> None:
        line = self.query_one("#supervisor-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.set_class(ok, "-ok")

    # -- the acts --------------------------------------------------------------------------------
    def _row_under_cursor(self, table_id: str, rows: list[dict]) -> dict | None:
        table = self.query_one(table_id, DataTable)
        if not rows or table.cursor_row < 0 or table.cursor_row >= len(rows):
            return None
        return rows[table.cursor_row]

    def action_open(self) -> None:
        if self.focused is self.query_one("#days-to-bank", DataTable):
            self.action_bank()
        else:
            self.action_reconcile()

    def action_reconcile(self) -> None:
        from screens.supervisor_reconcile import ReconciliationScreen

        row = self._row_under_cursor("#days-waiting", self.waiting)
        if row is None:
            self.say("No day is waiting for sign-off.")
            return
        self.app.push_screen(ReconciliationScreen(self.actor, row), self._after_reconciliation)

    def _after_reconciliation(self, posted: Posted | None) -> None:
        if posted is not None:
            self.say(done_words(posted, self.app.money), ok=True)
        self.load()

    def action_bank(self) -> None:
        from screens.supervisor_bank import BankDialog

        waiting_focused = self.focused is self.query_one("#days-waiting", DataTable)
        row = (self._row_under_cursor("#days-waiting", self.waiting) if waiting_focused
               else self._row_under_cursor("#days-to-bank", self.to_bank))
        if row is None:
            self.say("No signed-off day is waiting to be banked.", error=True)
            return
        self.app.push_screen(BankDialog(self.actor, row["officer"], row["business_date"]), self._after_banking)

    def _after_banking(self, posted: Posted | None) -> None:
        if posted is not None:
            self.say(done_words(posted, self.app.money), ok=True)
        self.load()

    def action_authorise(self) -> None:
        from screens.supervisor_authorise import AuthorisationScreen

        self.app.push_screen(AuthorisationScreen(self.actor))

    def action_payruns(self) -> None:
        from screens.payruns import PayRunsScreen

        self.app.push_screen(PayRunsScreen(self.actor))

    def action_statement(self) -> None:
        from screens.supervisor_banking import BankingScreen

        self.app.push_screen(BankingScreen(self.actor))

    def action_sign_out(self) -> None:
        from screens.messages import SignOutRequested

        self.post_message(SignOutRequested())


def done_words(posted: Posted, money) -> str:
    """The line a supervisor sees once a sign-off, recount or bag is in the ledger."""
    body, entry = posted.body, posted.entry
    if entry.kind == "cash_banked":
        return (f"Bag {body['bag']}: {money(body['amount_pence'])} of {body['officer']}'s takings of "
                f"{entry.business_date} banked at seq {entry.seq}.")
    if entry.kind == "day_signed_off":
        return f"Signed off {body['officer']}'s day {entry.business_date} at seq {entry.seq}."
    return f"Recount requested for {body['officer']}'s day {entry.business_date} at seq {entry.seq}."
