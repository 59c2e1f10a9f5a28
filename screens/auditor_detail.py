"""One entry in full: every column, the body as JSON, its hash, and whether its link to the previous entry holds."""

from __future__ import annotations

import json

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from ledger.chain import GENESIS_HASH, entry_hash
from screens.auditor_rows import Filters
from screens.widgets.steady_footer import SteadyFooter

FIELDS = ("seq", "entry_id", "kind", "recorded_at", "business_date", "actor", "terminal")


class EntryRead(Message):
    """The entry and the one before it were read (`entry` None: no such seq, or `problem`)."""

    def __init__(self, wanted: int, entry: dict | None, previous: dict | None, problem: str = "") -> None:
        super().__init__()
        self.wanted = wanted
        self.entry = entry
        self.previous = previous
        self.problem = problem


def link_verdict(entry: dict, previous: dict | None) -> tuple[bool, str]:
    """Whether this entry's prev_hash names the entry before it, in words."""
    if entry["seq"] == 1:
        holds = entry["prev_hash"] == GENESIS_HASH
        return holds, ("link ok: the first entry starts from the genesis hash (64 zeros)" if holds
                       else "LINK BROKEN: the first entry does not start from the genesis hash")
    if previous is None or previous["seq"] != entry["seq"] - 1:
        return False, f"LINK BROKEN: the ledger holds no entry {entry['seq'] - 1} before this one"
    if previous["hash"] == entry["prev_hash"]:
        return True, f"link ok: entry {previous['seq']}'s hash equals this prev_hash"
    return False, f"LINK BROKEN: entry {previous['seq']}'s hash is {previous['hash'][:16]}…, not this prev_hash"


def hash_verdict(entry: dict) -> tuple[bool, str]:
    """Whether the stored hash is the hash of the entry's content."""
    names = ("prev_hash", "seq", "entry_id", "kind", "recorded_at", "business_date", "actor", "terminal", "body")
    recomputed = entry_hash(*(entry[name] for name in names))
    if recomputed == entry["hash"]:
        return True, "hash ok: recomputed from the content"
    return False, f"HASH MISMATCH: the content hashes to {recomputed[:16]}…"


def pretty_body(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, sort_keys=True, ensure_ascii=False)
    except ValueError:
        return body


class EntryDetailScreen(Screen):
    """Escape goes back; n and p step to the next and previous entry of the ledger."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back", tooltip="Back to the ledger"),
        Binding("n", "step(1)", "Next", id="detail.next", tooltip="The next entry of the ledger"),
        Binding("p", "step(-1)", "Previous", id="detail.previous", tooltip="The previous entry of the ledger"),
    ]

    def __init__(self, seq: int) -> None:
        super().__init__()
        self.seq = seq
        self.shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-scroll"):
            yield Static(f"Entry {self.seq}", id="detail-title", classes="dialog-title", markup=False)
            yield Static("", id="detail-note", markup=False)
            yield Static("Reading…", id="detail-fields", markup=False)
            yield Static("", id="detail-link", markup=False)
            yield Static("", id="detail-hash-check", markup=False)
            yield Static("", id="detail-hashes", markup=False)
            yield Static("", id="detail-body", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-scroll").focus()
        self.read(self.seq)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def read(self, seq: int) -> None:
        try:
            rows = self.app.desk.entry_page(Filters(), after_seq=max(seq - 2, 0), limit=2)
        except Exception as error:
            self.post_message(EntryRead(seq, None, None, f"The ledger cannot be read: {error}"))
            return
        by_seq = {row["seq"]: row for row in rows}
        self.post_message(EntryRead(seq, by_seq.get(seq), by_seq.get(seq - 1)))

    def on_entry_read(self, message: EntryRead) -> None:
        note = self.query_one("#detail-note", Static)
        entry = message.entry
        if entry is None:
            note.update(message.problem or f"The ledger holds no entry {message.wanted}.")
            note.set_class(bool(message.problem), "-error")
            if not self.shown:
                self.query_one("#detail-fields", Static).update("")
            return
        self.shown = True
        note.update("")
        fields = self.query_one("#detail-fields", Static)
        self.seq = entry["seq"]
        self.query_one("#detail-title", Static).update(f"Entry {entry['seq']} · {entry['kind']}")
        fields.update(Text("\n".join(f"{name:<14}{entry[name]}" for name in FIELDS)))
        for selector, (holds, words) in (("#detail-link", link_verdict(entry, message.previous)),
                                         ("#detail-hash-check", hash_verdict(entry))):
            line = self.query_one(selector, Static)
            line.update(Text(words))
            line.set_class(holds, "-ok")
            line.set_class(not holds, "-error")
        self.query_one("#detail-hashes", Static).update(
            Text(f"prev_hash\n  {entry['prev_hash']}\nhash\n  {entry['hash']}"))
        self.query_one("#detail-body", Static).update(Text("body\n" + pretty_body(entry["body"])))
        self.query_one("#detail-scroll").scroll_home(animate=False)

    def action_step(self, by: int) -> None:
        if self.seq + by >= 1:
            self.read(self.seq + by)

    def action_back(self) -> None:
        self.app.pop_screen()
