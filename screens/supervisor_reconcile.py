"""One officer-day's reconciliation: expected against counted, the variance, a reason; sign off or send back."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Label, Static

from ledger.refusals import Outcome, Refused
from ledger.service import Actor, Posted
from screens.messages import EntryAppended, EntryRefused
from screens.widgets.steady_footer import SteadyFooter

FIGURE_LABEL_WIDTH = 26
FIGURE_WIDTH = 13


class ReconciliationScreen(Screen[Posted | None]):
    """Dismissed with the posted sign-off, recount or banking, or None when the supervisor goes back.
    The figures come from the queue (`Desk.days_waiting`); the service re-checks everything on posting."""

    AUTO_FOCUS = ""  # nothing focused: s, r and b work at once; tab goes to the reason
    BINDINGS = [
        Binding("s", "sign_off", "Sign off", id="supervisor.signoff",
                tooltip="Sign the day off: post the variance and lock the day"),
        Binding("r", "recount", "Recount", id="supervisor.recount",
                tooltip="Send the count back to the officer (the reason is needed)"),
        Binding("b", "bank", "Bank", id="supervisor.bank_day", tooltip="Bank this day's takings in a bag"),
        Binding("escape", "back", "Back", id="supervisor.back",
                tooltip="Leave the reason field, or go back to the queue"),
    ]

    def __init__(self, actor: Actor, row: dict) -> None:
        super().__init__()
        self.actor = actor
        self.row = row
        self.entry_ids: dict[str, str] = {}
        self.posting = ""

    @property
    def officer(self) -> str:
        return self.row["officer"]

    @property
    def business_date(self) -> str:
        return self.row["business_date"]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="recon-box"):
            yield Static(f"{self.officer} · {self.business_date} · {self.row['state']}",
                         id="recon-title", classes="dialog-title", markup=False)
            yield Static("", id="recon-figures", markup=False)
            yield Static("", id="recon-variance", markup=False)
            yield Label("Reason (tab to type it, enter when done)")
            yield Input(id="reason", max_length=200, placeholder="needed when the count differs, and for a recount")
            yield Static("", id="recon-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.entry_ids = {operation: self.app.desk.new_entry_id() for operation in ("sign_off", "request_recount")}
        self.query_one("#recon-figures", Static).update(figures_text(self.row, self.app.money))
        variance = self.query_one("#recon-variance", Static)
        if "cash_pence_variance" in self.row:
            variance_pence = self.row["cash_pence_variance"]
            variance.update(variance_line(variance_pence, self.app.money))
            variance.set_class(variance_pence < 0, "-short")
            variance.set_class(variance_pence > 0, "-over")
            variance.set_class(variance_pence == 0, "-ok")

    # -- the reason --------------------------------------------------------------------------
    def reason(self) -> str:
        return self.query_one("#reason", Input).value.strip()

    @on(Input.Submitted, "#reason")
    def _reason_done(self) -> None:
        self.set_focus(None)
        if self.reason():
            self.say("Reason noted: s signs off, r sends it back for a recount.")

    @on(Input.Changed, "#reason")
    def _reason_changed(self) -> None:
        self.say("")

    def action_back(self) -> None:
        if self.focused is not None:
            self.set_focus(None)
            return
        self.dismiss(None)

    def say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#recon-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    # -- the acts ------------------------------------------------------------------------------
    def action_sign_off(self) -> None:
        self._act("sign_off", reason=self.reason() or None)

    def action_recount(self) -> None:
        if not self.reason():
            self.say("A recount needs a reason: press tab and type it, then r.", error=True)
            return
        self._act("request_recount", reason=self.reason())

    def _act(self, operation: str, **request) -> None:
        if self.posting:
            return
        self.posting = operation
        self.say("Recording…")
        self.post_act(operation, {"officer": self.officer, "business_date": self.business_date, **request})

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def post_act(self, operation: str, request: dict) -> None:
        try:
            posted = self.app.desk.act(operation, self.actor, entry_id=self.entry_ids[operation], **request)
        except Refused as refusal:
            self.post_message(EntryRefused(refusal.outcome.value, refusal.message))
            return
        except Exception as error:  # e.g. the sign-off is written but the anchor log is not: say so
            self.post_message(EntryRefused("unavailable", str(error)))
            return
        self.post_message(EntryAppended(posted))

    def on_entry_refused(self, message: EntryRefused) -> None:
        message.stop()
        self.posting = ""
        if message.outcome == "unavailable":
            self.say(f"Not done: {message.message}.", error=True)
            return
        needs_reason = message.outcome == Outcome.VARIANCE_REASON_REQUIRED
        hint = " Press tab, type the reason, enter, then s." if needs_reason else ""
        self.say(f"Refused: {message.message}.{hint}", error=True)

    def on_entry_appended(self, message: EntryAppended) -> None:
        message.stop()
        posted = message.posted
        self.say("")
        if posted.entry.kind != "day_signed_off":
            self.dismiss(posted)
            return

        def closed(_: None) -> None:
            self.dismiss(posted)

        self.app.push_screen(SignedOffDialog(posted, self.app.money), closed)

    def action_bank(self) -> None:
        from screens.supervisor_bank import BankDialog

        def banked(posted: Posted | None) -> None:
            if posted is not None:
                self.dismiss(posted)

        self.app.push_screen(BankDialog(self.actor, self.officer, self.business_date), banked)


class SignedOffDialog(ModalScreen[None]):
    """The sign-off confirmation with the ledger anchor SEQ:HASH; it stays until dismissed."""

    BINDINGS = [
        Binding("enter", "close", "Close", id="signedoff.close", tooltip="Back to the queue"),
        Binding("escape", "close", "Close", id="signedoff.escape", show=False),
    ]

    def __init__(self, posted: Posted, money) -> None:
        super().__init__()
        self.posted = posted
        self.money = money

    @property
    def anchor(self) -> str:
        return f"{self.posted.entry.seq}:{self.posted.entry.hash}"

    def compose(self) -> ComposeResult:
        body, entry = self.posted.body, self.posted.entry
        variance_pence = body.get("cash_pence_variance", 0)
        with Vertical(classes="dialog", id="signedoff-box"):
            yield Static("Day signed off", classes="dialog-title")
            yield Static(f"{body.get('officer', '')}'s day {entry.business_date} is signed off by {entry.actor} "
                         f"and locked at seq {entry.seq}.", markup=False)
            yield Static(variance_line(variance_pence, self.money)
                         + (f" · reason: {body['reason']}" if body.get("reason") else ""),
                         id="signedoff-variance", markup=False)
            yield Static("Ledger anchor (write it on the sign-off slip):")
            yield Static(self.anchor, id="signedoff-anchor", markup=False)
            yield Static("The anchor is also appended to the anchor log. Press enter to close.",
                         classes="dialog-hint")
        yield SteadyFooter()

    def action_close(self) -> None:
        self.dismiss(None)


def variance_line(variance_pence: int, money) -> str:
    if variance_pence < 0:
        return f"Cash variance: {money(-variance_pence)} short"
    if variance_pence > 0:
        return f"Cash variance: {money(variance_pence)} over"
    return "Cash variance: none, the count balances"


def figures_text(row: dict, money) -> str:
    """Expected against counted per method, as aligned lines (or why there is nothing to compare)."""
    if "cash_pence_expected" not in row:
        return {
            "open": f"{row['officer']} has not declared the count yet: nothing to reconcile.",
            "recount": f"Sent back for a recount: waiting for {row['officer']}'s new count.",
        }.get(row["state"], "The figures are not shown to you: a count stays blind to its own officer.")

    def line(label: str, *cells: str) -> str:
        return f"{label:<{FIGURE_LABEL_WIDTH}}" + "".join(f"{cell:>{FIGURE_WIDTH}}" for cell in cells)

    not_in_stock = len(row["serials_not_in_stock"])
    cheques_difference = row["cheques_counted"] - row["cheques_expected"]
    return "\n".join([
        line("Method", "Expected", "Counted", "Difference"),
        line("Cash", money(row["cash_pence_expected"]), money(row["cash_pence_counted"]),
             money(row["cash_pence_variance"])),
        line("Cheques", str(row["cheques_expected"]), str(row["cheques_counted"]),
             f"{cheques_difference:+d}" if cheques_difference else "0"),
        line("Warrants issued", str(row["warrants_issued"])),
        line("Unused serials declared", "", str(row["serials_declared"]))
        + (f"  ({not_in_stock} not in stock)" if not_in_stock else ""),
    ])
