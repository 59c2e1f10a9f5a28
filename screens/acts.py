"""One ledger act per key press on something named (an item, a pay run), from a screen that stays open."""

from __future__ import annotations

from textual import work

from ledger.service import Posted
from screens.messages import EntryAppended, EntryRefused, post_outcome


class ActsOnce:
    """Mixed into a Screen that has `actor` and `say(text, error=, ok=)`, and says what came of an act in
    `acted(posted)`. One entry id per (act, subject), made on the first press: a second press, or the same
    act tried again after a refusal, never posts twice. A refusal is one line, and the screen stays."""

    def acts_ready(self) -> None:
        self.entry_ids: dict[tuple[str, str], str] = {}
        self.posting = False

    def act_on(self, operation: str, subject: str, **fields) -> None:
        """Call `operation(actor, subject, entry_id=…, **fields)` on the service layer, in a worker."""
        if self.posting:
            return
        entry_id = self.entry_ids.setdefault((operation, subject), self.app.desk.new_entry_id())
        self.posting = True
        self.say(f"Recording {subject}…")
        self.post_act(operation, subject, entry_id, fields)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def post_act(self, operation: str, subject: str, entry_id: str, fields: dict) -> None:
        post_outcome(self, lambda: self.app.desk.act(operation, self.actor, subject, entry_id=entry_id, **fields))

    def on_entry_refused(self, message: EntryRefused) -> None:
        message.stop()
        self.posting = False
        self.say(f"Refused: {message.message}.", error=True)

    def on_entry_appended(self, message: EntryAppended) -> None:
        message.stop()
        self.posting = False
        self.acted(message.posted)

    def acted(self, posted: Posted) -> None:
        self.say(f"Recorded at seq {posted.seq}.", ok=True)
