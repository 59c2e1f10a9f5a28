"""Verify the chain with a progress bar: every hash and link, then the head or the first damage."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, ProgressBar, Static

from screens.widgets.steady_footer import SteadyFooter


class VerifyProgressed(Message):
    """`done` of `total` entries checked so far (posted from the worker thread)."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class Verified(Message):
    """Verification finished: the verdict's fields, or `problem` when the ledger could not be read."""

    def __init__(self, verdict=None, problem: str = "") -> None:
        super().__init__()
        self.verdict = verdict
        self.problem = problem


def verdict_lines(verdict) -> tuple[bool, str]:
    """What the auditor reads: ok with the head and count, or the first bad seq and what is wrong."""
    if verdict.ok:
        return True, (f"The chain holds: {verdict.entries:,} entries, every hash and link checked.\n"
                      f"Head (SEQ:HASH)\n{verdict.head_seq}:{verdict.head_hash}")
    good = (f"The {verdict.entries:,} entries before it check out, up to "
            f"{verdict.head_seq}:{verdict.head_hash[:16]}…" if verdict.entries else "No entry before it checks out.")
    return False, (f"The chain is broken at seq {verdict.first_bad_seq}.\n{verdict.problem}.\n{good}\n"
                   "Press d to open that entry.")


class VerifyScreen(Screen):
    """Starts verifying at once; r runs it again, d opens the first bad entry, Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="verify.back", tooltip="Back to the ledger"),
        Binding("r", "run", "Again", id="verify.again", tooltip="Verify the chain again"),
        Binding("d", "open_bad", "Bad entry", id="verify.open_bad", tooltip="Open the first bad entry"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.first_bad_seq: int | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="verify-box"):
            yield Static("Verify the chain", classes="dialog-title")
            yield Static("Every entry's hash is recomputed and every link to the entry before it checked.",
                         id="verify-about")
            yield ProgressBar(id="verify-progress", show_eta=False)
            yield Static("", id="verify-result", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        if self.running:
            return
        self.running = True
        self.first_bad_seq = None
        self.refresh_bindings()
        result = self.query_one("#verify-result", Static)
        result.update("Verifying…")
        result.set_class(False, "-ok", "-error")
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.verify()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def verify(self) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(VerifyProgressed(done, total))

        try:
            progress(0, self.app.desk.head()[0])  # the bar knows its length before the first entry is read
            verdict = self.app.desk.verify(progress=progress)
        except Exception as error:
            self.post_message(Verified(problem=f"The ledger cannot be read: {error}"))
            return
        self.post_message(Verified(verdict))

    def on_verify_progressed(self, message: VerifyProgressed) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def on_verified(self, message: Verified) -> None:
        self.running = False
        result = self.query_one("#verify-result", Static)
        if message.verdict is None:
            result.update(message.problem)
            result.set_class(True, "-error")
            return
        ok, words = verdict_lines(message.verdict)
        if not ok:  # verification stopped at the damage: the bar shows how far it got
            self.query_one(ProgressBar).update(progress=message.verdict.entries)
        self.first_bad_seq = None if ok else message.verdict.first_bad_seq
        result.update(Text(words))
        result.set_class(ok, "-ok")
        result.set_class(not ok, "-error")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "open_bad":
            return self.first_bad_seq is not None
        return True

    def action_open_bad(self) -> None:
        if self.first_bad_seq is not None:
            from screens.auditor_detail import EntryDetailScreen

            self.app.push_screen(EntryDetailScreen(self.first_bad_seq))

    def action_back(self) -> None:
        self.app.pop_screen()
