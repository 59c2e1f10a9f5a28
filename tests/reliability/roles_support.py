"""Who may do what, for the role matrices: the roles, each write of the service layer with the roles
allowed it, what must exist before it can be tried, and a ledger holding one user per role.

Every act is written once here and tried three ways: on the service layer (test_roles_matrix.py),
through the console's `Desk` and through `cashdesk`'s command line (test_roles_console.py). The
pay-run acts move the ledger's clock: a run is scheduled a month back so its cut-off has passed.
"""

from __future__ import annotations

import inspect
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

import pytest
from book_support import Clock
from ledger.book import Ledger
from ledger.calendar import is_working_day
from ledger.debtors import parse_debtor_csv
from ledger.service import Actor

from reliability_support import cheap_book

ROLES = ("officer", "supervisor", "finance", "auditor", "admin", "none")
#: Users holding several roles, for the console's choice of desk.
SEVERAL = {"officer_admin": ("admin", "officer"), "auditor_finance": ("auditor", "finance"),
           "all": ("admin", "auditor", "finance", "officer", "supervisor")}
ROLE_PIN = "121212"
SAM, ALICE, ADAM, KEYER = (Actor(name, frozenset()) for name in ("sam", "alice", "adam", "keyer"))
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
    "add_payee": {"finance"},
    "retire_payee": {"finance"},
    "key_invoice": {"finance"},
    "key_payment": {"finance"},
    "start_package": {"finance"},
    "change_package": {"finance"},
    "end_package": {"finance"},
    "set_rates": {"admin"},
    "authorise_item": {"supervisor"},
    "reject_item": {"supervisor"},
    "schedule_payrun": {"supervisor"},
    "close_payrun": {"supervisor"},
    "mark_paid": {"supervisor"},
    "import_statement": {"supervisor"},
    "resolve_banking": {"supervisor"},
    "set_reference_rule": {"admin"},
}
#: Writes that no role gates: the book's first entry (it makes the first admin), and signing in.
UNGATED_WRITES = {"start_book", "authenticate"}


def writes_of_the_service_layer() -> set[str]:
    """Every public method of `Ledger` that appends: its source posts, writes or appends an entry."""
    found = set()
    for name, method in inspect.getmembers(Ledger, inspect.isfunction):
        source = inspect.getsource(method)
        if not name.startswith("_") and any(call in source for call in ("_post(", ".writing()", "_append_system(")):
            found.add(name)
    return found - UNGATED_WRITES


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


def keyed_invoice(ledger: Ledger, user: str, roles: tuple[str, ...]) -> str:
    """An invoice keyed by `keyer` (finance), waiting for a supervisor who did not key it; its item."""
    return ledger.key_invoice(KEYER, payee="PRV1", invoice_no="INV-9", invoice_date="2026-11-20",
                              amount_pence=12000, code="EXP1", description="Respite care").body["item"]


def started_package(ledger: Ledger, user: str, roles: tuple[str, ...]) -> str:
    return ledger.start_package(KEYER, payee="CAR1", case_ref="CASE-1", dob="2016-12-01", start="2026-11-02",
                                reward_pence=10000, code="FOST").body["item"]


def run_dates(now: datetime) -> dict:
    """A pay run whose cut-off is 17:00 London a week after `now`, paid on a working day after it."""
    cutoff_day = (now + timedelta(days=7)).date()
    pay_day = cutoff_day + timedelta(days=4)
    while not is_working_day(pay_day):
        pay_day += timedelta(days=1)
    return {"pay_date": pay_day.isoformat(), "cutoff": f"{cutoff_day.isoformat()} 17:00",
            "period_end": (cutoff_day - timedelta(days=1)).isoformat()}


def run_past_its_cutoff(ledger: Ledger, user: str, roles: tuple[str, ...]) -> str:
    """A run sam scheduled a month ago, whose cut-off has passed by the ledger's clock; its name."""
    now = ledger.clock()
    ledger.clock = Clock(now - timedelta(days=30))
    run = ledger.schedule_payrun(SAM, **run_dates(ledger.clock())).body["run"]
    ledger.clock = Clock(now)
    return run


def closed_run(ledger: Ledger, user: str, roles: tuple[str, ...]) -> str:
    run = run_past_its_cutoff(ledger, user, roles)
    ledger.close_payrun(SAM, run, "Checked")
    return run


NEW_DEBT = "debtor_ref,name,amount,code\nDR-9,Mr N Ew,12.00,INC1\n"
#: A bank statement of one line that nothing explains (for `bank import`: one entry).
STATEMENT = "Date,Description,Reference,Amount,Balance\n2026-11-20,BANK CHARGES,NOV,-1.25,\n"


