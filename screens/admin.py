"""The admin's home: users, codes, warrant stock and settings, one tab each, every act on a key."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from ledger.service import Actor, Posted
from screens.admin_forms import (
    AddCodeForm,
    AddUserForm,
    ConfirmScreen,
    OfficerLimitForm,
    ReceiveWarrantsForm,
    RolesForm,
    SettingForm,
)
from screens.admin_stock import warrant_runs, warrant_summary
from screens.messages import EntryAppended, EntryRefused, SignOutRequested, post_outcome
from screens.widgets.steady_footer import SteadyFooter

#: The service layer's defaults (ledger/admin.py SETTINGS), shown while a setting was never changed.
DAILY_LIMIT_DEFAULT_PENCE = 25_000
IDLE_LOCK_DEFAULT_SECONDS = 300
ANCHOR_LOG_DEFAULT = "(beside the ledger)"
#: Which tab each tab-bound action belongs to (hidden from the footer elsewhere).
ACTION_TABS = {
    "add": ("users", "codes"), "receive": ("warrants",), "roles": ("users",), "deactivate": ("users",),
    "unlock": ("users",), "retire": ("codes",), "daily_limit": ("settings",),
    "officer_limit": ("settings",), "idle_lock": ("settings",), "anchor_log": ("settings",),
}


@dataclass
class AdminData:
    """Everything the four tabs show, read in one worker."""

    users: list[dict] = field(default_factory=list)
    codes: list[dict] = field(default_factory=list)
    warrants: list[dict] = field(default_factory=list)
    settings: dict[str, int | str] = field(default_factory=dict)
    officer_limits: dict[str, int] = field(default_factory=dict)


class AdminLoaded(Message):
    """The admin's tables were read (or the ledger could not be read: `problem`)."""

    def __init__(self, data: AdminData | None, problem: str = "") -> None:
        super().__init__()
        self.data = data
        self.problem = problem


