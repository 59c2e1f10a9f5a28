"""Who may do what: every write of the service layer by every role, and what a ledger file gives away.

The matrix: each write operation is tried by a user holding exactly one role (officer,
supervisor, finance, auditor, admin) and by a user holding none, on a fresh copy of one ledger in
which everything the act needs already exists (the user's own till is open where the act needs
one, a count waits, a day is signed off …). Only the roles in ALLOWED may succeed; every other is
refused `role_required` and leaves the ledger as it was. So a refusal is never "for want of a
session" but for want of the role, and a success proves the table is not simply "refuse all".

Then the file itself, through this checkout's real `cashdesk`: `init` creates the ledger readable
by owner and group only (0640) whatever the umask, and SQLite gives its -wal and -shm the same;
and no PIN, right or wrong, old or new, appears in any output line, any entry, or anywhere in the
file's bytes (the credentials table holds scrypt hashes, not PINs).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from book_support import TODAY, Clock
from ledger.book import Ledger
from ledger.debtors import parse_debtor_csv
from ledger.refusals import Outcome, Refused
from ledger.service import Actor

from reliability_support import cashdesk, cheap_book, head, raw

ROLES = ("officer", "supervisor", "finance", "auditor", "admin", "none")
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


def own_till(ledger: Ledger, user: str, roles: tuple[str, ...]) -> None:
    """Open the user's own till (as an officer for a moment), then give them back exactly `roles`."""
    ledger.change_roles(ADAM, user, ("officer",))
    ledger.open_session(Actor(user, frozenset()), 5000)
    ledger.change_roles(ADAM, user, roles)


def alices_counted_day(ledger: Ledger, signed_off: bool = False) -> None:
    ledger.open_session(ALICE, 5000)
    ledger.record_receipt(ALICE, amount_pence=2000, method="cash", code="INC1", payer="J Smith")
    ledger.declare_count(ALICE, denominations={5000: 1, 2000: 1}, cheques_counted=0)
    if signed_off:
        ledger.sign_off(SAM, officer="alice", business_date=TODAY)


def alices_receipt(ledger: Ledger) -> int:
    ledger.open_session(ALICE, 5000)
    return ledger.record_receipt(ALICE, amount_pence=2000, method="cash", code="INC1", payer="J Smith").seq


