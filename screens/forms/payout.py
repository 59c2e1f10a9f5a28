"""Paying out petty cash against a cost code: payee, purpose, and whether a receipt is held."""

from __future__ import annotations

from rich.text import (
    Text,  # plain text: Select searches it as you type, and never reads it as markup
)
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select

from ledger.service import Actor
from screens.forms.base import LimitForm


class PayoutForm(LimitForm):
    """The service refuses a payout the till's cash cannot cover, or one past the limit."""

    TITLE = "Petty cash payout"
    OPERATION = "record_payout"

    def __init__(self, actor: Actor, used_pence: int, limit_pence: int, codes: list[dict]) -> None:
        super().__init__(actor, used_pence, limit_pence)
        self.codes = codes
        self.add_class("compact")

    def compose_fields(self) -> ComposeResult:
        yield from self.field("Amount £", Input(id="amount", placeholder="12.50", max_length=16, compact=True))
        options = [(Text(f"{row['code']} — {row['name']}"), row["code"]) for row in self.codes]
        yield from self.field("Cost code", Select(options, id="code", prompt="Choose a code", compact=True))
        yield from self.field("Payee", Input(id="payee", max_length=80, compact=True))
        yield from self.field("Purpose", Input(id="purpose", max_length=200, compact=True))
        yield from self.field("Receipt", Checkbox("Receipt held", value=True, id="receipt-held", compact=True))

    def request(self) -> dict | None:
        amount = self.amount_pence()
        code = self.query_one("#code", Select).value
        missing = [name for name, ok in (("amount", amount is not None), ("cost code", code != Select.NULL),
                                         ("payee", bool(self.value("#payee"))),
                                         ("purpose", bool(self.value("#purpose")))) if not ok]
        if missing:
            self.say(f"Fill in: {', '.join(missing)}.", error=True)
            return None
        return {"amount_pence": amount, "code": code, "payee": self.value("#payee"),
                "purpose": self.value("#purpose"), "receipt_held": self.query_one("#receipt-held", Checkbox).value,
                **self.override_arguments()}