class AdminHome(Screen):
    """Keys: 1-4 the tabs; a add; r roles; d deactivate; u unlock; t retire; l, o, i, p settings."""

    BINDINGS = [
        Binding("1", "show_tab('users')", "Users", id="admin.users", show=False, tooltip="The users"),
        Binding("2", "show_tab('codes')", "Codes", id="admin.codes", show=False, tooltip="Income and cost codes"),
        Binding("3", "show_tab('warrants')", "Warrants", id="admin.warrants", show=False,
                tooltip="The warrant stock"),
        Binding("4", "show_tab('settings')", "Settings", id="admin.settings", show=False,
                tooltip="Limits, idle lock, anchor log"),
        Binding("a", "add", "Add", id="admin.add", tooltip="Add a user or a code"),
        Binding("a", "receive", "Receive", id="admin.receive", tooltip="Receive a range of warrant forms"),
        Binding("r", "roles", "Roles", id="admin.roles", tooltip="Change the selected user's roles"),
        Binding("d", "deactivate", "Disable", id="admin.deactivate", tooltip="Deactivate the selected user"),
        Binding("u", "unlock", "Unlock", id="admin.unlock", tooltip="Unlock the selected user"),
        Binding("t", "retire", "Retire", id="admin.retire", tooltip="Retire the selected code"),
        Binding("l", "daily_limit", "Limit", id="admin.daily_limit", tooltip="The office's daily limit"),
        Binding("o", "officer_limit", "Officer", id="admin.officer_limit", tooltip="One officer's daily limit"),
        Binding("i", "idle_lock", "Idle", id="admin.idle_lock", tooltip="Seconds before the console locks"),
        Binding("p", "anchor_log", "Log", id="admin.anchor_log", tooltip="Where sign-off anchors go"),
        Binding("ctrl+r", "refresh", "Refresh", id="admin.refresh", show=False, tooltip="Read the ledger again"),
        Binding("ctrl+x", "sign_out", "Sign out", id="admin.sign_out", tooltip="Sign out of the console"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.data = AdminData()

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="admin-tabs", initial="users"):
            with TabPane("1 Users", id="users"):
                yield DataTable(id="users-table", cursor_type="row", zebra_stripes=True)
            with TabPane("2 Codes", id="codes"):
                yield DataTable(id="codes-table", cursor_type="row", zebra_stripes=True)
            with TabPane("3 Warrants", id="warrants"):
                yield Static("Loading…", id="warrants-summary", markup=False)
                yield DataTable(id="warrants-table", cursor_type="row", zebra_stripes=True)
            with TabPane("4 Settings", id="settings"):
                yield DataTable(id="settings-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="admin-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#users-table", DataTable).add_columns("User", "Roles", "Active", "Locked")
        self.query_one("#codes-table", DataTable).add_columns("Code", "Name", "Type", "Active")
        self.query_one("#warrants-table", DataTable).add_columns("From", "To", "Status", "Forms")
        self.query_one("#settings-table", DataTable).add_columns("Setting", "Value", "Key")
        self.query_one("#users-table", DataTable).focus()
        self.action_refresh()

    # -- tabs and keys -----------------------------------------------------------------------
    @property
    def active_tab(self) -> str:
        tabs = self.query(TabbedContent)
        return tabs.first().active if tabs else ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tabs = ACTION_TABS.get(action)
        return tabs is None or self.active_tab in tabs

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        self.query_one(f"#{event.pane.id}-table", DataTable).focus()

    def selected(self, table_id: str) -> str | None:
        """The key of the table's highlighted row (a user name or a code), if any."""
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#admin-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.set_class(bool(text) and not error, "-ok")

    # -- reading -------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def load(self) -> None:
        desk = self.app.desk
        try:
            data = AdminData(
                users=desk.report("users"), codes=desk.report("codes"), warrants=desk.report("warrants"),
                settings={"daily_limit_pence": desk.setting("daily_limit_pence", DAILY_LIMIT_DEFAULT_PENCE),
                          "idle_lock_seconds": desk.setting("idle_lock_seconds", IDLE_LOCK_DEFAULT_SECONDS),
                          "anchor_log_path": desk.setting("anchor_log_path", ANCHOR_LOG_DEFAULT)},
                officer_limits=desk.user_settings("daily_limit_pence"))
        except Exception as error:
            self.post_message(AdminLoaded(None, f"The ledger cannot be read: {error}"))
            return
        self.post_message(AdminLoaded(data))

    def on_admin_loaded(self, message: AdminLoaded) -> None:
        if message.data is None:
            self.say(message.problem, error=True)
            return
        self.data = message.data
        self._fill("#users-table", [(row["username"], user_cells(row)) for row in self.data.users])
        self._fill("#codes-table", [(row["code"], code_cells(row)) for row in self.data.codes])
        self._fill("#warrants-table", [(str(run.first), run_cells(run)) for run in warrant_runs(self.data.warrants)])
        self.query_one("#warrants-summary", Static).update(warrant_summary(self.data.warrants).text())
        self._fill("#settings-table", self._setting_rows())

    def _fill(self, selector: str, rows: list[tuple[str, tuple]]) -> None:
        """Replace a table's rows, keeping the highlighted row where it was."""
        table = self.query_one(selector, DataTable)
        row = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    def _setting_rows(self) -> list[tuple[str, tuple]]:
        settings, money = self.data.settings, self.app.money
        rows = [("daily_limit_pence", ("Daily limit, each officer", money(settings["daily_limit_pence"]), "l"))]
        rows += [(f"limit:{user}", (Text(f"Daily limit for {user}"), money(pence), "o"))
                 for user, pence in sorted(self.data.officer_limits.items())]
        rows.append(("idle_lock_seconds", ("Idle lock", f"{settings['idle_lock_seconds']} seconds", "i")))
        rows.append(("anchor_log_path", ("Anchor log", Text(str(settings["anchor_log_path"])), "p")))
        return rows

    # -- forms ----------------------------------------------------------------------------------
    def _open(self, form) -> None:
        self.say("")
        self.app.push_screen(form, self._after_form)

    def _after_form(self, posted: Posted | None) -> None:
        if posted is not None:
            self.say(confirmation(posted, self.app.money))
        self.load()

    def action_add(self) -> None:
        self._open(AddUserForm(self.actor) if self.active_tab == "users" else AddCodeForm(self.actor))

    def action_receive(self) -> None:
        self._open(ReceiveWarrantsForm(self.actor, warrant_summary(self.data.warrants).highest + 1))

    def action_roles(self) -> None:
        username = self.selected("users-table")
        row = next((row for row in self.data.users if row["username"] == username), None)
        if row is not None:
            self._open(RolesForm(self.actor, username, frozenset(row["roles"].split(","))))

    def action_daily_limit(self) -> None:
        current = self.app.money(self.data.settings["daily_limit_pence"])
        self._open(SettingForm(self.actor, "daily_limit_pence", "Daily limit", "Limit £", current, "money"))

    def action_officer_limit(self) -> None:
        officers = [row["username"] for row in self.data.users if "officer" in row["roles"].split(",")]
        chosen = (self.selected("settings-table") or "").removeprefix("limit:")
        self._open(OfficerLimitForm(self.actor, officers, chosen))

    def action_idle_lock(self) -> None:
        current = f"{self.data.settings['idle_lock_seconds']} seconds"
        self._open(SettingForm(self.actor, "idle_lock_seconds", "Idle lock", "Seconds", current, "seconds"))

    def action_anchor_log(self) -> None:
        current = str(self.data.settings["anchor_log_path"])
        self._open(SettingForm(self.actor, "anchor_log_path", "Anchor log", "Path", current))

    # -- acts without a form ----------------------------------------------------------------------
    def action_deactivate(self) -> None:
        username = self.selected("users-table")
        if username is not None:
            question = f"Deactivate {username}? They will no longer be able to sign in."
            self._confirm("Deactivate a user", question, "deactivate_user", username=username)

    def action_unlock(self) -> None:
        username = self.selected("users-table")
        if username is not None:
            self.act("unlock_user", username=username)

    def action_retire(self) -> None:
        code = self.selected("codes-table")
        if code is not None:
            question = f"Retire code {code}? It will take no new entries, and cannot be brought back."
            self._confirm("Retire a code", question, "retire_code", code=code)

    def _confirm(self, title: str, question: str, operation: str, **request) -> None:
        """Ask first; on y, run the act."""
        def answered(yes: bool | None) -> None:
            if yes:
                self.act(operation, **request)
        self.app.push_screen(ConfirmScreen(title, question), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def act(self, operation: str, **request) -> None:
        post_outcome(self, lambda: self.app.desk.act(operation, self.actor, **request))

    def on_entry_appended(self, message: EntryAppended) -> None:
        message.stop()
        self.say(confirmation(message.posted, self.app.money))
        self.load()

    def on_entry_refused(self, message: EntryRefused) -> None:
        message.stop()
        self.say(f"Refused: {message.message}.", error=True)

    def action_sign_out(self) -> None:
        self.post_message(SignOutRequested())


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def user_cells(row: dict) -> tuple:
    return Text(row["username"]), row["roles"].replace(",", ", "), _yes(row["active"]), _yes(row["locked"])


def code_cells(row: dict) -> tuple:
    return Text(row["code"]), Text(row["name"]), row["type"], _yes(row["active"])


def run_cells(run) -> tuple:
    return str(run.first), str(run.last), run.status, Text(f"{run.forms:,}", justify="right")


def confirmation(posted: Posted, money) -> str:
    """The line an admin sees once their act is in the ledger."""
    body, seq = posted.body or posted.entry.body_dict(), posted.seq
    kind = posted.entry.kind
    if kind == "user_added":
        return f"User {body['username']} added at seq {seq}."
    if kind == "user_roles_changed":
        return f"{body['username']} now holds: {', '.join(body['roles']) or 'no roles'} (seq {seq})."
    if kind == "user_deactivated":
        return f"{body['username']} deactivated at seq {seq}."
    if kind == "user_unlocked":
        return f"{body['username']} unlocked at seq {seq}."
    if kind == "code_added":
        return f"Code {body['code']} added at seq {seq}."
    if kind == "code_retired":
        return f"Code {body['code']} retired at seq {seq}."
    if kind == "warrants_received":
        return f"Warrant forms {body['first']} to {body['last']} received at seq {seq}."
    if kind == "setting_changed":
        return f"{_setting_words(body, money)} (seq {seq})."
    return f"Recorded at seq {seq}."


def _setting_words(body: dict, money) -> str:
    key, value, user = body["key"], body["value"], body.get("user")
    if key == "daily_limit_pence":
        return f"Daily limit{f' for {user}' if user else ''} set to {money(value)}"
    if key == "idle_lock_seconds":
        return f"Idle lock set to {value} seconds"
    if key == "anchor_log_path":
        return f"Anchor log set to {value}"
    return f"Setting {key} set to {value}"
