"""The service layer's core: who is acting, and the one path every write takes."""

from __future__ import annotations

import os
import re
import socket
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Callable
from zoneinfo import ZoneInfo

from ledger.auth import LOCKOUT_FAILURES, pin_matches
from ledger.chain import NAME_PATTERN, Entry, format_recorded_at
from ledger.records import BODIES, Body, Posting, validated
from ledger.refusals import Outcome, Refused

if TYPE_CHECKING:  # the console's screens import Actor and Posted without reaching the store
    from ledger.store import SqliteStore, Writer

LONDON = ZoneInfo("Europe/London")
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def default_terminal() -> str:
    """The configured terminal name ($CASHDESK_TERMINAL), else host and tty."""
    configured = os.environ.get("CASHDESK_TERMINAL")
    if configured:
        return _safe_name(configured)
    try:
        tty = os.ttyname(0).removeprefix("/dev/").replace("/", "-")
    except OSError:
        tty = "notty"
    return _safe_name(f"{socket.gethostname()}:{tty}")


def _safe_name(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._:@-]", "-", text)[:64]
    return cleaned or "terminal"


def new_entry_id(prefix: str = "e") -> str:
    """`e-` (or the prefix given) and 32 hex digits: a version 7 UUID (RFC 9562): the time in milliseconds, 12 bits
    of the time within it, then 62 random bits. Ids made later sort later, so a new id lands at the end of the
    entry_id index, as its seq does in the table: one page written per entry, not a random one (and, in a large
    ledger, none read to find its place)."""
    milliseconds, within = divmod(time.time_ns(), 1_000_000)
    random_bits = int.from_bytes(os.urandom(8), "big") & (1 << 62) - 1
    value = milliseconds << 80 | 0x7 << 76 | (within << 12) // 1_000_000 << 64 | 0x2 << 62 | random_bits
    return f"{prefix}-{value:032x}"


class SeededIds:
    """Repeatable entry ids (for the demo and tests, so hashes and pictures never drift)."""

    def __init__(self, prefix: str = "e") -> None:
        self.prefix = prefix
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.prefix}-{self.count:08d}"


@dataclass(frozen=True)
class Actor:
    """A user whose PIN was checked by `Ledger.authenticate`."""

    username: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Posted:
    """The answer to a write: appended or already recorded, with the entry."""

    outcome: Outcome
    entry: Entry
    body: dict = field(default_factory=dict)

    @property
    def seq(self) -> int:
        return self.entry.seq

    def as_json(self) -> dict:
        answer = {"outcome": self.outcome.value, "seq": self.entry.seq, "entry_id": self.entry.entry_id}
        for key in ("receipt_no", "serial", "item", "run", "overpaid_pence", "total_pence", "export_sha256"):
            if key in self.body:
                answer[key] = self.body[key]
        return answer


def two_postings(debit_account: str, credit_account: str, amount_pence: int) -> tuple[Posting, ...]:
    """Debit / credit: the first account gets +amount, the second -amount."""
    return (
        Posting(account=debit_account, amount_pence=amount_pence),
        Posting(account=credit_account, amount_pence=-amount_pence),
    )


