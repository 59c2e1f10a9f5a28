"""What a supervisor does to a pay run from the run list or its preview: close, export the file, mark paid."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import work
from textual.message import Message

from ledger.service import Posted
from screens.acts import ActsOnce
from screens.ask_dialog import AskDialog


class RunExported(Message):
    """A closed run's file was written (`written`: path, bytes, sha256), or could not be (`problem`)."""

    def __init__(self, run: str, written: dict | None, expected_sha256: str | None, problem: str = "") -> None:
        super().__init__()
        self.run = run
        self.written = written
        self.expected_sha256 = expected_sha256
        self.problem = problem


def valid_day(text: str) -> str:
    """"" for a date typed YYYY-MM-DD, else what to do about it."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return "Type the date as YYYY-MM-DD."
    return "" if len(text) == 10 else "Type the date as YYYY-MM-DD."


def act_words(posted: Posted, money) -> str:
    """The line a supervisor sees once a run is scheduled, closed or marked paid."""
    body, seq, kind = posted.body, posted.seq, posted.entry.kind
    if kind == "payrun_scheduled":
        return (f"Scheduled {body['run']} at seq {seq}: cut-off {body['cutoff'][:16]} London, pays "
                f"{body['pay_date']}, packages to {body['period_end']}.")
    if kind == "payrun_closed":
        return (f"Closed {body['run']} at seq {seq}: {body['line_count']} lines, {money(body['total_pence'])}; "
                f"file sha256 {body['export_sha256'][:16]}… (x writes it).")
    return f"Marked {body['run']} paid on {body['paid_on']} at seq {seq}: {money(body['total_pence'])}."


class RunActs(ActsOnce):
    """Mixed into a Screen with `actor`, `say(text, error=, ok=)` and `reload()`: each act once (ActsOnce)."""

    def ask_close(self, run: str, lines: int, total_pence: int, exceptions: int) -> None:
        note = (f"{lines} line{'s' * (lines != 1)}, {self.app.money(total_pence)}. A closed run is final. "
                + (f"It has {exceptions} exception{'s' * (exceptions != 1)}: say why they are accepted."
                   if exceptions else "No exceptions: a reason is optional."))

        def answered(reason: str | None) -> None:
            if reason is not None:  # "" closes without a reason
                self.act_on("close_payrun", run, reason=reason or None)

        self.app.push_screen(AskDialog(f"Close {run} for good", "Reason", note=note, required=exceptions > 0,
                                       placeholder="recorded with the run"), answered)

    def ask_paid(self, run: str) -> None:
        def answered(paid_on: str | None) -> None:
            if paid_on is not None:
                self.act_on("mark_paid", run, paid_on=paid_on)

        self.app.push_screen(AskDialog(f"Mark {run} paid", "Paid on", value=self.app.desk.today(),
                                       note="The finance system (or the bank statement) confirms the payment.",
                                       check=valid_day, max_length=10), answered)

    def ask_export(self, run: str, expected_sha256: str | None) -> None:
        note = ("The file the finance system reads (CSV, with a trailer of the line count and total), readable "
                "by owner and group only. A relative path is in the folder cashdesk was started from.")

        def answered(path: str | None) -> None:
            if path:
                self.write_export(run, Path(path).expanduser(), expected_sha256)

        self.app.push_screen(AskDialog(f"Export {run}'s file", "File", value=f"{run}.csv", note=note,
                                       max_length=400), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def write_export(self, run: str, path: Path, expected_sha256: str | None) -> None:
        try:
            written = self.app.desk.export_payrun(run, path)
        except Exception as error:
            problem = getattr(error, "message", None) or str(error).removeprefix("cashdesk: ")
            self.post_message(RunExported(run, None, expected_sha256, problem))
            return
        self.post_message(RunExported(run, written, expected_sha256))

    def on_run_exported(self, message: RunExported) -> None:
        if message.problem:
            self.say(f"Not written: {message.problem}.", error=True)
            return
        written, same = message.written, message.written["sha256"] == message.expected_sha256
        check = "the same as the ledger's" if same else f"NOT the ledger's {message.expected_sha256}"
        self.say(f"Wrote {message.run} to {written['path'].resolve()}: {written['bytes']:,} bytes, sha256 "
                 f"{written['sha256'][:16]}…, {check}.", ok=same, error=not same)

    def acted(self, posted: Posted) -> None:
        self.say(act_words(posted, self.app.money), ok=True)
        self.reload()
