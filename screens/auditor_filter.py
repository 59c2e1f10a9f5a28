"""The auditor's filter dialog: business date, officer, kind and code; empty means any."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from ledger.records import BODIES
from screens.auditor_rows import Filters
from screens.widgets.steady_footer import SteadyFooter

KINDS = tuple(sorted(BODIES))
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def problem_with(filters: Filters) -> str:
    """What is wrong with the filters as typed, in words ('' when they can be used)."""
    if filters.business_date and not DATE.fullmatch(filters.business_date):
        return "Date must be YYYY-MM-DD, e.g. 2026-11-19."
    if filters.kind and filters.kind not in KINDS:
        return f"No entry kind is called {filters.kind!r} (type a few letters, → completes)."
    return ""


class FilterScreen(ModalScreen[Filters | None]):
    """Dismissed with the new filters (Enter or ctrl+s), or None (Escape)."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="filter.apply", priority=True,
                tooltip="Show only the entries that match"),
        Binding("ctrl+e", "clear", "Clear", id="filter.clear", priority=True, tooltip="Empty every filter"),
        Binding("escape", "cancel", "Cancel", id="filter.cancel", tooltip="Keep the filters as they were"),
    ]

    def __init__(self, filters: Filters) -> None:
        super().__init__()
        self.filters = filters

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="filter-dialog"):
            yield Static("Filter the ledger (empty means any)", classes="dialog-title")
            yield from self._field("Date", Input(self.filters.business_date, id="filter-date",
                                                 placeholder="YYYY-MM-DD (business date)",
                                                 restrict=r"[0-9-]*", max_length=10))
            yield from self._field("Officer", Input(self.filters.actor, id="filter-actor",
                                                    placeholder="user name, e.g. carol", max_length=32))
            yield from self._field("Kind", Input(self.filters.kind, id="filter-kind",
                                                 placeholder="e.g. receipt_recorded",
                                                 suggester=SuggestFromList(KINDS), max_length=40))
            yield from self._field("Code", Input(self.filters.code, id="filter-code",
                                                 placeholder="income or cost code, e.g. CONTRIB",
                                                 max_length=16))
            yield Static("", id="filter-message", markup=False)
        yield SteadyFooter()

    def _field(self, label: str, widget: Input) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            yield widget

    def on_mount(self) -> None:
        self.query_one("#filter-date", Input).focus()

    def typed(self) -> Filters:
        def value(selector: str) -> str:
            return self.query_one(selector, Input).value.strip()

        return Filters(business_date=value("#filter-date"), actor=value("#filter-actor"),
                       kind=value("#filter-kind"), code=value("#filter-code").upper())

    @on(Input.Changed)
    def _changed(self) -> None:
        self._say("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position < len(inputs) - 1:
            inputs[position + 1].focus()
        else:
            self.action_apply()

    def action_apply(self) -> None:
        filters = self.typed()
        problem = problem_with(filters)
        if problem:
            self._say(problem)
            return
        self.dismiss(filters)

    def action_clear(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#filter-date", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _say(self, text: str) -> None:
        line = self.query_one("#filter-message", Static)
        line.update(text)
        line.set_class(bool(text), "-error")
