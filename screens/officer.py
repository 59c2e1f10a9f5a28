"""The officer's home: the day's status always on screen, the day's entries, a key for every act."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ledger.service import Actor, Posted
from ledger.views import OfficerView
from screens.widgets.day_status import DayStatus

KIND_NAMES = {
    "session_opened": "Opened", "receipt_recorded": "Receipt", "debt_collected": "Collection",
    "payout_recorded": "Payout", "warrant_issued": "Warrant", "warrant_spoiled": "Spoiled",
    "entry_reversed": "Reversal", "count_declared": "Count", "recount_requested": "Recount",
    "day_signed_off": "Signed off", "cash_banked": "Banked",
}


class ViewLoaded(Message):
    def __init__(self, view: OfficerView | None, codes: list[dict], problem: str = "") -> None:
        super().__init__()
        self.view = view
        self.codes = codes
        self.problem = problem


class OfficerHome(Screen):
    """Keys: o open the session, r receipt, c collection, p payout, w warrant, s spoil, v reversal, e count."""

    BINDINGS = [
        Binding("o", "open_session", "Open", id="officer.open", tooltip="Open today's session with a float"),
        Binding("r", "receipt", "Receipt", id="officer.receipt", tooltip="Record a cash or cheque receipt"),
        Binding("c", "collect", "Collect", id="officer.collect", tooltip="Take a payment against a debt"),
        Binding("p", "payout", "Payout", id="officer.payout", tooltip="Pay out petty cash"),
        Binding("w", "warrant", "Warrant", id="officer.warrant", tooltip="Issue the next travel warrant"),
        Binding("s", "spoil", "Spoil", id="officer.spoil", tooltip="Record a warrant form spoiled"),
        Binding("v", "reverse", "Reverse", id="officer.reverse", tooltip="Reverse an entry (a supervisor authorises)"),
        Binding("e", "count", "Count", id="officer.count", tooltip="Declare the closing count"),
        Binding("ctrl+r", "refresh", "Refresh", id="officer.refresh", show=False),
        Binding("ctrl+x", "sign_out", "Sign out", id="officer.sign_out"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.view: OfficerView | None = None
        self.codes: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DayStatus("Loading…", id="day-status", markup=False)
        yield Static("", id="officer-message", markup=False)
        yield DataTable(id="day-entries", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Seq", "Time", "What", "Detail", "Code", "Amount")
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def load(self) -> None:
        try:
            view = self.app.desk.officer_view(self.actor.username)
            codes = self.app.desk.codes()
        except Exception as error:
            self.post_message(ViewLoaded(None, [], f"The ledger cannot be read: {error}"))
            return
        self.post_message(ViewLoaded(view, codes))

    def on_view_loaded(self, message: ViewLoaded) -> None:
        if message.view is None:
            self.say(message.problem)
            return
        self.view, self.codes = message.view, message.codes
        self.query_one(DayStatus).show(message.view, self.app.money)
        table = self.query_one(DataTable)
        table.clear()
        for row in message.view.entries:
            amount = "" if row["amount_pence"] is None else self.app.money(row["amount_pence"])
            table.add_row(str(row["seq"]), row["time"], KIND_NAMES.get(row["kind"], row["kind"]),
                          row["detail"], row["code"], amount, key=str(row["seq"]))
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#officer-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    # -- the acts --------------------------------------------------------------------------------
    def _needs_open_day(self) -> bool:
        if self.view is None or not self.view.is_open:
            self.say("No session is open: press o to open today's till first.", error=True)
            return False
        return True

    def _codes(self, code_type: str) -> list[dict]:
        return [row for row in self.codes if row["type"] == code_type and row["active"]]

    def _open_form(self, form) -> None:
        self.app.push_screen(form, self._after_form)

    def _after_form(self, posted: Posted | None) -> None:
        if posted is not None:
            self.say(confirmation(posted))
        self.load()

    def action_receipt(self) -> None:
        from screens.forms.receipt import ReceiptForm

        if self._needs_open_day():
            self._open_form(ReceiptForm(self.actor, self.view.used_pence, self.view.limit_pence,
                                        self._codes("income")))

    def action_sign_out(self) -> None:
        from screens.messages import SignOutRequested

        self.post_message(SignOutRequested())


def confirmation(posted: Posted) -> str:
    """The line an officer sees once an entry is in the ledger."""
    body = posted.body
    again = " (already recorded)" if posted.outcome.value == "already_recorded" else ""
    if "receipt_no" in body:
        return f"Receipt number {body['receipt_no']} recorded at seq {posted.seq}{again}."
    if posted.entry.kind == "warrant_issued":
        return f"Warrant serial {body['serial']} issued at seq {posted.seq}{again}."
    return f"{KIND_NAMES.get(posted.entry.kind, posted.entry.kind)} recorded at seq {posted.seq}{again}."
