"""The shape every money form shares: validate as you type, preview the limit, post once, keep the form on refusal."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ledger.money import AmountError, parse_amount
from ledger.references import check_reference
from ledger.refusals import Outcome
from ledger.service import Actor, Posted
from screens.messages import EntryAppended, EntryRefused, post_outcome
from screens.widgets.status_line import StatusLine
from screens.widgets.steady_footer import SteadyFooter

#: A post that takes longer than this says "Recording…"; a quick one goes straight to its answer.
RECORDING_NOTICE_S = 0.25


class ReferenceRulesLoaded(Message):
    """The admin's reference rules in force, by type (what a form checks references against as they are typed)."""

    def __init__(self, rules: dict) -> None:
        super().__init__()
        self.rules = rules


class LedgerForm(ModalScreen[Posted | None]):
    """A form that ends in one service-layer call. Subclasses give `TITLE`, `OPERATION`,
    `compose_fields()` and `request()`; the entry id is made when the form opens, so a
    double key press or a retry never posts twice."""

    TITLE = "Form"
    OPERATION = ""
    #: The reference types whose rules this form checks as they are typed (see `references`).
    REFERENCE_TYPES: tuple[str, ...] = ()
    BINDINGS = [
        Binding("ctrl+s", "post", "Post", id="form.post", tooltip="Record this entry", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without recording"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.entry_id = ""
        self.posting = False
        self.reference_rules: dict = {}

    def on_mount(self) -> None:
        self.entry_id = self.app.desk.new_entry_id()
        self.focus_first()
        if self.REFERENCE_TYPES:
            self.load_reference_rules()

    def focus_first(self) -> None:
        """Focus the first field (a form may choose another)."""
        fields = self.query("Input, Select")
        if fields:
            fields.first().focus()

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Static(self.TITLE, classes="dialog-title")
            yield from self.compose_fields()
            yield StatusLine("", id="form-preview", markup=False)
            yield StatusLine("", id="form-message", markup=False)
        yield SteadyFooter()

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def field(self, label: str, widget) -> ComposeResult:
        """A label and its input on one line (they stack at narrow widths)."""
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            yield widget

    # -- reading the fields ------------------------------------------------------------------
    def value(self, selector: str) -> str:
        return self.query_one(selector).value.strip()

    def amount_pence(self, selector: str = "#amount") -> int | None:
        """The amount typed, or None (and the problem shown) when it is not a valid amount."""
        text = self.query_one(selector, Input).value
        try:
            return parse_amount(text)
        except AmountError as error:
            if text.strip():
                self.say(str(error).capitalize() + ".", error=True)
            return None

    def request(self) -> dict | None:
        """The keyword arguments of OPERATION, or None when the form is not complete (each form says)."""
        return None

    # -- references, checked against the admin's rules as they are typed ------------------------
    def references(self) -> list[tuple[str, str]]:
        """(reference type, value) of each reference the form holds; forms with REFERENCE_TYPES say."""
        return []

    def reference_problem(self) -> str | None:
        """The first reference that breaks its type's rule, in words (the service checks again on posting)."""
        for ref_type, value in self.references():
            refusal = check_reference(self.reference_rules, ref_type, value)
            if refusal is not None:
                return refusal.message[:1].upper() + refusal.message[1:] + "."
        return None

    def show_reference_problem(self) -> None:
        problem = self.reference_problem()
        if problem:
            self.say(problem, error=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reference-rules")
    def load_reference_rules(self) -> None:
        try:
            rules = self.app.desk.reference_rules()
        except Exception:
            return  # unreadable now: the service still checks every reference when the entry is posted
        self.post_message(ReferenceRulesLoaded(rules))

    def on_reference_rules_loaded(self, message: ReferenceRulesLoaded) -> None:
        self.reference_rules = message.rules
        self.show_reference_problem()

    # -- live feedback -------------------------------------------------------------------------
    @on(Input.Changed)
    def _changed(self) -> None:
        self.say("")
        self.refresh_preview()
        self.show_reference_problem()

    def refresh_preview(self) -> None:
        """Subclasses show the effect on the limit; the default shows nothing."""

    def preview(self, text: str, warn: bool = False) -> None:
        line = self.query_one("#form-preview", StatusLine)
        line.set_class(warn, "-over-limit")
        line.say(text)

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#form-message", StatusLine)
        line.set_class(error, "-error")
        line.set_class(bool(text) and not error, "-ok")
        line.say(text)

    # -- posting -------------------------------------------------------------------------------
    def action_post(self) -> None:
        if self.posting:
            return
        request = self.request()
        if request is None:
            return
        problem = self.reference_problem()
        if problem:
            self.say(problem, error=True)
            return
        self.posting = True
        self.set_timer(RECORDING_NOTICE_S, self._still_recording)
        self.post_entry(request)

    def _still_recording(self) -> None:
        if self.posting:
            self.say("Recording…")

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def post_entry(self, request: dict) -> None:
        post_outcome(self, lambda: self.app.desk.act(
            self.OPERATION, self.actor, entry_id=self.entry_id, **request))

    def on_entry_refused(self, message: EntryRefused) -> None:
        message.stop()
        self.posting = False
        self.refused(message.outcome, message.message)

    def refused(self, outcome: str, text: str) -> None:
        self.say(f"Refused: {text}.", error=True)

    def on_entry_appended(self, message: EntryAppended) -> None:
        message.stop()
        self.dismiss(message.posted)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LimitForm(LedgerForm):
    """A money form that counts against the daily limit, with a supervisor's override on refusal."""

    BINDINGS = [
        Binding("ctrl+o", "override", "Supervisor override", id="form.override",
                tooltip="A supervisor authorises this one entry over the limit"),
    ]

    def __init__(self, actor: Actor, used_pence: int, limit_pence: int) -> None:
        super().__init__(actor)
        self.used_pence = used_pence
        self.limit_pence = limit_pence
        self.override: tuple[Actor, str] | None = None

    def refresh_preview(self) -> None:
        amount = self.amount_pence()
        if amount is None:
            self.preview("")
            return
        after = self.used_pence + amount
        money = self.app.money
        if after <= self.limit_pence:
            self.preview(f"Limit after this: {money(after)} of {money(self.limit_pence)} "
                         f"({money(self.limit_pence - after)} left)")
        else:
            self.preview(f"Over the limit by {money(after - self.limit_pence)}: "
                         f"{money(max(self.limit_pence - self.used_pence, 0))} left. "
                         "A supervisor may authorise it (ctrl+o).", warn=True)

    def override_arguments(self) -> dict:
        if self.override is None:
            return {}
        supervisor, reason = self.override
        return {"authoriser": supervisor, "override_reason": reason}

    def refused(self, outcome: str, text: str) -> None:
        hint = " Press ctrl+o for a supervisor to authorise it." if outcome == Outcome.OFFICER_LIMIT_EXCEEDED else ""
        self.say(f"Refused: {text}.{hint}", error=True)

    def action_override(self) -> None:
        from screens.forms.authorise import AuthoriseScreen

        def authorised(result: tuple[Actor, str] | None) -> None:
            if result is not None:
                self.override = result
                self.say(f"Authorised by {result[0].username}: press ctrl+s to post.")

        self.app.push_screen(AuthoriseScreen("Authorise one entry over the limit"), authorised)
