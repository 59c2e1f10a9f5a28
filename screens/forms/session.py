"""Opening the day's till: the float counted by note and coin, its total shown as it is typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from ledger.service import Actor
from screens.forms.base import LedgerForm
from screens.forms.denominations import DenominationGrid


class OpenSessionForm(LedgerForm):
    """The float goes from the safe to the officer's till; the service refuses a second open session."""

    TITLE = "Open the session: the float, by note and coin"
    OPERATION = "open_session"

    def __init__(self, actor: Actor) -> None:
        super().__init__(actor)
        self.add_class("compact")

    def compose_fields(self) -> ComposeResult:
        yield Static("How many of each note and coin is in the float (tab moves on).", classes="form-hint")
        yield DenominationGrid(id="float-pieces", classes="pieces")

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_preview()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def refresh_preview(self) -> None:
        grid = self.query_one(DenominationGrid)
        money = self.app.money
        total_pence, notes_pence = grid.total_pence(), grid.notes_pence()
        self.preview(f"Float {money(total_pence)}  (notes {money(notes_pence)}, "
                     f"coins {money(total_pence - notes_pence)})")

    def request(self) -> dict | None:
        return {"float_pence": 0, "denominations": self.query_one(DenominationGrid).counts()}
