"""The finance officer's keying forms: a payee, an invoice (a possible duplicate warned of as you type), a payment."""

from __future__ import annotations

from datetime import date
from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Select, Static

from ledger.money import AmountError, parse_amount
from ledger.refusals import Outcome
from ledger.service import Actor
from screens.debounce import Debouncer
from screens.forms.base import LedgerForm

#: How long typing must pause before a look-up reads the ledger (seconds; in the worker, never the UI).
DEBOUNCE_SECONDS = 0.15
PAYEE_KINDS = (("Carer", "carer"), ("Provider", "provider"), ("Individual", "individual"))


class LookedUp(Message):
    """An as-you-type read came back: `what` was asked about `asked` (the fields as they were then)."""

    def __init__(self, what: str, asked: tuple, answer, problem: str = "") -> None:
        super().__init__()
        self.what = what
        self.asked = asked
        self.answer = answer
        self.problem = problem


def typed_date(text: str) -> str | None:
    """A date typed YYYY-MM-DD, or None."""
    try:
        return date.fromisoformat(text.strip()).isoformat() if len(text.strip()) == 10 else None
    except ValueError:
        return None


class FinanceForm(LedgerForm):
    """A keying form, one line a field, whose look-ups run in a worker once typing pauses for
    DEBOUNCE_SECONDS; an answer to fields that have changed since is dropped."""

    def __init__(self, actor: Actor, codes: list[dict] | None = None) -> None:
        super().__init__(actor)
        self.codes = codes or []
        self.payee: dict | None = None
        self.debounce = Debouncer(DEBOUNCE_SECONDS)
        self.add_class("dense")

    # -- look-ups ----------------------------------------------------------------------------
    def asking(self, what: str) -> tuple:
        """What a look-up of `what` would ask now (an answer to anything else is stale)."""
        return (self.value("#payee"),) if what == "payee" else ()

    def look_up(self, what: str, call: Callable[[], object]) -> None:
        asked, ticket = self.asking(what), self.debounce.ticket(what)

        def read() -> None:
            if not self.debounce.settled(what, ticket):
                return  # typing went on: a later look-up reads instead
            try:
                answer = call()
            except Exception as error:
                self.post_message(LookedUp(what, asked, None, f"The ledger cannot be read: {error}"))
                return
            self.post_message(LookedUp(what, asked, answer))

        self.run_worker(read, thread=True, group=f"look-up-{what}", exit_on_error=False)

    def on_looked_up(self, message: LookedUp) -> None:
        message.stop()
        if message.asked != self.asking(message.what):
            return  # typing moved on: a newer look-up is on its way
        if message.problem:
            self.say(message.problem, error=True)
            return
        self.looked_up(message.what, message.answer)

    def looked_up(self, what: str, answer) -> None:
        if what == "payee":
            self.show_payee(answer)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter moves to the next field, and posts from the last one shown."""
        if event.input.id == "package":
            return  # the package look-up chooses from its list
        event.stop()
        shown = [widget for widget in self.query("Input, Select")
                 if not any(node.has_class("-hidden") for node in widget.ancestors)]
        if shown and event.input is shown[-1]:
            self.action_post()
        else:
            self.focus_next()

    # -- the payee field ---------------------------------------------------------------------
    def payee_field(self, label: str = "Payee") -> ComposeResult:
        yield from self.field(label, Input(id="payee", placeholder="payee reference, or part of a name",
                                           max_length=40, compact=True))
        yield Static("", id="payee-found", classes="found", markup=False)

    @on(Input.Changed, "#payee")
    def _payee_typed(self) -> None:
        text = self.value("#payee")
        self.payee = None
        if text:
            self.look_up("payee", lambda: self.app.desk.payees_like(text))
        else:
            self.show_found("#payee-found", "")

    def show_payee(self, rows: list[dict]) -> None:
        typed = self.value("#payee").casefold()
        exact = next((row for row in rows if row["payee"].casefold() == typed), None)
        if exact is not None:
            self.payee = exact
            retired = "" if exact["active"] else " · RETIRED: nothing more can be keyed to it"
            self.show_found("#payee-found", f"{exact['name']} · {exact['kind']} · creditor {exact['creditor']}"
                            f"{retired}", error=not exact["active"])
        elif rows:
            self.show_found("#payee-found", "No payee " + self.value("#payee") + "; perhaps " +
                            ", ".join(f"{row['payee']} ({row['name']})" for row in rows[:3]), error=True)
        else:
            self.show_found("#payee-found", f"No payee matches {self.value('#payee')!r}: add it first (a).",
                            error=True)

    def show_found(self, selector: str, text: str, error: bool = False) -> None:
        line = self.query_one(selector, Static)
        line.update(text)
        line.set_class(error, "-error")

    def payee_ref(self) -> str:
        """The payee as found (its exact reference), else as typed (the service names what is wrong)."""
        return self.payee["payee"] if self.payee else self.value("#payee")

    # -- common fields -----------------------------------------------------------------------
    def code_field(self) -> ComposeResult:
        options = [(f"{row['code']} — {row['name']}", row["code"]) for row in self.codes]
        yield from self.field("Cost code", Select(options, id="code", prompt="Choose a cost code", compact=True))

    def code(self) -> str | None:
        value = self.query_one("#code", Select).value
        return None if value == Select.NULL else value

    def missing(self, *pairs: tuple[str, bool]) -> bool:
        names = [name for name, ok in pairs if not ok]
        if names:
            self.say(f"Fill in: {', '.join(names)}.", error=True)
        return bool(names)

    def optional(self, selector: str) -> str | None:
        return self.value(selector) or None


class PayeeForm(FinanceForm):
    """A payee: reference, name, kind and the council's creditor number (cashdesk holds no bank details)."""

    TITLE = "Add a payee"
    OPERATION = "add_payee"

    def compose_fields(self) -> ComposeResult:
        yield from self.field("Reference", Input(id="payee-ref", placeholder="e.g. CAR12", max_length=40,
                                                 compact=True))
        yield from self.field("Name", Input(id="payee-name", max_length=80, compact=True))
        yield from self.field("Kind", Select(PAYEE_KINDS, value="carer", allow_blank=False, id="payee-kind",
                                             compact=True))
        yield from self.field("Creditor no", Input(id="creditor", placeholder="from the finance system",
                                                   max_length=20, compact=True))
        yield Static("No bank details are kept here: the finance system pays the creditor number.",
                     classes="form-hint", markup=False)

    def request(self) -> dict | None:
        payee, name, creditor = self.value("#payee-ref"), self.value("#payee-name"), self.value("#creditor")
        if self.missing(("reference", bool(payee)), ("name", bool(name)), ("creditor number", bool(creditor))):
            return None
        return {"payee": payee, "name": name, "kind": self.query_one("#payee-kind", Select).value,
                "creditor": creditor}


