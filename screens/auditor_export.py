"""Export the ledger: a format (hledger, CSV, JSONL) and a file path, then how many were written where."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from screens.widgets.steady_footer import SteadyFooter

#: format -> (file extension, what one unit of the count is).
FORMATS = {"hledger": ("journal", "transactions"), "csv": ("csv", "posting rows"), "jsonl": ("jsonl", "entries")}


def default_path(export_format: str) -> str:
    return f"cashdesk-export.{FORMATS[export_format][0]}"


class Exported(Message):
    """The export was written (`count` of them to `path`), or could not be (`problem`)."""

    def __init__(self, export_format: str, path: Path, count: int = 0, problem: str = "") -> None:
        super().__init__()
        self.export_format = export_format
        self.path = path
        self.count = count
        self.problem = problem


class ExportScreen(ModalScreen[str | None]):
    """↑↓ choose the format, Tab to the path, Enter or ctrl+s writes; dismissed with the last line written."""

    BINDINGS = [
        Binding("ctrl+s", "export", "Export", id="export.write", priority=True, tooltip="Write the file"),
        Binding("escape", "cancel", "Close", id="export.close", tooltip="Close this dialog"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.export_format = "hledger"
        self.writing = False
        self.written = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Static("Export the ledger", classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label("Format", classes="field-label")
                with RadioSet(id="export-format"):
                    yield RadioButton("hledger journal", value=True, id="format-hledger")
                    yield RadioButton("CSV, one row per posting", id="format-csv")
                    yield RadioButton("JSONL, every entry and column", id="format-jsonl")
            with Horizontal(classes="field"):
                yield Label("File", classes="field-label")
                yield Input(default_path("hledger"), id="export-path", max_length=400)
            yield Static("A relative path is in the folder cashdesk was started from.", id="export-message",
                         markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    @on(RadioSet.Changed)
    def _format_changed(self, event: RadioSet.Changed) -> None:
        chosen = (event.pressed.id or "format-hledger").removeprefix("format-")
        path = self.query_one("#export-path", Input)
        if path.value.strip() in ("", default_path(self.export_format)):
            path.value = default_path(chosen)
        self.export_format = chosen

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        if self.writing:
            return
        if not text:
            self._say("Type a file path.", error=True)
            return
        self.writing = True
        self._say(f"Writing {self.export_format}…")
        self.write(self.export_format, Path(text).expanduser())

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def write(self, export_format: str, path: Path) -> None:
        try:
            count = self.app.desk.export(export_format, path)
        except Exception as error:
            self.post_message(Exported(export_format, path, problem=f"Could not write {path}: {error}"))
            return
        self.post_message(Exported(export_format, path, count))

    def on_exported(self, message: Exported) -> None:
        self.writing = False
        if message.problem:
            self._say(message.problem, error=True)
            return
        unit = FORMATS[message.export_format][1]
        self.written = f"Wrote {message.count:,} {unit} to {message.path.resolve()}."
        self._say(self.written, ok=True)

    def _say(self, text: str, error: bool = False, ok: bool = False) -> None:
        line = self.query_one("#export-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.set_class(ok, "-ok")

    def action_cancel(self) -> None:
        self.dismiss(self.written or None)
