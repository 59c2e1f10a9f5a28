"""The banking desk's dialogs: import a statement file through a profile; resolve a mismatched bag."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static

from ledger.service import Actor
from screens.messages import EntryAppended, EntryRefused, post_outcome
from screens.supervisor_banking import short_date, variance_words


class ProfilesLoaded(Message):
    def __init__(self, profiles: list[tuple[str, str]], problem: str = "") -> None:
        super().__init__()
        self.profiles = profiles
        self.problem = problem


class StatementImported(Message):
    """A statement went into the ledger: `result` counts its lines by state."""

    def __init__(self, result) -> None:
        super().__init__()
        self.result = result


class BankingDialog(ModalScreen):
    """What both dialogs share: a message line, one act on ctrl+s, escape to close, no double act."""

    MESSAGE_ID = ""
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="banking-dialog.cancel", tooltip="Close, doing nothing")]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.busy = False

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one(f"#{self.MESSAGE_ID}", Static)
        line.update(text)
        line.set_class(error, "-error")

    @on(Input.Changed)
    def _changed(self) -> None:
        if not self.busy:
            self.say("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_post()  # each dialog's own act

    def on_entry_refused(self, message: EntryRefused) -> None:
        message.stop()
        self.busy = False
        self.say(f"Refused: {message.message}.", error=True)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportStatementDialog(BankingDialog):
    """Dismissed with the import's counts; a refused or unreadable file is shown in words, the dialog kept."""

    MESSAGE_ID = "import-message"
    BINDINGS = [Binding("ctrl+s", "post", "Import", id="import.post", priority=True, tooltip="Import the file")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="import-box"):
            yield Static("Import a bank statement", classes="dialog-title")
            yield Static("All of the file or none of it: a bad line refuses the file, naming every bad line. "
                         "Lines already imported are skipped.", classes="dialog-hint", markup=False)
            yield Label("File")
            yield Input(id="statement-path", placeholder="/path/to/statement.csv", max_length=500)
            yield Label("Profile (the bank's layout)")
            yield Select([], id="statement-profile", prompt="Reading the profiles…")
            yield Static("", id="import-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#statement-path", Input).focus()
        self.load_profiles()

    @work(thread=True, exclusive=True, exit_on_error=False, group="profiles")
    def load_profiles(self) -> None:
        try:
            self.post_message(ProfilesLoaded(self.app.desk.statement_profiles()))
        except Exception as error:  # the office's rules file is broken: said in words
            self.post_message(ProfilesLoaded([], f"The profiles cannot be read: {error}"))

    def on_profiles_loaded(self, message: ProfilesLoaded) -> None:
        if message.problem:
            self.say(message.problem, error=True)
        choice = self.query_one("#statement-profile", Select)
        choice.set_options([(f"{name} — {description}"[:60], name) for name, description in message.profiles])
        choice.prompt = "Choose a profile"
        if message.profiles:
            choice.value = message.profiles[0][0]

    def action_post(self) -> None:
        path = self.query_one("#statement-path", Input).value.strip()
        profile = self.query_one("#statement-profile", Select).value
        if self.busy:
            return
        if not path or profile == Select.NULL:
            self.say("Type the file's path and choose its profile first.", error=True)
            return
        self.busy = True
        self.say("Reading and importing…")
        self.import_file(path, profile)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def import_file(self, path: str, profile: str) -> None:
        from ledger.refusals import Refused
        from ledger.statements import StatementUnreadable

        try:
            result = self.app.desk.import_statement(self.actor, path, profile)
        except Refused as refusal:
            self.post_message(EntryRefused(refusal.outcome.value, refusal.message))
        except StatementUnreadable as error:
            self.post_message(EntryRefused("unreadable", str(error)))
        except Exception as error:  # the ledger file itself: said in words, never a traceback
            self.post_message(EntryRefused("unavailable", f"the ledger cannot be used: {error}"))
        else:
            self.post_message(StatementImported(result))

    def on_statement_imported(self, message: StatementImported) -> None:
        message.stop()
        self.dismiss(message.result)


class ResolveDialog(BankingDialog):
    """Dismissed with the `banking_resolved` entry. The entry id is made when the dialog opens."""

    MESSAGE_ID = "resolve-message"
    BINDINGS = [Binding("ctrl+s", "post", "Resolve", id="resolve.post", priority=True,
                        tooltip="Settle the bag: the difference goes to BankingVariance")]

    def __init__(self, actor: Actor, bag: dict) -> None:
        super().__init__(actor)
        self.bag = bag
        self.entry_id = ""

    def compose(self) -> ComposeResult:
        bag, money = self.bag, self.app.money
        with Vertical(classes="dialog", id="resolve-box"):
            yield Static(f"Resolve bag {bag['bag']}", classes="dialog-title", markup=False)
            yield Static(f"{bag['officer']}'s takings banked {short_date(bag['banked_on'])}: "
                         f"{money(bag['amount_pence'])}. The statement of {short_date(bag['statement_date'])} "
                         f"shows {money(bag['statement_pence'])} ({bag['reference']}).", markup=False)
            yield Static(f"Difference: {variance_words({'variance_pence': bag['difference_pence']}, money)}.",
                         id="resolve-difference", markup=False)
            yield Label("Reason")
            yield Input(id="resolve-reason", max_length=200, placeholder="e.g. bank's counting slip filed")
            yield Static("", id="resolve-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.entry_id = self.app.desk.new_entry_id()
        self.query_one("#resolve-reason", Input).focus()

    def action_post(self) -> None:
        reason = self.query_one("#resolve-reason", Input).value.strip()
        if self.busy:
            return
        if not reason:
            self.say("A mismatch is resolved with a reason: type it first.", error=True)
            return
        self.busy = True
        self.say("Recording…")
        self.post_resolution(reason)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def post_resolution(self, reason: str) -> None:
        post_outcome(self, lambda: self.app.desk.act(
            "resolve_banking", self.actor, bag=self.bag["bag"], reason=reason, entry_id=self.entry_id))

    def on_entry_appended(self, message: EntryAppended) -> None:
        message.stop()
        self.dismiss(message.posted)