class InvoiceForm(FinanceForm):
    """A supplier's invoice; the duplicate rules are read as you type and the earlier item shown."""

    TITLE = "Key an invoice"
    OPERATION = "key_invoice"

    def __init__(self, actor: Actor, codes: list[dict] | None = None) -> None:
        super().__init__(actor, codes)
        self.duplicate: dict | None = None

    def compose_fields(self) -> ComposeResult:
        yield from self.payee_field()
        yield from self.field("Invoice no", Input(id="invoice-no", max_length=40, compact=True))
        yield from self.field("Invoice date", Input(id="invoice-date", placeholder="YYYY-MM-DD", max_length=10,
                                                    compact=True))
        yield from self.field("Amount £", Input(id="amount", placeholder="120.00", max_length=16, compact=True))
        yield from self.code_field()
        yield from self.field("Description", Input(id="description", max_length=200, compact=True))
        yield from self.field("Case ref", Input(id="case-ref", placeholder="optional", max_length=40, compact=True))
        yield from self.field("Not a dup. as", Input(id="confirm-reason", max_length=200, compact=True,
                                                     placeholder="why it is not the duplicate warned of"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#confirm-reason", Input).parent.add_class("-hidden")

    def asking(self, what: str) -> tuple:
        if what == "duplicate":
            amount = self.typed_amount()
            return (self.value("#payee"), self.value("#invoice-no"), amount, typed_date(self.value("#invoice-date")))
        return super().asking(what)

    def typed_amount(self) -> int | None:
        """The amount if it is valid so far (silently: the duplicate check only uses it)."""
        try:
            return parse_amount(self.value("#amount"))
        except AmountError:
            return None

    @on(Input.Changed, "#payee, #invoice-no, #invoice-date, #amount")
    def _check_duplicate(self) -> None:
        payee, number, amount, invoice_date = self.asking("duplicate")
        if payee and number:
            self.look_up("duplicate", lambda: self.app.desk.invoice_check(payee, number, amount, invoice_date))
        else:
            self.show_duplicate(None)

    def looked_up(self, what: str, answer) -> None:
        if what == "duplicate":
            self.show_duplicate(answer)
        else:
            super().looked_up(what, answer)

    def show_duplicate(self, found: dict | None) -> None:
        self.duplicate = found
        reason_row = self.query_one("#confirm-reason", Input).parent
        if found is None:
            self.preview("")
            reason_row.set_class(not self.value("#confirm-reason"), "-hidden")
            return
        earlier, money = found["earlier"], self.app.money
        self.preview(f"Possible duplicate of {found['item']} ({found['rule']}): {earlier['payee']} "
                     f"{earlier['reference']} of {earlier['invoice_date']}, {money(earlier['amount_pence'])}, "
                     f"keyed by {earlier['keyed_by']}, {earlier['state']}. If it is not one, say why on the line "
                     "'Not a dup. as'.", warn=True)
        reason_row.remove_class("-hidden")

    def refused(self, outcome: str, text: str) -> None:
        super().refused(outcome, text)
        if outcome == Outcome.POSSIBLE_DUPLICATE:
            reason = self.query_one("#confirm-reason", Input)
            reason.parent.remove_class("-hidden")
            reason.focus()

    def request(self) -> dict | None:
        amount, code = self.amount_pence(), self.code()
        invoice_date = typed_date(self.value("#invoice-date"))
        if self.missing(("payee", bool(self.value("#payee"))), ("invoice no", bool(self.value("#invoice-no"))),
                        ("invoice date (YYYY-MM-DD)", invoice_date is not None), ("amount", amount is not None),
                        ("cost code", code is not None), ("description", bool(self.value("#description")))):
            return None
        return {"payee": self.payee_ref(), "invoice_no": self.value("#invoice-no"), "invoice_date": invoice_date,
                "amount_pence": amount, "code": code, "description": self.value("#description"),
                "case_ref": self.optional("#case-ref"), "confirm_duplicate": self.optional("#confirm-reason")}


class PaymentForm(FinanceForm):
    """An ad-hoc payment (a birthday, festival or setting-up-home allowance …) to a payee."""

    TITLE = "Key an ad-hoc payment"
    OPERATION = "key_payment"

    def compose_fields(self) -> ComposeResult:
        yield from self.payee_field()
        yield from self.field("Amount £", Input(id="amount", placeholder="50.00", max_length=16, compact=True))
        yield from self.code_field()
        yield from self.field("Reason", Input(id="reason", placeholder="e.g. birthday allowance", max_length=200,
                                              compact=True))
        yield from self.field("Case ref", Input(id="case-ref", placeholder="optional", max_length=40, compact=True))

    def request(self) -> dict | None:
        amount, code = self.amount_pence(), self.code()
        if self.missing(("payee", bool(self.value("#payee"))), ("amount", amount is not None),
                        ("cost code", code is not None), ("reason", bool(self.value("#reason")))):
            return None
        return {"payee": self.payee_ref(), "amount_pence": amount, "code": code, "reason": self.value("#reason"),
                "case_ref": self.optional("#case-ref")}
