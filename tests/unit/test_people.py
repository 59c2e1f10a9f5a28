"""People: scrypt PINs with a per-user salt, lockout after 5 failures in a row, unlock, deactivation,
roles, and four eyes by identity."""

from __future__ import annotations

import hashlib
import json

import pytest

from ledger.auth import LOCKOUT_FAILURES
from ledger.refusals import Outcome, Refused

TODAY = "2026-11-23"
WRONG_PINS = ("909090", "919191", "929292", "939393", "949494", "959595", "969696", "979797")


def read(book):
    return book.ledger.store.reading()


def fail_sign_in(book, username: str, times: int, pins=WRONG_PINS) -> list[Refused]:
    refusals = []
    for attempt in range(times):
        with pytest.raises(Refused) as excinfo:
            book.ledger.authenticate(username, pins[attempt % len(pins)])
        refusals.append(excinfo.value)
    return refusals


def is_locked(book, username: str) -> bool:
    with read(book) as reader:
        return bool(reader.user(username)["locked"])


def entries_of(book, kind: str) -> list:
    with read(book) as reader:
        return [entry for entry in reader.iter_entries() if entry.kind == kind]


# -- PINs ------------------------------------------------------------------------------------
@pytest.mark.real_scrypt
def test_pins_are_scrypt_hashes_with_a_salt_of_their_own(book):
    book.ledger.add_user(book.adam, "carl", ("officer",), "777777")
    book.ledger.add_user(book.adam, "dora", ("officer",), "777777")
    with read(book) as reader:
        carl, dora = reader.credential("carl"), reader.credential("dora")
    assert carl["salt"] != dora["salt"] and carl["pin_hash"] != dora["pin_hash"]
    assert len(carl["salt"]) >= 16
    for row in (carl, dora):
        cost = json.loads(row["params"])
        expected = hashlib.scrypt(b"777777", salt=row["salt"], n=cost["n"], r=cost["r"], p=cost["p"],
                                  dklen=len(row["pin_hash"]))
        assert row["pin_hash"] == expected
        assert cost["n"] >= 2**14
    assert book.ledger.authenticate("carl", "777777").username == "carl"


def test_the_right_pin_signs_in_with_the_users_roles(book):
    actor = book.ledger.authenticate("tess", "666666")
    assert actor.roles == frozenset({"supervisor", "officer"})


def test_a_recorded_sign_in_is_chained_without_the_pin(book):
    book.ledger.authenticate("alice", "111111", via="console", record_success=True)
    (signed_in,) = entries_of(book, "signed_in")
    assert signed_in.body_dict() == {"username": "alice", "via": "console"}


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "12345a", "", "１２３４５６"])
def test_a_new_pin_must_be_6_to_12_ascii_digits(book, pin):
    with pytest.raises(Refused) as excinfo:
        book.ledger.add_user(book.adam, "carl", ("officer",), pin)
    assert excinfo.value.outcome is Outcome.PIN_INVALID
    with read(book) as reader:
        assert reader.user("carl") is None and reader.credential("carl") is None


# -- lockout ---------------------------------------------------------------------------------
def test_five_failures_in_a_row_lock_the_user(book):
    refusals = fail_sign_in(book, "alice", LOCKOUT_FAILURES)
    assert LOCKOUT_FAILURES == 5
    assert [r.outcome for r in refusals] == [Outcome.SIGN_IN_FAILED] * 5
    assert is_locked(book, "alice")
    failures = entries_of(book, "sign_in_failed")
    assert [e.body_dict()["failures"] for e in failures] == [1, 2, 3, 4, 5]
    (locked,) = entries_of(book, "user_locked")
    assert locked.body_dict() == {"username": "alice", "failures": 5}
    assert locked.seq == failures[-1].seq + 1
    with pytest.raises(Refused) as excinfo:
        book.ledger.authenticate("alice", "111111")
    assert excinfo.value.outcome is Outcome.USER_LOCKED


def test_no_pin_material_is_ever_chained(book):
    fail_sign_in(book, "alice", LOCKOUT_FAILURES)
    book.ledger.authenticate("bob", "222222", record_success=True)
    with read(book) as reader:
        salts = [reader.credential(name)["salt"].hex() for name in ("alice", "bob", "adam")]
        hashes = [reader.credential(name)["pin_hash"].hex() for name in ("alice", "bob", "adam")]
        entries = list(reader.iter_entries())
    secrets = ("111111", "222222", "555555", *WRONG_PINS[:LOCKOUT_FAILURES], *salts, *hashes)
    for entry in entries:
        assert not any(secret in entry.body for secret in secrets), entry.seq
        assert not any("pin" in key.lower() or "salt" in key.lower() for key in entry.body_dict()), entry.seq


def test_a_locked_users_further_attempts_are_not_counted_again(book):
    fail_sign_in(book, "alice", LOCKOUT_FAILURES)
    before = len(entries_of(book, "sign_in_failed"))
    refusals = fail_sign_in(book, "alice", 2)
    assert [r.outcome for r in refusals] == [Outcome.USER_LOCKED] * 2
    assert len(entries_of(book, "sign_in_failed")) == before


