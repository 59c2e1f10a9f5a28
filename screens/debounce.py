"""Reads as you type, once typing pauses: a ticket per question, and only the latest ticket reads."""

from __future__ import annotations

import threading


class Debouncer:
    """`ticket(what)` on the UI thread for each change; the worker calls `settled(what, ticket)`, which waits
    `seconds` and says whether no later change came meanwhile (only then does the worker read the ledger).

    Workers are never cancelled for this (a cancelled worker makes `wait_for_complete` raise): a superseded
    one simply returns without reading."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.latest: dict[str, int] = {}
        self._lock = threading.Lock()

    def ticket(self, what: str) -> int:
        with self._lock:
            self.latest[what] = self.latest.get(what, 0) + 1
            return self.latest[what]

    def settled(self, what: str, ticket: int) -> bool:
        threading.Event().wait(self.seconds)
        with self._lock:
            return self.latest.get(what) == ticket
