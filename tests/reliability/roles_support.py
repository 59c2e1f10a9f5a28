"""Who may do what, for the role matrices: the roles, each write of the service layer with the roles
allowed it, what must exist before it can be tried, and a ledger holding one user per role.

Every act is written once here and tried three ways: on the service layer (test_roles_matrix.py),
through the console's `Desk` and through `cashdesk`'s command line (test_roles_console.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from ledger.book import Ledger
from ledger.debtors import parse_debtor_csv
from ledger.service import Actor

from reliability_support import cheap_book

ROLES = ("officer", "supervisor", "finance", "auditor", "admin", "none")
#: Users holding several roles, for the console's choice of desk.
SEVERAL = {"officer_admin": ("admin", "officer"), "auditor_finance": ("auditor", "finance"),
           "all": ("admin", "auditor", "finance", "officer", "supervisor")}
ROLE_PIN = "121212"
SAM, ALICE, ADAM = (Actor(name, frozenset()) for name in ("sam", "alice", "adam"))
ALLOWED = {
    "open_session": {"officer"},
    "record_receipt": {"officer"},
    "collect_debt": {"officer"},
    "record_payout": {"officer"},
    "issue_warrant": {"officer"},
    "spoil_warrant": {"officer", "supervisor", "admin"},
    "reverse": {"officer", "supervisor"},
    "declare_count": {"officer"},
    "sign_off": {"supervisor"},
    "request_recount": {"supervisor"},
    "bank": {"supervisor"},
    "add_user": {"admin"},
    "change_roles": {"admin"},
    "deactivate_user": {"admin"},
    "unlock_user": {"admin"},
    "add_code": {"admin"},
    "retire_code": {"admin"},
    "set_setting": {"admin"},
    "receive_warrants": {"admin", "supervisor"},
    "import_debts": {"admin", "supervisor", "finance"},
}


def user_of(role: str) -> tuple[str, tuple[str, ...]]:
    """The template's user holding exactly `role` (or the roles of a SEVERAL name), and those roles."""
    roles = SEVERAL.get(role) or (() if role == "none" else (role,))
    return f"role_{role}", roles


def own_till(ledger: Ledger, user: str, roles: tuple[str, ...]) -> None:
    """Open the user's own till (as an officer for a moment), then give them back exactly `roles`."""
    ledger.change_roles(ADAM, user, ("officer",))
    ledger.open_session(Actor(user, frozenset()), 5000)
    ledger.change_roles(ADAM, user, roles)


def alices_counted_day(ledger: Ledger, signed_off: bool = False) -> str:
    """alice's day, counted (and signed off by sam if asked); returns its business date."""
    ledger.open_session(ALICE, 5000)
    ledger.record_receipt(ALICE, amount_pence=2000, method="cash", code="INC1", payer="J Smith")
    ledger.declare_count(ALICE, denominations={5000: 1, 2000: 1}, cheques_counted=0)
    if signed_off:
        ledger.sign_off(SAM, officer="alice", business_date=ledger.london_date())
    return ledger.london_date()


def alices_receipt(ledger: Ledger, user: str, roles: tuple[str, ...]) -> int:
    ledger.open_session(ALICE, 5000)
    return ledger.record_receipt(ALICE, amount_pence=2000, method="cash", code="INC1", payer="J Smith").seq


NEW_DEBT = "debtor_ref,name,amount,code\nDR-9,Mr N Ew,12.00,INC1\n"
Prepare = Callable[[Ledger, str, tuple[str, ...]], Any]
#: operation -> (prepare(ledger, user, roles) -> context, or None; the act's keyword arguments given that context)
ACTS: dict[str, tuple[Prepare | None, Callable[[Any], dict]]] = {
    "open_session": (None, lambda _: {"float_pence": 5000}),
    "record_receipt": (own_till, lambda _: {"amount_pence": 100, "method": "cash", "code": "INC1",
                                            "payer": "J Smith"}),
    "collect_debt": (own_till, lambda _: {"debtor_ref": "DR-1", "amount_pence": 100, "method": "cash"}),
    "record_payout": (own_till, lambda _: {"amount_pence": 100, "code": "EXP1", "payee": "Shop", "purpose": "Milk"}),
    "issue_warrant": (own_till, lambda _: {"recipient": "R", "journey": "A to B", "value_pence": 100,
                                           "code": "TW1"}),
    "spoil_warrant": (None, lambda _: {"serial": 1009, "reason": "Torn"}),
    "reverse": (alices_receipt, lambda seq: {"seq": seq, "reason": "Keyed twice", "authoriser": SAM}),
    "declare_count": (own_till, lambda _: {"denominations": {5000: 1}, "cheques_counted": 0}),
    "sign_off": (lambda l, u, r: alices_counted_day(l), lambda day: {"officer": "alice", "business_date": day}),
    "request_recount": (lambda l, u, r: alices_counted_day(l),
                        lambda day: {"officer": "alice", "business_date": day, "reason": "Again"}),
    "bank": (lambda l, u, r: alices_counted_day(l, signed_off=True),
             lambda day: {"officer": "alice", "business_date": day, "bag": "BAG-1"}),
    "add_user": (None, lambda _: {"username": "carl", "roles": ("officer",), "pin": "777777"}),
    "change_roles": (None, lambda _: {"username": "bob", "roles": ("officer", "auditor")}),
    "deactivate_user": (None, lambda _: {"username": "bob", "reason": "Left the council"}),
    "unlock_user": (None, lambda _: {"username": "bob"}),
    "add_code": (None, lambda _: {"code": "NEW1", "name": "New fees", "code_type": "income"}),
    "retire_code": (None, lambda _: {"code": "INC1"}),
    "set_setting": (None, lambda _: {"key": "idle_lock_seconds", "value": 600}),
    "receive_warrants": (None, lambda _: {"first": 5000, "last": 5009}),
    "import_debts": (None, lambda _: {"rows": parse_debtor_csv(NEW_DEBT)}),
}


def prepare(ledger: Ledger, operation: str, user: str, roles: tuple[str, ...]) -> Any:
    """Put in place what `operation` needs, so that only the role can be missing; returns its context."""
    prepare_for = ACTS[operation][0]
    return prepare_for(ledger, user, roles) if prepare_for else None


def roles_template(path: Path) -> Path:
    """The conftest book plus one user per role, one with none and a few with several: role_officer …"""
    book = cheap_book(path)
    with pytest.MonkeyPatch.context() as patch:
        from ledger import auth

        patch.setattr(auth, "SCRYPT_PARAMS", {"n": 16, "r": 1, "p": 1})
        for role in (*ROLES, *SEVERAL):
            user, roles = user_of(role)
            book.ledger.add_user(book.adam, user, roles, ROLE_PIN)
    book.ledger.close()
    return path