NEW_DEBT = "debtor_ref,name,amount,code\nDR-9,Mr N Ew,12.00,INC1\n"
#: operation -> (prepare(ledger, user, roles) -> context, act(ledger, actor, context))
ACTS = {
    "open_session": (None, lambda l, a, _: l.open_session(a, 5000)),
    "record_receipt": (own_till, lambda l, a, _: l.record_receipt(a, amount_pence=100, method="cash", code="INC1",
                                                                   payer="J Smith")),
    "collect_debt": (own_till, lambda l, a, _: l.collect_debt(a, debtor_ref="DR-1", amount_pence=100, method="cash")),
    "record_payout": (own_till, lambda l, a, _: l.record_payout(a, amount_pence=100, code="EXP1", payee="Shop",
                                                                 purpose="Milk")),
    "issue_warrant": (own_till, lambda l, a, _: l.issue_warrant(a, recipient="R", journey="A to B", value_pence=100,
                                                                 code="TW1")),
    "spoil_warrant": (None, lambda l, a, _: l.spoil_warrant(a, serial=1009, reason="Torn")),
    "reverse": (lambda l, u, r: alices_receipt(l),
                lambda l, a, seq: l.reverse(a, seq=seq, reason="Keyed twice", authoriser=SAM)),
    "declare_count": (own_till, lambda l, a, _: l.declare_count(a, denominations={5000: 1}, cheques_counted=0)),
    "sign_off": (lambda l, u, r: alices_counted_day(l),
                 lambda l, a, _: l.sign_off(a, officer="alice", business_date=TODAY)),
    "request_recount": (lambda l, u, r: alices_counted_day(l),
                        lambda l, a, _: l.request_recount(a, officer="alice", business_date=TODAY, reason="Again")),
    "bank": (lambda l, u, r: alices_counted_day(l, signed_off=True),
             lambda l, a, _: l.bank(a, officer="alice", business_date=TODAY, bag="BAG-1")),
    "add_user": (None, lambda l, a, _: l.add_user(a, "carl", ("officer",), "777777")),
    "change_roles": (None, lambda l, a, _: l.change_roles(a, "bob", ("officer", "auditor"))),
    "deactivate_user": (None, lambda l, a, _: l.deactivate_user(a, "bob", "Left the council")),
    "unlock_user": (None, lambda l, a, _: l.unlock_user(a, "bob")),
    "add_code": (None, lambda l, a, _: l.add_code(a, "NEW1", "New fees", "income")),
    "retire_code": (None, lambda l, a, _: l.retire_code(a, "INC1")),
    "set_setting": (None, lambda l, a, _: l.set_setting(a, "idle_lock_seconds", 600)),
    "receive_warrants": (None, lambda l, a, _: l.receive_warrants(a, 5000, 5009)),
    "import_debts": (None, lambda l, a, _: l.import_debts(a, parse_debtor_csv(NEW_DEBT))),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The conftest book plus one user per role (and one with none): role_officer … role_none."""
    path = tmp_path_factory.mktemp("roles") / "ledger.db"
    book = cheap_book(path)
    with pytest.MonkeyPatch.context() as patch:
        from ledger import auth

        patch.setattr(auth, "SCRYPT_PARAMS", {"n": 16, "r": 1, "p": 1})
        for role in ROLES:
            book.ledger.add_user(book.adam, f"role_{role}", () if role == "none" else (role,), "121212")
    book.ledger.close()
    return path


def test_the_matrix_covers_every_write_operation_of_the_service_layer():
    writes = {"open_session", "record_receipt", "collect_debt", "record_payout", "issue_warrant", "spoil_warrant",
              "reverse", "declare_count", "sign_off", "request_recount", "bank", "add_user", "change_roles",
              "deactivate_user", "unlock_user", "add_code", "retire_code", "set_setting", "receive_warrants",
              "import_debts"}
    assert set(ACTS) == set(ALLOWED) == writes
    assert all(callable(getattr(Ledger, name)) for name in writes)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", ACTS)
def test_only_the_allowed_roles_may_act(template, tmp_path, operation, role):
    path = tmp_path / "ledger.db"
    shutil.copy(template, path)
    user, roles = f"role_{role}", () if role == "none" else (role,)
    prepare, act = ACTS[operation]
    with Ledger.open(path, clock=Clock(), terminal="test:roles") as ledger:
        context = prepare(ledger, user, roles) if prepare else None
        before = head(path)
        actor = Actor(user, frozenset(roles))
        if role in ALLOWED[operation]:
            answer = act(ledger, actor, context)
            assert getattr(answer, "outcome", Outcome.APPENDED) is Outcome.APPENDED
            assert getattr(answer, "imported", 1) == 1
            assert head(path)[0] == before[0] + 1
        else:
            with pytest.raises(Refused) as refused:
                act(ledger, actor, context)
            assert refused.value.outcome is Outcome.ROLE_REQUIRED, refused.value.message
            assert head(path) == before


# -- the file and its secrets ---------------------------------------------------------------------
ADMIN_PIN, CARL_PIN, WRONG_PIN, BAD_NEW_PIN = "90817263", "74625189", "11223344", "12ab34cd"


def test_init_makes_a_ledger_only_its_owner_and_group_can_read_whatever_the_umask(tmp_path):
    db = tmp_path / "ledger.db"
    result = cashdesk(db, "init", "--office", "Test Office", "--admin", "adam", "--pin-stdin",
                      stdin=ADMIN_PIN + "\n", preexec_fn=lambda: os.umask(0))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o640, oct(db.stat().st_mode)
    with Ledger.open(db) as ledger:  # keeps -wal and -shm in place while a CLI writes
        written = cashdesk(db, "codes", "add", "INC1", "--name", "Fees", "--type", "income", "--as", "adam",
                           "--pin-stdin", stdin=ADMIN_PIN + "\n")
        assert written.returncode == 0, written.stderr
        for suffix in ("-wal", "-shm"):
            side = Path(f"{db}{suffix}")
            assert stat.S_IMODE(side.stat().st_mode) == 0o640, (suffix, oct(side.stat().st_mode))
        ledger.store.backup(tmp_path / "copy.db")
    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o640


def test_no_pin_appears_in_any_output_entry_or_byte_of_the_file(tmp_path):
    db = tmp_path / "ledger.db"
    runs = [
        cashdesk(db, "init", "--office", "Test Office", "--admin", "adam", "--pin-stdin", stdin=ADMIN_PIN + "\n"),
        cashdesk(db, "users", "add", "carl", "--roles", "officer", "--as", "adam", "--pin-stdin",
                 stdin=f"{ADMIN_PIN}\n{CARL_PIN}\n"),
        cashdesk(db, "users", "add", "dora", "--roles", "officer", "--as", "adam", "--pin-stdin",
                 stdin=f"{ADMIN_PIN}\n{BAD_NEW_PIN}\n"),
        cashdesk(db, "session", "open", "--float", "50", "--as", "carl", "--pin-stdin", stdin=WRONG_PIN + "\n"),
        cashdesk(db, "session", "open", "--float", "50", "--as", "carl", "--pin-stdin", stdin=CARL_PIN + "\n"),
        cashdesk(db, "users", "list", "--json"),
        cashdesk(db, "export", "--format", "jsonl"),
    ]
    outcomes = [run.returncode for run in runs]
    assert outcomes == [0, 0, 3, 3, 0, 0, 0], [(run.returncode, run.stderr) for run in runs]
    assert "pin_invalid" in runs[2].stderr and "sign_in_failed" in runs[3].stderr
    pins = (ADMIN_PIN, CARL_PIN, WRONG_PIN, BAD_NEW_PIN)
    for run in runs:
        assert not any(pin in run.stdout + run.stderr for pin in pins), (run.args, run.stdout, run.stderr)
    entries = [json.loads(line) for line in runs[-1].stdout.splitlines()]
    assert any(entry["kind"] == "sign_in_failed" for entry in entries)
    assert not any(pin in json.dumps(entry) for entry in entries for pin in pins)
    data = b"".join(Path(f"{db}{suffix}").read_bytes() for suffix in ("", "-wal") if Path(f"{db}{suffix}").exists())
    assert not any(pin.encode() in data for pin in pins), "a PIN lies in the file in clear"
    conn = raw(db)
    try:
        salt, pin_hash, params = conn.execute(
            "SELECT salt, pin_hash, params FROM credentials WHERE username = 'carl'").fetchone()
    finally:
        conn.close()
    cost = json.loads(params)
    assert len(salt) >= 16 and cost["n"] >= 2 ** 14
    assert pin_hash == hashlib.scrypt(CARL_PIN.encode(), salt=salt, n=cost["n"], r=cost["r"], p=cost["p"],
                                      dklen=len(pin_hash))
