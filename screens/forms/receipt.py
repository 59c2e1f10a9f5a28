"""Recording a cash or cheque receipt against an income code."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Select

from ledger.service import Actor
from screens.forms.base import LimitForm


class ReceiptForm(LimitForm):
    TITLE = "Receipt"
    OPERATION = "record_receipt"
    REFERENCE_TYPES = ("receipt",)

    def __init__(self, actor: Actor, used_pence: int, limit_pence: int, codes: list[dict]) -> None:
        super().__init__(actor, used_pence, limit_pence)
        self.codes = codes
        self.add_class("compact")  # one line a field: the refusal stays on screen at 80x24

    def compose_fields(self) -> ComposeResult:
        yield from self.field("Amount £", Input(id="amount", placeholder="12.50", max_length=16, compact=True))
        yield from self.field("Method", Select([("Cash", "cash"), ("Cheque", "cheque")], value="cash",
                                               allow_blank=False, id="method", compact=True))
        options = [(f"{row['code']} — {row['name']}", row["code"]) for row in self.codes]
        yield from self.field("Income code", Select(options, id="code", prompt="Choose a code",
                                                    compact=True))
        yield from self.field("Payer", Input(id="payer", max_length=80, compact=True))
        yield from self.field("Reference", Input(id="reference", placeholder="optional", max_length=40,
                                                 compact=True))
        yield from self.field("Description", Input(id="description", placeholder="optional", max_length=200,
                                                   compact=True))

    def references(self) -> list[tuple[str, str]]:
        return [("receipt", self.value("#reference"))]

    def request(self) -> dict | None:
        amount = self.amount_pence()
        code = self.query_one("#code", Select).value
        missing = [name for name, ok in (("amount", amount is not None), ("income code", code != Select.NULL),
                                         ("payer", bool(self.value("#payer")))) if not ok]
        if missing:
            self.say(f"Fill in: {', '.join(missing)}.", error=True)
            return None
        return {"amount_pence": amount, "method": self.query_one("#method", Select).value, "code": code,
                "payer": self.value("#payer"), "reference": self.value("#reference") or None,
                "description": self.value("#description") or None, **self.override_arguments()}
