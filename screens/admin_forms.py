"""The admin's forms: a user, a user's roles, a code, warrant stock, a setting; and a yes/no confirmation."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from ledger.records import ROLES
from ledger.service import Actor
from screens.forms.base import LedgerForm
from screens.messages import post_outcome
from screens.widgets.steady_footer import SteadyFooter


class AdminForm(LedgerForm):
    """A LedgerForm for acts that may take no entry id; enter moves to the next field, and posts from the last."""

    TAKES_ENTRY_ID = True

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def post_entry(self, request: dict) -> None:
        extra = {"entry_id": self.entry_id} if self.TAKES_ENTRY_ID else {}
        post_outcome(self, lambda: self.app.desk.act(self.OPERATION, self.actor, **extra, **request))

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input is self.query("Input, Select").last():
            self.action_post()
        else:
            self.focus_next()

    def missing(self, *pairs: tuple[str, bool]) -> bool:
        """Say which fields are still empty; True when any is."""
        names = [name for name, ok in pairs if not ok]
        if names:
            self.say(f"Fill in: {', '.join(names)}.", error=True)
        return bool(names)

    def roles_row(self, ticked: frozenset[str] = frozenset()) -> ComposeResult:
        with Horizontal(classes="field roles-field"):
            yield Label("Roles", classes="field-label")
            with Horizontal(id="roles", classes="roles"):
                for role in ROLES:
                    yield Checkbox(role, role in ticked, id=f"role-{role}", compact=True)

    def roles_ticked(self) -> tuple[str, ...]:
        return tuple(role for role in ROLES if self.query_one(f"#role-{role}", Checkbox).value)


class AddUserForm(AdminForm):
    """A new user: name, full name, roles, and a PIN typed twice (the two must match)."""

    TITLE = "Add a user"
    OPERATION = "add_user"

    def compose_fields(self) -> ComposeResult:
        yield from self.field("User name", Input(id="username", placeholder="e.g. carl", max_length=32))
        yield from self.field("Full name", Input(id="full-name", placeholder="optional", max_length=80))
        yield from self.roles_row()
        yield from self.field("PIN", Input(id="pin", password=True, max_length=12, restrict=r"[0-9]*",
                                           placeholder="6 to 12 digits"))
        yield from self.field("PIN again", Input(id="pin-again", password=True, max_length=12,
                                                 restrict=r"[0-9]*"))

    def refresh_preview(self) -> None:
        pin, again = self.value("#pin"), self.value("#pin-again")
        if pin and again and pin != again:
            self.preview("The two PINs differ.", warn=True)
        elif pin and again:
            self.preview("The two PINs match.")
        else:
            self.preview("")

    def request(self) -> dict | None:
        username, pin, again = self.value("#username"), self.value("#pin"), self.value("#pin-again")
        if self.missing(("user name", bool(username)), ("PIN", bool(pin)), ("PIN again", bool(again))):
            return None
        if pin != again:
            self.say("The two PINs differ: type the same PIN twice.", error=True)
            return None
        return {"username": username, "roles": self.roles_ticked(), "pin": pin,
                "name": self.value("#full-name") or None}


class RolesForm(AdminForm):
    """Tick the roles one user should hold from now on."""

    TITLE = "Change roles"
    OPERATION = "change_roles"
    TAKES_ENTRY_ID = False

    def __init__(self, actor: Actor, username: str, roles: frozenset[str]) -> None:
        super().__init__(actor)
        self.username = username
        self.roles = roles

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Roles of {self.username}: space ticks or unticks.", markup=False)
        yield from self.roles_row(self.roles)

    def focus_first(self) -> None:
        self.query_one(Checkbox).focus()

    def request(self) -> dict | None:
        return {"username": self.username, "roles": self.roles_ticked()}


class AddCodeForm(AdminForm):
    """A new income or cost code."""

    TITLE = "Add a code"
    OPERATION = "add_code"

    def compose_fields(self) -> ComposeResult:
        yield from self.field("Code", Input(id="code", placeholder="e.g. PARKING", max_length=16))
        yield from self.field("Name", Input(id="name", max_length=80))
        yield from self.field("Type", Select([("Income", "income"), ("Cost", "cost")], value="income",
                                             allow_blank=False, id="code-type"))

    def request(self) -> dict | None:
        code, name = self.value("#code"), self.value("#name")
        if self.missing(("code", bool(code)), ("name", bool(name))):
            return None
        return {"code": code, "name": name, "code_type": self.query_one("#code-type", Select).value}


class ReceiveWarrantsForm(AdminForm):
    """A range of numbered warrant forms into stock."""

    TITLE = "Receive warrant forms"
    OPERATION = "receive_warrants"

    def __init__(self, actor: Actor, suggested_first: int) -> None:
        super().__init__(actor)
        self.suggested_first = suggested_first

    def compose_fields(self) -> ComposeResult:
        yield from self.field("First serial", Input(str(self.suggested_first), id="first", max_length=9,
                                                    restrict=r"[0-9]*"))
        yield from self.field("Last serial", Input(id="last", max_length=9, restrict=r"[0-9]*"))

    def focus_first(self) -> None:
        self.query_one("#last", Input).focus()

    def refresh_preview(self) -> None:
        first, last = self.value("#first"), self.value("#last")
        if first and last and int(last) >= int(first):
            self.preview(f"{int(last) - int(first) + 1:,} forms, serials {int(first)} to {int(last)}.")
        else:
            self.preview("")

    def request(self) -> dict | None:
        first, last = self.value("#first"), self.value("#last")
        if self.missing(("first serial", bool(first)), ("last serial", bool(last))):
            return None
        return {"first": int(first), "last": int(last)}


class SettingForm(AdminForm):
    """One office-wide setting: an amount in pounds, a number of seconds, or a path."""

    OPERATION = "set_setting"
    TAKES_ENTRY_ID = False

    def __init__(self, actor: Actor, key: str, title: str, label: str, current: str, unit: str = "text") -> None:
        super().__init__(actor)
        self.key, self.TITLE, self.label, self.current, self.unit = key, title, label, current, unit

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Now: {self.current}", markup=False)
        restrict = r"[0-9]*" if self.unit == "seconds" else None
        yield from self.field(self.label, Input(id="value", max_length=500, restrict=restrict))

    def refresh_preview(self) -> None:
        if self.unit == "money":
            pence = self.amount_pence("#value")
            self.preview("" if pence is None else f"From now on: {self.app.money(pence)} a day per officer.")

    def request(self) -> dict | None:
        text = self.value("#value")
        if self.missing((self.label.lower(), bool(text))):
            return None
        if self.unit == "money":
            value = self.amount_pence("#value")
            if value is None:
                return None
            return {"key": self.key, "value": value}
        return {"key": self.key, "value": text}


class OfficerLimitForm(AdminForm):
    """A daily limit for one officer, above or below the office's."""

    TITLE = "Limit for one officer"
    OPERATION = "set_setting"
    TAKES_ENTRY_ID = False

    def __init__(self, actor: Actor, officers: list[str], chosen: str | None = None) -> None:
        super().__init__(actor)
        self.officers = officers
        self.chosen = chosen if chosen in officers else None

    def compose_fields(self) -> ComposeResult:
        choices = [(name, name) for name in self.officers]
        yield from self.field("Officer", Select(choices, id="officer", prompt="Choose an officer",
                                                value=self.chosen or Select.NULL))
        yield from self.field("Limit £", Input(id="amount", placeholder="250.00", max_length=16))

    def focus_first(self) -> None:
        self.query_one("#officer" if self.chosen is None else "#amount").focus()

    def refresh_preview(self) -> None:
        pence = self.amount_pence()
        self.preview("" if pence is None else f"From now on: {self.app.money(pence)} a day for this officer.")

    def request(self) -> dict | None:
        officer = self.query_one("#officer", Select).value
        pence = self.amount_pence()
        if self.missing(("officer", officer != Select.NULL), ("limit", pence is not None)):
            return None
        return {"key": "daily_limit_pence", "value": pence, "user": officer}


class ConfirmScreen(ModalScreen[bool]):
    """A question answered by y (yes) or n / escape (no)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Go ahead"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Leave things as they are"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.question, id="confirm-question", markup=False)
            yield Static("Press y to go ahead, n to leave it.", classes="confirm-hint")
        yield SteadyFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

