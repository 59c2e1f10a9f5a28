"""A one-question dialog (a reason, a file path, a date): enter answers, escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from screens.widgets.steady_footer import SteadyFooter


class AskDialog(ModalScreen[str | None]):
    """Dismissed with the answer (trimmed), or None on escape. `required` refuses an empty answer here;
    `check` returns a problem to show (the dialog stays) or "" when the answer will do."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="ask.cancel", tooltip="Close without doing anything"),
    ]

    def __init__(self, title: str, label: str, *, value: str = "", placeholder: str = "", note: str = "",
                 required: bool = True, check=None, max_length: int = 200) -> None:
        super().__init__()
        self.title_text = title
        self.answer_label = label
        self.answer_value = value
        self.answer_placeholder = placeholder
        self.answer_note = note
        self.answer_required = required
        self.answer_check = check
        self.answer_max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ask-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.answer_note:
                yield Static(self.answer_note, id="ask-note", markup=False)
            yield Label(self.answer_label)
            yield Input(self.answer_value, id="answer", placeholder=self.answer_placeholder,
                        max_length=self.answer_max_length)
            yield Static("enter to go on, escape to cancel", id="ask-message", classes="dialog-hint", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted, "#answer")
    def _answered(self) -> None:
        answer = self.query_one("#answer", Input).value.strip()
        problem = "" if answer or not self.answer_required else f"{self.answer_label}: type it first."
        if not problem and self.answer_check is not None:
            problem = self.answer_check(answer)
        if problem:
            message = self.query_one("#ask-message", Static)
            message.update(problem)
            message.add_class("-error")
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
