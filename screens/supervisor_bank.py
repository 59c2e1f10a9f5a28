"""Banking a signed-off day: the supervisor types the bag number; the service decides what goes in it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ledger.service import Actor, Posted
from screens.messages import EntryAppended, EntryRefused, post_outcome
from screens.widgets.steady_footer import SteadyFooter


class BankDialog(ModalScreen[Posted | None]):
    """Dismissed with the `cash_banked` entry; a refusal is shown in words and the dialog kept.
    The entry id is made when the dialog opens, so a second key press never banks twice."""

    BINDINGS = [
        Binding("ctrl+s", "post", "Bank", id="bank.post", priority=True, tooltip="Record the bag"),
        Binding("escape", "cancel", "Cancel", id="bank.cancel", tooltip="Close without banking"),
    ]

    def __init__(self, actor: Actor, officer: str, business_date: str) -> None:
        super().__init__()
        self.actor = actor
        self.officer = officer
        self.business_date = business_date
        self.entry_id = ""
        self.posting = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="bank-box"):
            yield Static(f"Bank {self.officer}'s takings of {self.business_date}", classes="dialog-title",
                         markup=False)
            yield Static("The takings go to cash in transit and the float back to the safe.", markup=False)
            yield Label("Bag number")
            yield Input(id="bag", max_length=20, placeholder="as printed on the bag")
            yield Static("", id="bank-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.entry_id = self.app.desk.new_entry_id()
        self.query_one("#bag", Input).focus()

    @on(Input.Changed, "#bag")
    def _changed(self) -> None:
        self.say("")

    @on(Input.Submitted, "#bag")
    def _submitted(self) -> None:
        self.action_post()

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#bank-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    def action_post(self) -> None:
        bag = self.query_one("#bag", Input).value.strip()
        if self.posting:
            return
        if not bag:
            self.say("Type the bag number first.", error=True)
            return
        self.posting = True
        self.say("Recording…")
        self.post_bag(bag)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def post_bag(self, bag: str) -> None:
        post_outcome(self, lambda: self.app.desk.act(
            "bank", self.actor, officer=self.officer, business_date=self.business_date, bag=bag,
            entry_id=self.entry_id))

    def on_entry_refused(self, message: EntryRefused) -> None:
        message.stop()
        self.posting = False
        self.say(f"Refused: {message.message}.", error=True)

    def on_entry_appended(self, message: EntryAppended) -> None:
        message.stop()
        self.dismiss(message.posted)

    def action_cancel(self) -> None:
        self.dismiss(None)