def generic_profile():
    from ledger.statement_profiles import load_profiles

    return load_profiles()["generic"]


def alices_mismatched_bag(ledger: Ledger, user: str, roles: tuple[str, ...]) -> str:
    """alice's day banked by sam in BAG-1 (£20.00), which the bank's statement shows as £19.00."""
    day = alices_counted_day(ledger, signed_off=True)
    ledger.bank(SAM, officer="alice", business_date=day, bag="BAG-1")
    ledger.import_statement(SAM, io.StringIO(f"Date,Description,Reference,Amount,Balance\n{day},PAYIN,BAG-1,19.00,\n",
                                             newline=""), generic_profile())
    return "BAG-1"
RATES = {"0-2": 18900, "3-4": 19600, "5-10": 21600, "11-15": 24700, "16-17": 28800}
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
    "add_payee": (None, lambda _: {"payee": "PRV9", "name": "New Care Ltd", "kind": "provider",
                                   "creditor": "C0999"}),
    "retire_payee": (None, lambda _: {"payee": "PRV1", "reason": "Closed down"}),
    "key_invoice": (None, lambda _: {"payee": "PRV1", "invoice_no": "INV-1", "invoice_date": "2026-11-20",
                                     "amount_pence": 12000, "code": "EXP1", "description": "Respite care"}),
    "key_payment": (None, lambda _: {"payee": "CAR1", "amount_pence": 5000, "code": "EXP1",
                                     "reason": "Birthday allowance"}),
    "start_package": (None, lambda _: {"payee": "CAR1", "case_ref": "CASE-2", "dob": "2016-12-01",
                                       "start": "2026-11-02", "reward_pence": 10000, "code": "FOST"}),
    "change_package": (started_package, lambda item: {"package": item, "from_date": "2026-11-16",
                                                      "reward_pence": 12000, "reason": "Reviewed"}),
    "end_package": (started_package, lambda item: {"package": item, "on": "2026-11-30", "reason": "Moved on"}),
    "set_rates": (None, lambda _: {"from_date": "2026-12-01", "weekly_pence": RATES}),
    "authorise_item": (keyed_invoice, lambda item: {"item": item}),
    "reject_item": (keyed_invoice, lambda item: {"item": item, "reason": "Wrong payee"}),
    "schedule_payrun": (lambda l, u, r: l.clock(), run_dates),
    "close_payrun": (run_past_its_cutoff, lambda run: {"run": run, "reason": "Checked"}),
    "mark_paid": (closed_run, lambda run: {"run": run, "paid_on": "2026-11-24"}),
    "import_statement": (None, lambda _: {"source": io.StringIO(STATEMENT, newline=""), "profile": generic_profile()}),
    "resolve_banking": (alices_mismatched_bag, lambda bag: {"bag": bag, "reason": "Bank counted £19.00"}),
    "set_reference_rule": (None, lambda _: {"ref_type": "case", "mask": r"CS\d{6}", "scheme": "damm"}),
}


def prepare(ledger: Ledger, operation: str, user: str, roles: tuple[str, ...]) -> Any:
    """Put in place what `operation` needs, so that only the role can be missing; returns its context."""
    prepare_for = ACTS[operation][0]
    return prepare_for(ledger, user, roles) if prepare_for else None


def roles_template(path: Path) -> Path:
    """The conftest book plus one user per role, one with none and a few with several (role_officer …),
    and a finance desk: `keyer` (finance), code FOST (cost), rates, payees CAR1 (carer) and PRV1."""
    book = cheap_book(path)
    ledger, adam = book.ledger, book.adam
    with pytest.MonkeyPatch.context() as patch:
        from ledger import auth

        patch.setattr(auth, "SCRYPT_PARAMS", {"n": 16, "r": 1, "p": 1})
        for role in (*ROLES, *SEVERAL):
            user, roles = user_of(role)
            ledger.add_user(adam, user, roles, ROLE_PIN)
        ledger.add_user(adam, "keyer", ("finance",), ROLE_PIN)
    ledger.add_code(adam, "FOST", "Fostering allowances", "cost")
    ledger.set_rates(adam, from_date="2025-04-01", weekly_pence=RATES)
    ledger.add_payee(KEYER, "CAR1", name="Jo Carer", kind="carer", creditor="C0001")
    ledger.add_payee(KEYER, "PRV1", name="Acme Care Ltd", kind="provider", creditor="C0003")
    ledger.close()
    return path
