"""Replay to a time: balances by account from the entries themselves, as of a moment the auditor names."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from screens.widgets.steady_footer import SteadyFooter

LONDON = ZoneInfo("Europe/London")
DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def until_utc(text: str) -> str:
    """The moment typed, as recorded_at text in UTC ('YYYY-MM-DDTHH:MM:SS.ffffffZ').

    '2026-11-20T17:00' (or with a space) is London wall-clock time; an offset or Z is kept;
    a bare date '2026-11-20' means the end of that day in London. ValueError, in words, otherwise."""
    text = text.strip()
    try:
        if DATE_ONLY.fullmatch(text):
            moment = datetime.combine(date.fromisoformat(text), time.max, LONDON)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=LONDON)
    except ValueError:
        raise ValueError(f"{text!r} is not a time: type 2026-11-20T17:00 or a date, 2026-11-20") from None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Replayed(Message):
    """Balances as of `until` were worked out (or `problem`)."""

    def __init__(self, until: str, replay=None, problem: str = "") -> None:
        super().__init__()
        self.until = until
        self.replay = replay
        self.problem = problem


class ReplayScreen(Screen):
    """Type a time and press Enter; Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="replay.back", tooltip="Back to the ledger"),
        Binding("ctrl+t", "focus_time", "Time", id="replay.time", tooltip="Type another time"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Replay the ledger to a time", classes="dialog-title", id="replay-title")
        with Horizontal(classes="field", id="replay-field"):
            yield Label("Up to", classes="field-label")
            yield Input(id="replay-time", placeholder="2026-11-20T17:00 (London) or 2026-11-20 (end of day)",
                        max_length=40)
        yield Static("Balances by account, from the entries themselves (zero balances left out).",
                     id="replay-result", markup=False)
        yield DataTable(id="replay-balances", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Account", key="account")
        table.add_column("Balance", key="balance")
        self.action_focus_time()

    def action_focus_time(self) -> None:
        self.query_one("#replay-time", Input).focus()

    @on(Input.Submitted, "#replay-time")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        try:
            until = until_utc(text) if text else None
        except ValueError as error:
            self._say(str(error), error=True)
            return
        self._say(f"Replaying up to {until or 'the head'}…")
        self.replay(until)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def replay(self, until: str | None) -> None:
        try:
            result = self.app.desk.replay(until)
        except Exception as error:
            self.post_message(Replayed(until or "", problem=f"The ledger cannot be read: {error}"))
            return
        self.post_message(Replayed(until or "", result))

    def on_replayed(self, message: Replayed) -> None:
        if message.replay is None:
            self._say(message.problem, error=True)
            return
        money = self.app.money
        balances = message.replay.balances
        table = self.query_one(DataTable)
        table.clear()
        for account, pence in balances.items():
            table.add_row(Text(account), Text(money(pence), justify="right"), key=account)
        moment = f"recorded up to {message.until} UTC" if message.until else "the whole ledger"
        self._say(f"As of seq {message.replay.as_of_seq} ({moment}): {len(balances)} accounts, "
                  f"balances summing to {money(sum(balances.values()))}.")
        if table.row_count:
            table.focus()

    def _say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#replay-result", Static)
        line.update(text)
        line.set_class(error, "-error")

    def action_back(self) -> None:
        self.app.pop_screen()
