"""The sign-in screen: user name and a masked PIN; a wrong PIN says so and counts towards the lockout."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from ledger.refusals import Refused
from screens.messages import SignedIn
from screens.widgets.steady_footer import SteadyFooter


class SignInFailed(Message):
    """The PIN or name was not accepted, or the ledger could not be read."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class OfficeLoaded(Message):
    def __init__(self, office: str) -> None:
        super().__init__()
        self.office = office


class SignInScreen(Screen):
    """Who is at the counter."""

    def __init__(self) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="signin-box"):
                yield Static("cashdesk", id="signin-title")
                yield Static("", id="signin-office", markup=False)
                yield Label("User name")
                yield Input(placeholder="e.g. alice", id="username", max_length=32)
                yield Label("PIN")
                yield Input(placeholder="6 digits or more", id="pin", password=True, max_length=12,
                            restrict=r"[0-9]*")
                yield Static("", id="signin-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()
        self.load_office()

    @work(thread=True, exclusive=True, exit_on_error=False, group="office")
    def load_office(self) -> None:
        try:
            office = self.app.desk.office()
        except Exception as error:  # shown in place of the office; signing in will say more
            office = f"Cannot open the ledger: {error}"
        self.post_message(OfficeLoaded(office))

    def on_office_loaded(self, message: "OfficeLoaded") -> None:
        self.query_one("#signin-office", Static).update(message.office)

    @on(Input.Submitted, "#username")
    def _to_pin(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        if not username or not pin:
            self._say("Type your user name and PIN.")
            return
        self._say("Checking…")
        self.sign_in(username, pin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def sign_in(self, username: str, pin: str) -> None:
        try:
            actor = self.app.desk.sign_in(username, pin)
        except Refused as refusal:
            self.post_message(SignInFailed(refusal.message))
            return
        except Exception as error:  # the ledger file itself: missing, locked, damaged
            self.post_message(SignInFailed(f"the ledger cannot be used: {error}"))
            return
        self.post_message(SignedIn(actor))

    def on_sign_in_failed(self, message: SignInFailed) -> None:
        message.stop()
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()
        self._say(message.message[:1].upper() + message.message[1:] + ".", error=True)

    def _say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#signin-message", Static)
        line.update(text)
        line.set_class(error, "-error")
