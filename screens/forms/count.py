"""The blind end-of-day count: notes and coins, cheques and unused warrant serials, never the expected figure."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from ledger.service import Actor
from screens.forms.base import LedgerForm
from screens.forms.denominations import DenominationGrid
from screens.serials import SerialsError, parse_serials


class CountForm(LedgerForm):
    """What the officer counted, and only that: this form is given nothing of the day's figures."""

    TITLE = "Closing count (blind)"
    OPERATION = "declare_count"

    def __init__(self, actor: Actor) -> None:
        super().__init__(actor)
        self.add_class("compact")
        self.confirming = False

    def compose_fields(self) -> ComposeResult:
        yield Static("Count the till: how many of each note and coin (tab moves on).", classes="form-hint")
        yield DenominationGrid(id="count-pieces", classes="pieces")
        yield from self.field("Cheques", Input(id="cheques", placeholder="how many", restrict=r"[0-9]*",
                                               max_length=5, compact=True))
        yield from self.field("Unused forms", Input(id="unused-serials", placeholder="e.g. 500010-500050,500060",
                                                    max_length=400, compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_preview()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def refresh_preview(self) -> None:
        self.confirming = False
        grid = self.query_one(DenominationGrid)
        money = self.app.money
        total_pence, notes_pence = grid.total_pence(), grid.notes_pence()
        cheques = int(self.value("#cheques") or "0")
        serials = self._serials()
        forms = "" if serials is None else f" · {len(serials)} unused forms"
        self.preview(f"Counted {money(total_pence)} (notes {money(notes_pence)}, coins "
                     f"{money(total_pence - notes_pence)}) · {cheques} cheque{'' if cheques == 1 else 's'}{forms}")

    def _serials(self) -> tuple[int, ...] | None:
        """The serials typed, or None (and the problem shown) when they cannot be read."""
        try:
            return parse_serials(self.value("#unused-serials"))
        except SerialsError as error:
            self.say(f"Unused forms: {error}.", error=True)
            return None

    def request(self) -> dict | None:
        """The count, once the officer has pressed ctrl+s twice (a declared count cannot be taken back)."""
        serials = self._serials()
        if serials is None:
            return None
        if not self.confirming:
            self.confirming = True
            self.say("Press ctrl+s again to declare this count: the day then waits for a supervisor.")
            return None
        return {"denominations": self.query_one(DenominationGrid).counts(),
                "cheques_counted": int(self.value("#cheques") or "0"), "unused_serials": serials}
