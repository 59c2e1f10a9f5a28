"""Asking for a reversal: the entry by seq, then a supervisor's name, PIN and reason on this terminal."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from ledger.service import Actor
from screens.forms.base import LedgerForm


class ReversalForm(LedgerForm):
    """ctrl+s asks a supervisor to authorise; the service refuses their own entries (four eyes)."""

    TITLE = "Reverse an entry"
    OPERATION = "reverse"

    def __init__(self, actor: Actor, entries: dict[int, str], seq: int | None) -> None:
        """`entries` describes the day's entries by seq; `seq` is the one under the table's cursor."""
        super().__init__(actor)
        self.entries = entries
        self.cursor_seq = seq
        self.authorisation: tuple[Actor, str] | None = None
        self.add_class("compact")

    def compose_fields(self) -> ComposeResult:
        yield Static("The exact opposite of one entry of today, authorised by a supervisor.", classes="form-hint")
        yield from self.field("Seq", Input("" if self.cursor_seq is None else str(self.cursor_seq), id="seq",
                                           restrict=r"[0-9]*", max_length=12, compact=True))
        yield Static("", id="reversal-entry", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self._describe()

    @on(Input.Changed, "#seq")
    def _describe(self) -> None:
        text = self.value("#seq")
        detail = self.entries.get(int(text)) if text else None
        self.query_one("#reversal-entry", Static).update(
            detail or ("Type the seq of the entry to reverse." if not text else f"Seq {text} is not one of "
                       "your entries of today: the ledger will say whether it can be reversed."))

    @on(Input.Submitted, "#seq")
    def _submitted(self) -> None:
        self.action_post()

    def action_post(self) -> None:
        """First the supervisor's authority (typed on this terminal), then the one write."""
        from screens.forms.authorise import AuthoriseScreen

        if self.posting:
            return
        if not self.value("#seq"):
            self.say("Fill in: seq.", error=True)
            return
        seq = int(self.value("#seq"))

        def authorised(result: tuple[Actor, str] | None) -> None:
            if result is None:
                self.say("Not authorised: nothing was recorded.", error=True)
                return
            self.authorisation = result
            super(ReversalForm, self).action_post()

        self.app.push_screen(AuthoriseScreen(f"Authorise reversing seq {seq}"), authorised)

    def request(self) -> dict | None:
        if self.authorisation is None:
            return None
        supervisor, reason = self.authorisation
        return {"seq": int(self.value("#seq")), "reason": reason, "authoriser": supervisor}

    def refused(self, outcome: str, text: str) -> None:
        self.authorisation = None
        self.say(f"Refused: {text}.", error=True)
