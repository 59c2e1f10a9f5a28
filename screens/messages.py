"""Messages screens post upwards: past tense, one fact each."""

from __future__ import annotations

from textual.message import Message

from ledger.service import Actor, Posted


class SignedIn(Message):
    """A user's PIN was accepted at the sign-in screen."""

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor


class SignOutRequested(Message):
    """The user asked to sign out (back to the sign-in screen)."""


class EntryAppended(Message):
    """A write went through (or was already recorded)."""

    def __init__(self, posted: Posted) -> None:
        super().__init__()
        self.posted = posted


class EntryRefused(Message):
    """A rule refused a write; the message is one line for a person."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__()
        self.outcome = outcome
        self.message = message


def post_outcome(sender, call) -> None:
    """Run one ledger call (in a worker thread) and post what came of it: EntryAppended, or
    EntryRefused naming the rule (or 'unavailable' when the ledger file itself cannot be used)."""
    from ledger.refusals import Refused

    try:
        posted = call()
    except Refused as refusal:
        sender.post_message(EntryRefused(refusal.outcome.value, refusal.message))
        return
    except Exception as error:  # the file: missing, locked, damaged — said in words, never a traceback
        sender.post_message(EntryRefused("unavailable", f"the ledger cannot be used: {error}"))
        return
    sender.post_message(EntryAppended(posted))
