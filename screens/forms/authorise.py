"""A supervisor authorises on the officer's own terminal: their name, their PIN, and a reason."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ledger.refusals import Refused
from ledger.service import Actor


class SupervisorChecked(Message):
    def __init__(self, actor: Actor | None, problem: str = "") -> None:
        super().__init__()
        self.actor = actor
        self.problem = problem


class AuthoriseScreen(ModalScreen[tuple[Actor, str] | None]):
    """Dismissed with (supervisor, reason) once the PIN is right; the service checks the rest."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="authorise.cancel")]

    def __init__(self, title: str, ask_reason: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.ask_reason = ask_reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="authorise-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Label("Supervisor")
            yield Input(id="supervisor", max_length=32)
            yield Label("Supervisor's PIN")
            yield Input(id="supervisor-pin", password=True, max_length=12, restrict=r"[0-9]*")
            if self.ask_reason:
                yield Label("Reason")
                yield Input(id="reason", max_length=200)
            yield Static("", id="authorise-message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#supervisor", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        name, pin = self.query_one("#supervisor", Input).value.strip(), self.query_one("#supervisor-pin", Input).value
        reason = self.query_one("#reason", Input).value.strip() if self.ask_reason else ""
        if not name or not pin or (self.ask_reason and not reason):
            self._say("Type the supervisor's name, PIN" + (" and a reason." if self.ask_reason else "."))
            return
        self.check(name, pin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def check(self, name: str, pin: str) -> None:
        try:
            actor = self.app.desk.check_pin(name, pin)
        except Refused as refusal:
            self.post_message(SupervisorChecked(None, refusal.message))
            return
        except Exception as error:
            self.post_message(SupervisorChecked(None, f"the ledger cannot be used: {error}"))
            return
        self.post_message(SupervisorChecked(actor))

    def on_supervisor_checked(self, message: SupervisorChecked) -> None:
        if message.actor is None:
            self.query_one("#supervisor-pin", Input).value = ""
            self._say(message.problem.capitalize() + ".")
            return
        reason = self.query_one("#reason", Input).value.strip() if self.ask_reason else ""
        self.dismiss((message.actor, reason))

    def _say(self, text: str) -> None:
        self.query_one("#authorise-message", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
