"""The officer's home: the day's status always on screen, the day's entries, a key for every act."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header

from ledger.service import Actor, Posted
from screens.widgets.day_status import DayStatus
from screens.widgets.line_table import Column, LineTable
from screens.widgets.status_line import StatusLine
from screens.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:  # ledger.views reads the store; the screen only needs the shape of its answer
    from ledger.views import OfficerView

KIND_NAMES = {
    "session_opened": "Opened", "receipt_recorded": "Receipt", "debt_collected": "Collection",
    "payout_recorded": "Payout", "warrant_issued": "Warrant", "warrant_spoiled": "Spoiled",
    "entry_reversed": "Reversal", "count_declared": "Count", "recount_requested": "Recount",
    "day_signed_off": "Signed off", "cash_banked": "Banked",
}
#: The day's table at 80 columns; cells are padded one column each side.
COLUMNS = (Column("Seq", "seq", 5), Column("Time", "time", 5), Column("What", "what", 10),
           Column("Detail", "detail", 28), Column("Code", "code", 9), Column("Amount", "amount", 10, "right"))
#: The states of a day in which the officer may (re)declare the count.
COUNTABLE_STATES = ("open", "recount")
NOTHING_TO_COUNT = {"counted": "Today's count is declared: it waits for a supervisor's sign-off.",
                    "signed_off": "Today's day is signed off: there is nothing more to count."}


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
        Binding("ctrl+x", "sign_out", "Sign out", id="officer.sign_out", show=False,
                tooltip="Back to the sign-in screen"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.view: OfficerView | None = None
        self.codes: list[dict] = []
        self.counting = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield DayStatus("Loading…", id="day-status", markup=False)
        yield StatusLine("", id="officer-message", markup=False)
        yield LineTable(COLUMNS, id="day-entries", zebra_stripes=True)
        yield SteadyFooter(compact=True, show_command_palette=False)  # eight acts fill 80 columns; ctrl+p still works

    def on_mount(self) -> None:
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
            self.say(message.problem, error=True)
            return
        self.view, self.codes = message.view, message.codes
        self.query_one(DayStatus).show(message.view, self.app.money, till_hidden=self.counting)
        rows = message.view.entries
        cells = [(str(row["seq"]), row["time"], KIND_NAMES.get(row["kind"], row["kind"]), row["detail"], row["code"],
                  "" if row["amount_pence"] is None else self.app.money(row["amount_pence"])) for row in rows]
        keys = [str(row["seq"]) for row in rows]
        self.query_one(LineTable).set_rows(cells, keys, keys[-1] if keys else None)

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#officer-message", StatusLine)
        line.set_class(error, "-error")
        line.say(text)

    # -- the acts --------------------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.view is None:
            self.say("Still reading the ledger: try again in a moment.", error=True)
            return False
        return True

    def _needs_open_day(self) -> bool:
        if not self._ready():
            return False
        if not self.view.is_open:
            self.say("No session is open: press o to open today's till first." if self.view.state is None
                     else "Today's session is closed: nothing more is recorded for it.", error=True)
            return False
        return True

    def _codes(self, code_type: str) -> list[dict]:
        return [row for row in self.codes if row["type"] == code_type and row["active"]]

    def _open_form(self, form) -> None:
        self.say("")
        self.app.push_screen(form, self._after_form)

    def _after_form(self, posted: Posted | None) -> None:
        self.counting = False
        if posted is not None:
            self.say(confirmation(posted, self.app.money))
        self.load()

    def action_open_session(self) -> None:
        from screens.forms.session import OpenSessionForm

        self._open_form(OpenSessionForm(self.actor))

    def action_receipt(self) -> None:
        from screens.forms.receipt import ReceiptForm

        if self._needs_open_day():
            self._open_form(ReceiptForm(self.actor, self.view.used_pence, self.view.limit_pence,
                                        self._codes("income")))

    def action_collect(self) -> None:
        from screens.forms.collection import CollectionForm

        if self._needs_open_day():
            self._open_form(CollectionForm(self.actor, self.view.used_pence, self.view.limit_pence))

    def action_payout(self) -> None:
        from screens.forms.payout import PayoutForm

        if self._needs_open_day():
            self._open_form(PayoutForm(self.actor, self.view.used_pence, self.view.limit_pence,
                                       self._codes("cost")))

    def action_warrant(self) -> None:
        from screens.forms.warrant import WarrantForm

        if self._needs_open_day():
            self._open_form(WarrantForm(self.actor, self.view.used_pence, self.view.limit_pence,
                                        self._codes("cost"), self.view.next_serial))

    def action_spoil(self) -> None:
        from screens.forms.warrant import SpoilForm

        if self._ready():
            self._open_form(SpoilForm(self.actor, self.view.next_serial))

    def action_reverse(self) -> None:
        from screens.forms.reversal import ReversalForm

        if self._needs_open_day():
            entries = {row["seq"]: describe(row, self.app.money) for row in self.view.entries}
            self._open_form(ReversalForm(self.actor, entries, self._cursor_seq()))

    def _cursor_seq(self) -> int | None:
        key = self.query_one(LineTable).cursor_key
        return None if key is None else int(key)

    def action_count(self) -> None:
        """The count is blind: the till disappears from the home before the form opens."""
        from screens.forms.count import CountForm

        if not self._ready():
            return
        if self.view.state not in COUNTABLE_STATES:
            self.say(NOTHING_TO_COUNT.get(self.view.state or "", "No session is open: there is nothing to count."),
                     error=True)
            return
        self.counting = True
        self.query_one(DayStatus).show(self.view, self.app.money, till_hidden=True)
        self._open_form(CountForm(self.actor))

    def action_sign_out(self) -> None:
        from screens.messages import SignOutRequested

        self.post_message(SignOutRequested())


def describe(row: dict, money) -> str:
    """One of the day's entries in words, for the reversal form."""
    amount = "" if row["amount_pence"] is None else f" {money(row['amount_pence'])}"
    return f"Seq {row['seq']} at {row['time']}: {KIND_NAMES.get(row['kind'], row['kind'])}{amount} {row['detail']}"


def confirmation(posted: Posted, money=None) -> str:
    """The line an officer sees once an entry is in the ledger."""
    body, kind, seq = posted.body, posted.entry.kind, posted.seq
    again = " (already recorded)" if posted.outcome.value == "already_recorded" else ""
    if "receipt_no" in body:
        return f"Receipt number {body['receipt_no']} recorded at seq {seq}{again}."
    if kind == "warrant_issued":
        return f"Warrant serial {body['serial']} issued at seq {seq}{again}."
    if kind == "warrant_spoiled":
        return f"Warrant serial {body['serial']} recorded as spoiled at seq {seq}{again}."
    if kind == "entry_reversed":
        return f"Seq {body['reversed_seq']} reversed at seq {seq}, authorised by {body['authorised_by']}{again}."
    if kind == "session_opened" and money is not None:
        return f"Session opened with a float of {money(body['float_pence'])} at seq {seq}{again}."
    if kind == "count_declared":
        return f"Count declared at seq {seq}{again}: the day now waits for a supervisor's sign-off."
    return f"{KIND_NAMES.get(kind, kind)} recorded at seq {seq}{again}."
