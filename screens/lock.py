"""The idle lock: the screen underneath (and any half-filled form) waits until the PIN is typed again."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ledger.refusals import Outcome, Refused


class Unlocked(Message):
    pass


class UnlockFailed(Message):
    def __init__(self, message: str, locked_out: bool) -> None:
        super().__init__()
        self.message = message
        self.locked_out = locked_out


class LockScreen(ModalScreen[bool]):
    """Dismissed with True when the PIN is right; False when the user is locked out (sign in again)."""

    def __init__(self, username: str) -> None:
        super().__init__()
        self.username = username

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box", classes="dialog"):
            yield Static("Locked", classes="dialog-title")
            yield Static(f"The console locked itself. {self.username}, type your PIN to carry on.",
                         markup=False)
            yield Label("PIN")
            yield Input(id="lock-pin", password=True, max_length=12, restrict=r"[0-9]*")
            yield Static("", id="lock-message", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        if event.value:
            self.check(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def check(self, pin: str) -> None:
        try:
            self.app.desk.check_pin(self.username, pin)
        except Refused as refusal:
            locked = refusal.outcome in (Outcome.USER_LOCKED, Outcome.USER_INACTIVE) or self._locked_now()
            self.post_message(UnlockFailed(refusal.message, locked))
            return
        except Exception as error:
            self.post_message(UnlockFailed(f"the ledger cannot be used: {error}", False))
            return
        self.post_message(Unlocked())

    def _locked_now(self) -> bool:
        """The wrong PIN that locks the user is refused as sign_in_failed: the ledger says if it locked."""
        return any(row["username"] == self.username and row["locked"] for row in self.app.desk.report("users"))

    def on_unlocked(self, message: Unlocked) -> None:
        self.dismiss(True)

    def on_unlock_failed(self, message: UnlockFailed) -> None:
        if message.locked_out:
            self.dismiss(False)
            return
        pin = self.query_one(Input)
        pin.value = ""
        self.query_one("#lock-message", Static).update(message.message)
