"""The console's door to the ledger: each call borrows the store kept open between calls (or, when
another call has it, opens one of its own), does one thing, and gives it back.

Screens run these calls in thread workers (a connection is lent to one thread at a time) and never
open the database themselves; the App hands them one `Desk`, and closes it when it leaves.
"""

from __future__ import annotations

import functools
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from console.desk_banking import BankingDesk
from console.finance_desk import FinanceDesk
from ledger import audit, reports, views
from ledger.book import Ledger
from ledger.service import Actor, Clock, new_entry_id, utc_now
from ledger.store import KeptStore, StoreError, is_database_url

LONDON = ZoneInfo("Europe/London")
#: The service-layer writes the console's screens ask for; `Desk.act` calls nothing else by name.
OPERATIONS = frozenset({
    "open_session", "record_receipt", "collect_debt", "record_payout", "issue_warrant", "spoil_warrant", "reverse",
    "declare_count", "sign_off", "request_recount", "bank", "add_user", "change_roles", "deactivate_user",
    "unlock_user", "add_code", "retire_code", "set_setting", "receive_warrants", "resolve_banking",
    # the finance desk's keying, and a supervisor's authorising and pay runs
    "add_payee", "key_invoice", "key_payment", "start_package", "change_package", "end_package",
    "authorise_item", "reject_item", "schedule_payrun", "close_payrun", "mark_paid",
})


