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
