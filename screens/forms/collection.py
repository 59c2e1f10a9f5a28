"""Taking a payment against a debt: the debtor found by reference or name as it is typed."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from ledger.service import Actor
from screens.forms.base import LimitForm


class DebtorsFound(Message):
    """The debtors matching what was typed (`search`), with their balances."""

    def __init__(self, search: str, rows: list[dict], problem: str = "") -> None:
        super().__init__()
        self.search = search
        self.rows = rows
        self.problem = problem


class CollectionForm(LimitForm):
    """Partial payments are fine; the service refuses an overpayment and says what is owed."""

    TITLE = "Collection against a debt"
    OPERATION = "collect_debt"
    REFERENCE_TYPES = ("debtor",)

    def __init__(self, actor: Actor, used_pence: int, limit_pence: int) -> None:
        super().__init__(actor, used_pence, limit_pence)
        self.add_class("compact")
        self.matches: dict[str, dict] = {}
        self.debtor: dict | None = None

    def compose_fields(self) -> ComposeResult:
        yield from self.field("Find debtor", Input(id="debtor-search", placeholder="reference or name",
                                                   max_length=40, compact=True))
        yield OptionList(id="debtor-matches", markup=False, compact=True)
        yield Static("No debtor chosen: pick one from the list (enter).", id="debtor-chosen", markup=False)
        yield from self.field("Amount £", Input(id="amount", placeholder="12.50", max_length=16, compact=True))
        yield from self.field("Method", Select([("Cash", "cash"), ("Cheque", "cheque")], value="cash",
                                               allow_blank=False, id="method", compact=True))
        yield from self.field("Reference", Input(id="reference", placeholder="optional", max_length=40,
                                                 compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self.search("")

    # -- finding the debtor ----------------------------------------------------------------
    @on(Input.Changed, "#debtor-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search(event.value.strip())

    @work(thread=True, exclusive=True, exit_on_error=False, group="debtor-search")
    def search(self, text: str) -> None:
        try:
            rows = self.app.desk.debtors(text)
        except Exception as error:
            self.post_message(DebtorsFound(text, [], f"The debtors cannot be read: {error}"))
            return
        self.post_message(DebtorsFound(text, rows))

    def on_debtors_found(self, message: DebtorsFound) -> None:
        if message.search != self.query_one("#debtor-search", Input).value.strip():
            return  # an answer to an earlier search: a newer one is on its way
        if message.problem:
            self.say(message.problem, error=True)
        money = self.app.money
        matches = self.query_one("#debtor-matches", OptionList)
        matches.clear_options()
        self.matches = {row["debtor_ref"]: row for row in message.rows}
        matches.add_options([Option(Content(_match_line(row, money)), id=row["debtor_ref"]) for row in message.rows])
        if message.rows:
            matches.highlighted = 0
        elif message.search:
            self.say(f"No debtor matches {message.search!r}.", error=True)

    @on(Input.Submitted, "#debtor-search")
    def _to_matches(self) -> None:
        matches = self.query_one("#debtor-matches", OptionList)
        if matches.option_count == 1:
            self.choose(matches.get_option_at_index(0).id)
        elif matches.option_count:
            matches.focus()

    @on(OptionList.OptionSelected, "#debtor-matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)

    def choose(self, debtor_ref: str) -> None:
        self.debtor = self.matches[debtor_ref]
        balance = self.app.money(self.debtor["balance_pence"])
        self.query_one("#debtor-chosen", Static).update(
            f"Debtor {self.debtor['debtor_ref']} · {self.debtor['name']} · owes {balance}")
        self.query_one("#amount", Input).focus()
        self.show_reference_problem()  # a debtor held under a reference the admin's rule now refuses

    # -- the request ------------------------------------------------------------------------
    def references(self) -> list[tuple[str, str]]:
        return [("debtor", self.debtor["debtor_ref"])] if self.debtor else []

    def request(self) -> dict | None:
        amount = self.amount_pence()
        missing = [name for name, ok in (("debtor (pick one from the list)", self.debtor is not None),
                                         ("amount", amount is not None)) if not ok]
        if missing:
            self.say(f"Fill in: {', '.join(missing)}.", error=True)
            return None
        return {"debtor_ref": self.debtor["debtor_ref"], "amount_pence": amount,
                "method": self.query_one("#method", Select).value,
                "reference": self.value("#reference") or None, **self.override_arguments()}


def _match_line(row: dict, money) -> str:
    """One debtor in the list: reference, name, and what they owe, right-aligned."""
    owes = f"owes {money(row['balance_pence'])}"
    return f"{row['debtor_ref']:<10} {row['name'][:36]:<36} {owes:>18}"
