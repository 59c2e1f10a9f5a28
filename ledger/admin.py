"""What an admin does: the book itself, users, codes, settings, warrant stock and debtor imports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ledger import rules
from ledger.auth import check_new_pin, hash_pin
from ledger.debtors import DebtorRow, debt_entry_id
from ledger.money import MAX_AMOUNT_PENCE
from ledger.records import BODIES, Body, make_body, validated
from ledger.references import check_reference, rules_from
from ledger.refusals import Outcome, Refused
from ledger.service import Actor, LedgerCore, Posted, two_postings

if TYPE_CHECKING:
    from ledger.store import Writer

ADMIN = ("admin",)
#: Chained settings: key -> (lowest, highest, default, may be set per user).
SETTINGS: dict[str, tuple[int, int, int, bool]] = {
    "daily_limit_pence": (1, MAX_AMOUNT_PENCE, 25_000, True),
    "idle_lock_seconds": (30, 86_400, 300, False),
    "variance_threshold_pence": (0, MAX_AMOUNT_PENCE, 0, False),
    "authorisation_limit_pence": (1, MAX_AMOUNT_PENCE, 500_000, True),
}
#: Settings whose value is text: key -> what it is.
TEXT_SETTINGS = {"anchor_log_path": "where sign-off anchors are appended (default: beside the ledger)"}
MAX_WARRANT_RANGE = 10_000


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already_present: int


class AdminOps(LedgerCore):
    """Users, codes, settings, warrant stock and debtors: each a chained entry."""

    def start_book(self, office: str, admin: str, pin: str) -> None:
        """Genesis on an empty store: book_created, the first admin and their PIN."""
        check_new_pin(pin)
        book = make_body("book_created", office=office, daily_limit_pence=SETTINGS["daily_limit_pence"][2])
        user = make_body("user_added", username=admin, roles=("admin",))
        with self.store.writing() as writer:
            if writer.head()[0] != 0:
                raise Refused(Outcome.USER_EXISTS, "this ledger already has its book")
            self._append(writer, "book_created", admin, self.london_date(), book)
            self._append(writer, "user_added", admin, self.london_date(), user)
            writer.set_credential(admin, *hash_pin(pin))

    def add_user(self, actor: Actor, username: str, roles: tuple[str, ...], pin: str,
                 name: str | None = None, entry_id: str | None = None) -> Posted:
        def fields() -> dict:
            check_new_pin(pin)
            return {"username": username, "roles": _roles(roles), "name": name}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            if writer.user(request.username) is not None:
                raise Refused(Outcome.USER_EXISTS, f"there is already a user {request.username}")
            writer.set_credential(request.username, *hash_pin(pin))
            return self.london_date(), {}

        return self._post(actor, "user_added", ADMIN, fields, decide, entry_id)

    def change_roles(self, actor: Actor, username: str, roles: tuple[str, ...]) -> Posted:
        return self._post(actor, "user_roles_changed", ADMIN, {"username": username, "roles": _roles(roles)},
                          self._known_user(username))

    def deactivate_user(self, actor: Actor, username: str, reason: str | None = None) -> Posted:
        return self._post(actor, "user_deactivated", ADMIN, {"username": username, "reason": reason},
                          self._known_user(username))

    def unlock_user(self, actor: Actor, username: str) -> Posted:
        return self._post(actor, "user_unlocked", ADMIN, {"username": username}, self._known_user(username))

    def _known_user(self, username: str):
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            if writer.user(username) is None:
                raise Refused(Outcome.USER_UNKNOWN, f"there is no user {username}")
            return self.london_date(), {}
        return decide

    def add_code(self, actor: Actor, code: str, name: str, code_type: str,
                 entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            if writer.code(request.code) is not None:
                raise Refused(Outcome.CODE_EXISTS, f"code {request.code} already exists")
            return self.london_date(), {}

        fields = {"code": code.strip().upper(), "name": name, "type": code_type}
        return self._post(actor, "code_added", ADMIN, fields, decide, entry_id)

    def retire_code(self, actor: Actor, code: str) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = writer.code(request.code)
            wanted = row["type"] if row else "income"
            rules.raise_first(rules.check_code(request.code, row, wanted))
            return self.london_date(), {}

        return self._post(actor, "code_retired", ADMIN, {"code": code.strip().upper()}, decide)

    def set_setting(self, actor: Actor, key: str, value: int | str, user: str | None = None) -> Posted:
        def fields() -> dict:
            return {"key": key, "value": _checked_setting(key, value, user), "user": user}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            if user is not None and writer.user(user) is None:
                raise Refused(Outcome.USER_UNKNOWN, f"there is no user {user}")
            return self.london_date(), {}

        return self._post(actor, "setting_changed", ADMIN, fields, decide)

    def receive_warrants(self, actor: Actor, first: int, last: int, entry_id: str | None = None) -> Posted:
        def fields() -> dict:
            if first < 1 or last < first or last - first + 1 > MAX_WARRANT_RANGE:
                raise Refused(Outcome.RANGE_INVALID,
                              f"serials {first}-{last}: give first <= last, at most {MAX_WARRANT_RANGE:,} forms")
            return {"first": first, "last": last}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            held = writer.serials_held(first, last)
            if held:
                raise Refused(Outcome.SERIAL_RANGE_OVERLAPS,
                              f"{held} of serials {first}-{last} are already in the register")
            return self.london_date(), {}

        return self._post(actor, "warrants_received", ("admin", "supervisor"), fields, decide, entry_id)

    def import_debts(self, actor: Actor, rows: list[DebtorRow]) -> ImportResult:
        """All or nothing, in one transaction; a row already imported (same content) is skipped."""
        imported = present = 0
        with self.store.writing() as writer:
            self._check_actor(writer, actor, ("admin", "supervisor", "finance"))
            references = rules_from(writer)
            bad = [f"line {row.line}: {refusal.message}" for row in rows
                   if (refusal := rules.check_code(row.code, writer.code(row.code), "income")
                       or check_reference(references, "debtor", row.debtor_ref))]
            if bad:
                raise Refused(Outcome.CSV_INVALID, "; ".join(bad))
            for row in rows:
                entry_id = debt_entry_id(row)
                if writer.entry_by_id(entry_id) is not None:
                    present += 1
                    continue
                body = validated(BODIES["debt_raised"], **row.body_fields()).model_copy(update={
                    "postings": two_postings(f"Assets:Debtors:{row.debtor_ref}", f"Income:{row.code}",
                                             row.amount_pence)}).dump()
                self._append(writer, "debt_raised", actor.username, self.london_date(), body, entry_id)
                imported += 1
        return ImportResult(imported, present)

    def setting_value(self, reader, key: str, user: str = "") -> int:
        value = reader.setting(key, user)
        return SETTINGS[key][2] if value is None else value


def _checked_setting(key: str, value: int | str, user: str | None) -> int | str:
    """The value as the setting takes it (int or text), or a SETTING_INVALID refusal."""
    if key in TEXT_SETTINGS:
        if user is not None:
            raise Refused(Outcome.SETTING_INVALID, f"{key} is set for the whole office, not per user")
        return str(value)
    if key not in SETTINGS:
        known = ", ".join([*SETTINGS, *TEXT_SETTINGS])
        raise Refused(Outcome.SETTING_INVALID, f"there is no setting {key}; known: {known}")
    lowest, highest, _default, per_user = SETTINGS[key]
    number = value if isinstance(value, int) else _int_or_refuse(key, value)
    if not lowest <= number <= highest:
        raise Refused(Outcome.SETTING_INVALID, f"{key} must be from {lowest} to {highest}")
    if user is not None and not per_user:
        raise Refused(Outcome.SETTING_INVALID, f"{key} is set for the whole office, not per user")
    return number


def _int_or_refuse(key: str, text: str) -> int:
    if re.fullmatch(r"-?[0-9]{1,18}", text) is None:  # not lstrip("-"): int() refuses "--5" with a ValueError
        raise Refused(Outcome.SETTING_INVALID, f"{key} takes a whole number, not {text!r}")
    return int(text)


def _roles(roles: tuple[str, ...]) -> tuple[str, ...]:
    """Roles sorted and without repeats, so the same set always reads the same."""
    return tuple(sorted(set(role.strip() for role in roles if role.strip())))