def test_a_locked_user_can_no_longer_act(open_book):
    fail_sign_in(open_book, "alice", LOCKOUT_FAILURES)
    with pytest.raises(Refused) as excinfo:
        open_book.ledger.record_receipt(open_book.alice, amount_pence=100, method="cash", code="INC1", payer="P")
    assert excinfo.value.outcome is Outcome.USER_LOCKED


def test_a_successful_act_in_between_starts_the_count_again(open_book):
    fail_sign_in(open_book, "alice", 4)
    actor = open_book.ledger.authenticate("alice", "111111")
    open_book.ledger.record_receipt(actor, amount_pence=100, method="cash", code="INC1", payer="P")
    fail_sign_in(open_book, "alice", 4)
    assert not is_locked(open_book, "alice")
    assert entries_of(open_book, "user_locked") == []
    assert open_book.ledger.authenticate("alice", "111111").username == "alice"


def test_failures_of_one_user_do_not_count_against_another(book):
    fail_sign_in(book, "alice", 4)
    fail_sign_in(book, "bob", 4)
    assert not is_locked(book, "alice") and not is_locked(book, "bob")


def test_the_lock_survives_a_rebuild_of_the_projections(book):
    fail_sign_in(book, "alice", LOCKOUT_FAILURES)
    book.ledger.store.rebuild()
    assert is_locked(book, "alice")


def test_an_admin_unlocks_and_the_count_starts_again(book):
    fail_sign_in(book, "alice", LOCKOUT_FAILURES)
    posted = book.ledger.unlock_user(book.adam, "alice")
    assert (posted.entry.kind, posted.body) == ("user_unlocked", {"username": "alice"})
    assert book.ledger.authenticate("alice", "111111").username == "alice"
    fail_sign_in(book, "alice", 4)
    assert not is_locked(book, "alice")


def test_only_an_admin_unlocks(book):
    fail_sign_in(book, "alice", LOCKOUT_FAILURES)
    with pytest.raises(Refused) as excinfo:
        book.ledger.unlock_user(book.sam, "alice")
    assert excinfo.value.outcome is Outcome.ROLE_REQUIRED
    assert is_locked(book, "alice")


# -- deactivation and roles ------------------------------------------------------------------
def test_a_deactivated_user_is_refused(open_book):
    open_book.ledger.deactivate_user(open_book.adam, "alice", reason="moved to another office")
    with pytest.raises(Refused) as signing_in:
        open_book.ledger.authenticate("alice", "111111")
    assert signing_in.value.outcome is Outcome.USER_INACTIVE
    with pytest.raises(Refused) as acting:
        open_book.ledger.record_receipt(open_book.alice, amount_pence=100, method="cash", code="INC1", payer="P")
    assert acting.value.outcome is Outcome.USER_INACTIVE
    assert "alice" in acting.value.message


def test_an_auditor_cannot_record_a_receipt(open_book):
    with pytest.raises(Refused) as excinfo:
        open_book.ledger.record_receipt(open_book.ava, amount_pence=100, method="cash", code="INC1", payer="P")
    assert excinfo.value.outcome is Outcome.ROLE_REQUIRED
    assert excinfo.value.message == "ava needs the officer role for this"


def test_an_admin_records_no_money(open_book):
    with pytest.raises(Refused) as excinfo:
        open_book.ledger.open_session(open_book.adam, 5000)
    assert excinfo.value.outcome is Outcome.ROLE_REQUIRED


def test_roles_come_from_the_ledger_not_from_the_actor_object(open_book):
    open_book.ledger.change_roles(open_book.adam, "alice", ("auditor",))
    with pytest.raises(Refused) as excinfo:
        open_book.ledger.record_receipt(open_book.alice, amount_pence=100, method="cash", code="INC1", payer="P")
    assert excinfo.value.outcome is Outcome.ROLE_REQUIRED


# -- four eyes by identity -------------------------------------------------------------------
def test_nobody_authorises_their_own_entries(open_book):
    ledger, tess = open_book.ledger, open_book.tess
    ledger.open_session(tess, 5000)
    keyed = ledger.record_receipt(tess, amount_pence=1000, method="cash", code="INC1", payer="P")
    acts = {
        "override": lambda: ledger.record_receipt(tess, amount_pence=30_000, method="cash", code="INC1",
                                                  payer="P", authoriser=tess, override_reason="big fee"),
        "reversal": lambda: ledger.reverse(tess, seq=keyed.seq, reason="typo", authoriser=tess),
    }
    for name, act in acts.items():
        with pytest.raises(Refused) as excinfo:
            act()
        assert excinfo.value.outcome is Outcome.OWN_ENTRY, name
    ledger.declare_count(tess, denominations={5000: 1, 1000: 1}, cheques_counted=0)
    for act in (lambda: ledger.request_recount(tess, officer="tess", business_date=TODAY, reason="check"),
                lambda: ledger.sign_off(tess, officer="tess", business_date=TODAY)):
        with pytest.raises(Refused) as excinfo:
            act()
        assert excinfo.value.outcome is Outcome.OWN_ENTRY
    assert ledger.sign_off(open_book.sam, officer="tess", business_date=TODAY).outcome is Outcome.APPENDED
