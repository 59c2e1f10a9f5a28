"""The supervisor's banking desk: bags from banked to confirmed, statement imports, mismatches to resolve."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ledger.service import Actor, Posted

STATE_WORDS = {"in_transit": "in transit", "mismatched": "mismatch", "confirmed": "confirmed",
               "resolved": "resolved"}
#: The bags' table at 80 columns: (label, width); cells are padded one column each side.
BAG_COLUMNS = (("Bag", 13), ("Officer", 7), ("Banked", 6), ("Amount", 9), ("State", 10), ("Days", 7),
               ("Bank", 9))
LINE_COLUMNS = (("Date", 6), ("Reference", 30), ("Description", 19), ("Amount", 10))


class BankingLoaded(Message):
    """`report banking` was read (or the ledger could not be: `problem`)."""

    def __init__(self, rows: list[dict], problem: str = "") -> None:
        super().__init__()
        self.rows = rows
        self.problem = problem


def short_date(iso: str) -> str:
    """'2026-11-19' -> '19 Nov' (the year is this year's, or near it, on this desk)."""
    return date.fromisoformat(iso).strftime("%d %b") if iso else ""


def bags_summary(bags: list[dict]) -> str:
    counts = {state: sum(1 for row in bags if row["state"] == state) for state in STATE_WORDS}
    late = sum(1 for row in bags if row["flag"])
    return (f"Bags: {counts['in_transit']} in transit ({late} late), {counts['mismatched']} mismatched, "
            f"{counts['confirmed']} confirmed, {counts['resolved']} resolved")


class BankingScreen(Screen):
    """Keys: i import a statement, r resolve the mismatched bag under the cursor, tab the other table,
    ctrl+r refresh, escape back to the queue."""

    AUTO_FOCUS = "#bags"
    BINDINGS = [
        Binding("i", "import_file", "Import", id="banking.import",
                tooltip="Import a bank statement CSV through a profile"),
        Binding("r", "resolve", "Resolve", id="banking.resolve",
                tooltip="Resolve the mismatched bag under the cursor, with a reason"),
        Binding("ctrl+r", "refresh", "Refresh", id="banking.refresh", tooltip="Read the bags and lines again"),
        Binding("escape", "back", "Back", id="banking.back", tooltip="Back to the supervisor's queue"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.bags: list[dict] = []
        self.lines: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the bags…", id="banking-message", markup=False)
        yield Static("Bags", id="bags-title", classes="section-title")
        yield DataTable(id="bags", cursor_type="row", zebra_stripes=True)
        yield Static("Statement lines nothing explains", id="lines-title", classes="section-title")
        yield DataTable(id="unexplained", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        for table_id, columns in (("#bags", BAG_COLUMNS), ("#unexplained", LINE_COLUMNS)):
            table = self.query_one(table_id, DataTable)
            for label, width in columns:
                table.add_column(label, width=width, key=label.lower())
        self.load()

    def action_refresh(self) -> None:
        self.say("Reading the bags…")
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def load(self) -> None:
        try:
            rows = self.app.desk.banking()
        except Exception as error:  # an unreadable file: said in words
            self.post_message(BankingLoaded([], f"The bags cannot be read: {getattr(error, 'message', error)}"))
            return
        self.post_message(BankingLoaded(rows))

    def on_banking_loaded(self, message: BankingLoaded) -> None:
        if message.problem:
            self.say(message.problem, error=True)
            return
        self.bags = [row for row in message.rows if row["kind"] == "bag"]
        self.lines = [row for row in message.rows if row["kind"] == "statement_line"]
        self._fill_bags()
        self._fill_lines()
        self.query_one("#bags-title", Static).update(bags_summary(self.bags))
        self.query_one("#lines-title", Static).update(f"Statement lines nothing explains: {len(self.lines)}")
        if not self.query_one("#banking-message", Static).has_class("-ok"):
            waiting = sum(1 for row in self.bags if row["state"] == "mismatched")
            self.say(f"{waiting} mismatched: r resolves the one under the cursor. i imports a statement."
                     if waiting else "i imports a bank statement; confirmed bags move to the bank.")

    def _fill_bags(self) -> None:
        table, money = self.query_one("#bags", DataTable), self.app.money
        table.clear()
        for index, row in enumerate(self.bags):
            days = f"{row['working_days']} late" if row["flag"] else str(row["working_days"])
            bank = "" if row["statement_pence"] is None else money(row["statement_pence"])
            table.add_row(Text(row["bag"]), Text(row["officer"]), short_date(row["banked_on"]),
                          Text(f"{money(row['amount_pence']):>9}"), STATE_WORDS[row["state"]], days,
                          Text(f"{bank:>9}"), key=str(index))

    def _fill_lines(self) -> None:
        table, money = self.query_one("#unexplained", DataTable), self.app.money
        table.clear()
        reference_width, description_width = LINE_COLUMNS[1][1], LINE_COLUMNS[2][1]
        for index, row in enumerate(self.lines):
            reference, _, description = row["reference"].partition(" · ")
            table.add_row(short_date(row["statement_date"]), Text(reference[:reference_width]),
                          Text(description[:description_width]), Text(f"{money(row['amount_pence']):>10}"),
                          key=str(index))

    def say(self, text: str, error: bool = False, ok: bool = False) -> None:
        line = self.query_one("#banking-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.set_class(ok, "-ok")

    # -- the acts ----------------------------------------------------------------------------------
    def action_import_file(self) -> None:
        from screens.supervisor_banking_dialogs import ImportStatementDialog

        self.app.push_screen(ImportStatementDialog(self.actor), self._after_import)

    def _after_import(self, result) -> None:
        if result is not None:
            self.say(f"{result.summary()}.", ok=True)
        self.load()

    def action_resolve(self) -> None:
        from screens.supervisor_banking_dialogs import ResolveDialog

        table = self.query_one("#bags", DataTable)
        row = self.bags[table.cursor_row] if self.bags and 0 <= table.cursor_row < len(self.bags) else None
        if row is None or row["state"] != "mismatched":
            what = f"Bag {row['bag']} is {STATE_WORDS[row['state']]}" if row else "No bag is under the cursor"
            self.say(f"{what}: only a mismatched bag is resolved.", error=True)
            return
        self.app.push_screen(ResolveDialog(self.actor, row), self._after_resolve)

    def _after_resolve(self, posted: Posted | None) -> None:
        if posted is not None:
            body = posted.body
            self.say(f"Bag {body['bag']} resolved at seq {posted.seq}: {variance_words(body, self.app.money)}.",
                     ok=True)
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


def variance_words(body: dict, money) -> str:
    variance_pence = body["variance_pence"]
    if variance_pence < 0:
        return f"{money(-variance_pence)} short, to Expenses:BankingVariance"
    return f"{money(variance_pence)} over, to Income:BankingVariance"