class LedgerCore:
    """Holds the store, the clock and the terminal; every write goes through `_post`."""

    def __init__(self, store: SqliteStore, clock: Clock = utc_now, terminal: str | None = None,
                 ids: Callable[[], str] = new_entry_id) -> None:
        self.store = store
        self.clock = clock
        self.ids = ids
        self.terminal = _safe_name(terminal) if terminal else default_terminal()

    def london_date(self) -> str:
        return self.clock().astimezone(LONDON).date().isoformat()

    # -- who is acting -------------------------------------------------------------------
    def authenticate(self, username: str, pin: str, *, via: str = "cli", record_success: bool = False) -> Actor:
        """Check a PIN. A failure for a known user is chained; the fifth in a row locks."""
        with self.store.reading() as reader:
            user, credential = reader.user(username), reader.credential(username)
        if user is None or credential is None:
            raise Refused(Outcome.SIGN_IN_FAILED, "user name or PIN not recognised")
        if user["locked"]:
            raise Refused(Outcome.USER_LOCKED, f"{username} is locked after {LOCKOUT_FAILURES} failed PINs; "
                          "ask an admin to unlock")
        if not user["active"]:
            raise Refused(Outcome.USER_INACTIVE, f"{username} has been deactivated")
        if not pin_matches(pin, credential["salt"], credential["pin_hash"], credential["params"]):
            self._record_failure(username, via)
            raise Refused(Outcome.SIGN_IN_FAILED, "user name or PIN not recognised")
        if record_success:
            self._append_system("signed_in", username, {"username": username, "via": via})
        return Actor(username, frozenset(user["roles"].split(",")))

    def _record_failure(self, username: str, via: str) -> None:
        with self.store.writing() as writer:
            failures = writer.user(username)["failures"] + 1
            body = {"username": username, "failures": failures, "via": via}
            self._append(writer, "sign_in_failed", username, self.london_date(), body)
            if failures >= LOCKOUT_FAILURES:
                self._append(writer, "user_locked", username, self.london_date(),
                             {"username": username, "failures": failures})

    def _append_system(self, kind: str, actor: str, body: dict) -> Entry:
        with self.store.writing() as writer:
            return self._append(writer, kind, actor, self.london_date(), body)

    def _append(self, writer: Writer, kind: str, actor: str, business_date: str, body: dict,
                entry_id: str | None = None) -> Entry:
        return writer.append(
            kind=kind, entry_id=entry_id or self.ids(), business_date=business_date, actor=actor,
            terminal=self.terminal, recorded_at=format_recorded_at(self.clock()), body=body,
        )

    # -- the one write path --------------------------------------------------------------
    def _post(
        self, actor: Actor, kind: str, roles: tuple[str, ...], fields: dict | Callable[[], dict],
        decide: Callable[[Writer, Body], tuple[str, dict]], entry_id: str | None = None,
        follow: Callable[[Writer, Entry, dict], None] | None = None,
    ) -> Posted:
        """Check the actor, validate, honour the entry_id, decide, append: one transaction.

        `fields` may be a function, so that checks of what was typed (a coin, a PIN, a
        reason) run after the actor's, in the documented order. `decide(writer, request)`
        applies the rules (raising Refused) and returns the business date and the derived
        body fields (receipt number, serial, postings).
        """
        with self.store.writing() as writer:
            self._check_actor(writer, actor, roles)
            fields = fields() if callable(fields) else fields
            entry_id = self._check_entry_id(entry_id)
            request = validated(BODIES[kind], **fields)
            existing = writer.entry_by_id(entry_id)
            if existing is not None:
                return self._already(existing, kind, actor, request.model_dump(mode="json", include=set(fields)))
            business_date, derived = decide(writer, request)
            body = request.dump_with(derived)
            entry = self._append(writer, kind, actor.username, business_date, body, entry_id)
            if follow is not None:
                follow(writer, entry, body)
        return Posted(Outcome.APPENDED, entry, body)

    def _check_entry_id(self, entry_id: str | None) -> str:
        if entry_id is None:
            return self.ids()
        if not NAME_PATTERN.fullmatch(entry_id) or len(entry_id) > 100:
            raise Refused(Outcome.TEXT_INVALID, "entry id must be 1-100 of A-Z a-z 0-9 . _ : @ -")
        return entry_id

    @staticmethod
    def _check_actor(writer: Writer, actor: Actor, roles: tuple[str, ...]) -> None:
        user = writer.user(actor.username)
        if user is None:
            raise Refused(Outcome.SIGN_IN_FAILED, "user name or PIN not recognised")
        if user["locked"]:
            raise Refused(Outcome.USER_LOCKED, f"{actor.username} is locked; ask an admin to unlock")
        if not user["active"]:
            raise Refused(Outcome.USER_INACTIVE, f"{actor.username} has been deactivated")
        held = set(user["roles"].split(","))
        if roles and not held.intersection(roles):
            raise Refused(Outcome.ROLE_REQUIRED, f"{actor.username} needs the {' or '.join(roles)} role for this")

    @staticmethod
    def _already(existing: Entry, kind: str, actor: Actor, asked: dict) -> Posted:
        """A retry of the same request is answered with the original; anything else is refused.

        `asked` holds exactly the fields the caller gave (normalised); everything else in
        a body is filled in by the ledger (receipt number, serial, postings...).
        """
        body = existing.body_dict()
        same = (
            existing.kind == kind
            and existing.actor == actor.username
            and all(body.get(key) == value for key, value in asked.items())
        )
        if not same:
            raise Refused(Outcome.ENTRY_ID_REUSED,
                          f"entry id {existing.entry_id} was used for different content at seq {existing.seq}")
        return Posted(Outcome.ALREADY_RECORDED, existing, body)


def parse_date(text: str) -> str:
    """YYYY-MM-DD to itself, or a TEXT_INVALID refusal."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise Refused(Outcome.TEXT_INVALID, f"{text!r} is not a date (YYYY-MM-DD)") from None
