"""Travel warrants: issuing the next serial from stock, and spoiling a form destroyed unused."""

from __future__ import annotations

from datetime import date

from rich.text import (
    Text,  # plain text: Select searches it as you type, and never reads it as markup
)
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select, Static

from ledger.service import Actor
from screens.forms.base import LedgerForm, LimitForm


class WarrantForm(LimitForm):
    """The serial is the next form in stock (the service takes it inside the write); the value counts
    against the limit."""

    TITLE = "Travel warrant"
    OPERATION = "issue_warrant"
    REFERENCE_TYPES = ("case",)

    def __init__(self, actor: Actor, used_pence: int, limit_pence: int, codes: list[dict],
                 next_serial: int | None) -> None:
        super().__init__(actor, used_pence, limit_pence)
        self.codes = codes
        self.next_serial = next_serial
        self.add_class("compact")

    def compose_fields(self) -> ComposeResult:
        serial = (f"Next serial {self.next_serial}" if self.next_serial is not None
                  else "No warrant forms left in stock")
        yield Static(serial, id="warrant-serial", markup=False)
        yield from self.field("Recipient", Input(id="recipient", max_length=80, compact=True))
        yield from self.field("Journey", Input(id="journey", placeholder="from – to", max_length=200,
                                               compact=True))
        with Horizontal(classes="field"):
            yield Label("Case ref", classes="field-label")
            yield Input(id="case-ref", placeholder="optional", max_length=40, compact=True, classes="half")
            yield Label("Travel date", classes="field-label pair-label")
            yield Input(id="travel-date", placeholder="today, or YYYY-MM-DD", max_length=10, restrict=r"[0-9-]*",
                        compact=True, classes="half")
        with Horizontal(classes="field"):
            yield Label("Ticket", classes="field-label")
            yield Select([("Single", "single"), ("Return", "return")], value="single", allow_blank=False,
                         id="ticket", compact=True, classes="half")
            yield Label("Value £", classes="field-label pair-label")
            yield Input(id="amount", placeholder="12.50", max_length=16, compact=True, classes="half")
        options = [(Text(f"{row['code']} — {row['name']}"), row["code"]) for row in self.codes]
        yield from self.field("Cost code", Select(options, id="code", prompt="Choose a code", compact=True))
        yield from self.field("Purpose", Input(id="purpose", placeholder="optional", max_length=200,
                                               compact=True))

    def references(self) -> list[tuple[str, str]]:
        return [("case", self.value("#case-ref"))]

    def request(self) -> dict | None:
        amount = self.amount_pence()
        code = self.query_one("#code", Select).value
        missing = [name for name, ok in (("recipient", bool(self.value("#recipient"))),
                                         ("journey", bool(self.value("#journey"))),
                                         ("value", amount is not None), ("cost code", code != Select.NULL)) if not ok]
        if missing:
            self.say(f"Fill in: {', '.join(missing)}.", error=True)
            return None
        travel_date = self.value("#travel-date")
        if travel_date and not _is_date(travel_date):
            self.say(f"The travel date {travel_date} is not a date: type it as YYYY-MM-DD.", error=True)
            return None
        return {"recipient": self.value("#recipient"), "journey": self.value("#journey"),
                "case_ref": self.value("#case-ref") or None, "ticket": self.query_one("#ticket", Select).value,
                "travel_date": travel_date or None, "value_pence": amount, "code": code,
                "purpose": self.value("#purpose") or None, **self.override_arguments()}


class SpoilForm(LedgerForm):
    """A form destroyed unused stays in the register as spoiled; warrants are never altered."""

    TITLE = "Spoil a warrant form"
    OPERATION = "spoil_warrant"

    def __init__(self, actor: Actor, next_serial: int | None) -> None:
        super().__init__(actor)
        self.next_serial = next_serial
        self.add_class("compact")

    def compose_fields(self) -> ComposeResult:
        yield Static("The serial defaults to the next form in stock.", classes="form-hint")
        default = "" if self.next_serial is None else str(self.next_serial)
        yield from self.field("Serial", Input(default, id="serial", restrict=r"[0-9]*", max_length=9,
                                              compact=True))
        yield from self.field("Reason", Input(id="reason", placeholder="e.g. misprinted", max_length=200,
                                              compact=True))

    def focus_first(self) -> None:
        self.query_one("#reason" if self.next_serial is not None else "#serial", Input).focus()

    def request(self) -> dict | None:
        serial, reason = self.value("#serial"), self.value("#reason")
        missing = [name for name, ok in (("serial", bool(serial)), ("reason", bool(reason))) if not ok]
        if missing:
            self.say(f"Fill in: {', '.join(missing)}.", error=True)
            return None
        return {"serial": int(serial), "reason": reason}


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