class Desk(FinanceDesk, BankingDesk):
    """Every ledger call the console makes, by name, each in its own `with Ledger.open(...)`."""

    def __init__(self, path: Path | str, clock: Clock = utc_now, terminal: str | None = None,
                 ids: Callable[[], str] | None = None) -> None:
        self.path = path if is_database_url(path) else Path(path)
        self.clock = clock
        self.terminal = terminal
        self.new_entry_id = ids or functools.partial(new_entry_id, "c")
        self._kept: KeptStore | None = None
        self._kept_lock = threading.Lock()
        self._closed = False

    def _with(self, act: Callable[[Ledger], Any]) -> Any:
        kept = self._kept_store()
        store = kept.borrow() if kept is not None else None
        if store is None:  # another call has it, or the file is new, missing or unusable: open and say why
            with Ledger.open(self.path, clock=self.clock, terminal=self.terminal, ids=self.new_entry_id) as ledger:
                return act(ledger)
        try:
            return act(Ledger(store, self.clock, self.terminal, self.new_entry_id))
        finally:
            kept.give_back(store)

    def _kept_store(self) -> KeptStore | None:
        """The store kept between calls: opened by the first call, again after the file was replaced."""
        with self._kept_lock:
            if self._closed:
                return None
            if self._kept is None or not self._kept.alive:
                try:
                    self._kept = KeptStore(self.path)
                except StoreError:
                    return None
            return self._kept

    def close(self) -> None:
        """The console is leaving: let go of the ledger (the last connection checkpoints it)."""
        with self._kept_lock:
            self._closed = True
            if self._kept is not None:
                self._kept.close()
                self._kept = None

    def today(self) -> str:
        return self.clock().astimezone(LONDON).date().isoformat()

    def now_london(self) -> datetime:
        return self.clock().astimezone(LONDON)

    # -- writes: one service call each -----------------------------------------------------
    def act(self, operation: str, *args, **kwargs) -> Any:
        """Call one service-layer operation (record_receipt, sign_off, add_user …) by name."""
        if operation not in OPERATIONS:  # a bug in a screen, never a user's doing
            raise ValueError(f"{operation!r} is not an act the console asks of the ledger")
        return self._with(lambda ledger: getattr(ledger, operation)(*args, **kwargs))

    def sign_in(self, username: str, pin: str) -> Actor:
        return self._with(lambda ledger: ledger.authenticate(username, pin, via="console", record_success=True))

    def check_pin(self, username: str, pin: str) -> Actor:
        """A supervisor's PIN typed on an officer's terminal, or the unlock after the idle lock."""
        return self._with(lambda ledger: ledger.authenticate(username, pin, via="console"))

    # -- reads -------------------------------------------------------------------------------
    def office(self) -> str:
        return self._with(lambda ledger: _office(ledger))

    def officer_view(self, officer: str) -> views.OfficerView:
        return self._with(lambda ledger: views.officer_view(ledger.store, officer, self.today()))

    def codes(self, code_type: str | None = None, active_only: bool = True) -> list[dict]:
        rows = self._with(lambda ledger: reports.codes(ledger.store))
        return [row for row in rows if (not active_only or row["active"]) and
                (code_type is None or row["type"] == code_type)]

    def debtors(self, search: str = "") -> list[dict]:
        needle = search.strip().casefold()
        rows = self._with(lambda ledger: reports.debtors(ledger.store))
        return [row for row in rows if not needle or needle in row["debtor_ref"].casefold()
                or needle in row["name"].casefold()]

    def report(self, name: str, *args) -> list[dict]:
        return self._with(lambda ledger: getattr(reports, name)(ledger.store, *args))

    def days_waiting(self, supervisor: Actor) -> list[dict]:
        return self._with(lambda ledger: ledger.days_waiting(supervisor))

    def setting(self, key: str, default: int | str) -> int | str:
        def read(ledger: Ledger):
            with ledger.store.reading() as reader:
                value = reader.setting(key)
            return default if value is None else value
        return self._with(read)

    def entry_page(self, filters: views.EntryFilter, **where) -> list[dict]:
        return self._with(lambda ledger: views.entry_page(ledger.store, filters, **where))

    def page_and_head(self, filters: views.EntryFilter, **where) -> tuple[list[dict], int]:
        """A page of the auditor's browser and the ledger's head seq, from one connection."""
        def read(ledger: Ledger) -> tuple[list[dict], int]:
            rows = views.entry_page(ledger.store, filters, **where)
            with ledger.store.reading() as reader:
                return rows, reader.head()[0]
        return self._with(read)

    def head(self) -> tuple[int, str]:
        def read(ledger: Ledger):
            with ledger.store.reading() as reader:
                return reader.head()
        return self._with(read)

    def verify(self, progress: Callable[[int, int], None] | None = None) -> Any:
        return self._with(lambda ledger: audit.verify(ledger.store, progress=progress))

    def replay(self, until_time: str | None) -> audit.Replay:
        return self._with(lambda ledger: audit.replay(ledger.store, None, until_time))

    def export(self, export_format: str, target: Path, until_time: str | None = None) -> int:
        return self._with(lambda ledger: audit.export_file(ledger.store, export_format, target, None, until_time))

    def days_to_bank(self) -> list[dict]:
        """Signed-off days whose takings have not left in a bag yet, oldest first (supervisor's home)."""
        from ledger.counter import till

        def read(ledger: Ledger) -> list[dict]:
            with ledger.store.reading() as reader:
                return [{"officer": session["officer"], "business_date": session["business_date"],
                         "float_pence": session["float_pence"],
                         "cash_pence": reader.account_balance_pence(till(session["officer"]),
                                                                    session["business_date"]),
                         "signed_off_by": reader.entry(session["signed_off_seq"]).actor}
                        for session in reader.sessions_on(None)
                        if session["state"] == "signed_off" and session["banked_seq"] is None]
        return self._with(read)

    def user_settings(self, key: str) -> dict[str, int | str]:
        """A setting's per-user values (e.g. one officer's daily limit), by user name (admin's home)."""
        def read(ledger: Ledger) -> dict[str, int | str]:
            with ledger.store.reading() as reader:
                return {row["scope"]: row["value"] for row in reader.settings() if row["key"] == key and row["scope"]}
        return self._with(read)


def _office(ledger: Ledger) -> str:
    with ledger.store.reading() as reader:
        return reader.office()
