"""Who may do what: every write of the service layer by every role, and what a ledger file gives away.

The matrix: each write operation (roles_support.py) is tried by a user holding exactly one role
(officer, supervisor, finance, auditor, admin) and by a user holding none, on a fresh copy of one
ledger in which everything the act needs already exists (the user's own till is open where the
act needs one, a count waits, a day is signed off …). Only the roles in ALLOWED may succeed; every other is
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
from book_support import Clock
from ledger.book import Ledger
from ledger.refusals import Outcome, Refused
from ledger.service import Actor

from reliability_support import cashdesk, head, raw
from roles_support import ACTS, ALLOWED, ROLES, prepare, roles_template, user_of, writes_of_the_service_layer

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return roles_template(tmp_path_factory.mktemp("roles") / "ledger.db")


def test_the_matrix_covers_every_write_operation_of_the_service_layer():
    writes = writes_of_the_service_layer()
    assert {"record_receipt", "sign_off", "add_user", "key_invoice", "close_payrun"} <= writes, "control: found"
    assert set(ACTS) == set(ALLOWED) == writes


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", ACTS)
def test_only_the_allowed_roles_may_act(template, tmp_path, operation, role):
    path = tmp_path / "ledger.db"
    shutil.copy(template, path)
    user, roles = user_of(role)
    with Ledger.open(path, clock=Clock(), terminal="test:roles") as ledger:
        arguments = ACTS[operation][1](prepare(ledger, operation, user, roles))
        before = head(path)
        act = getattr(ledger, operation)
        actor = Actor(user, frozenset(roles))
        if role in ALLOWED[operation]:
            answer = act(actor, **arguments)
            assert getattr(answer, "outcome", Outcome.APPENDED) is Outcome.APPENDED
            assert getattr(answer, "imported", 1) == 1
            assert head(path)[0] == before[0] + 1
        else:
            with pytest.raises(Refused) as refused:
                act(actor, **arguments)
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
