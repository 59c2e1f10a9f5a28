"""The ledger as a state machine: hypothesis drives the real service layer against a small pure model.

Steps: open a till, post receipts (random amounts, many over the limit; cash or cheque), retry a
used entry_id with the same or different content, reverse any seq (by a supervisor), declare a
count (right, short or over), request a recount, sign off (with or without a reason), post after
sign-off, move to the next day, and "crash and reopen" (a fresh `Ledger.open` on the ledger). Every
step's outcome must be the one the model predicts. It runs on both stores (`ledger_location`): each
example on a copy of a template ledger, a file or a PostgreSQL database. After every step:

- the chain verifies and its head is where the model says;
- every entry's postings sum to zero;
- no officer-day passes the limit (summed from the entries themselves, not a projection);
- a signed-off day never changes: its entries' (seq, hash) are frozen at sign-off;
- the database's balances (a replay of the entries) equal the model's, and so do session states.

A failure prints hypothesis's reproduction blob (`print_blob=True`) with the shrunk steps.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import ClassVar

from book_support import START
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from ledger import audit
from ledger.book import Ledger
from ledger.kinds import LIMIT_KINDS
from ledger.refusals import Outcome, Refused
from ledger.service import LONDON, Actor

from reliability_support import LedgerCopyMachine, cheap_book, use_template

LIMIT_PENCE = 25_000
FLOAT_PENCE = 5_000
OFFICERS = ("alice", "bob")
SAM = Actor("sam", frozenset({"supervisor"}))
UNCOUNTED = ("open", "recount")
SETTINGS = settings(max_examples=60, stateful_step_count=40, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow])
#: Per store: every example is a ledger of its own (a copied file; a database copied from a template). A step
#: on PostgreSQL is a few round trips to a server where SQLite reads a file: half the examples take about as long.
MACHINE_SETTINGS = {"sqlite": SETTINGS, "postgresql": settings(SETTINGS, max_examples=30)}


class DayClock:
    """A second passes per reading; `next_day` moves the London date on by one."""

    def __init__(self) -> None:
        self.days, self.ticks = 0, 0

    def __call__(self) -> datetime:
        self.ticks += 1
        return START + timedelta(days=self.days, seconds=self.ticks)

    def today(self) -> str:
        return (START + timedelta(days=self.days)).astimezone(LONDON).date().isoformat()


def day_of(entry, body: dict) -> set[str]:
    """The officers whose day this entry belongs to (by actor, by `officer`, or by their till)."""
    officers = {entry.actor, body.get("officer")}
    officers |= {p["account"].rsplit(":", 1)[1] for p in body.get("postings", ())
                 if p["account"].startswith(("Assets:Till:", "Assets:Cheques:"))}
    return {officer for officer in officers if officer in OFFICERS}


class LedgerMachine(LedgerCopyMachine):
    seen: ClassVar[Counter] = Counter()  # (rule, outcome) over the whole run: what the run really exercised

    def __init__(self) -> None:
        super().__init__()
        self.clock = DayClock()
        self.ids = (f"sm-{n}" for n in itertools.count())
        self.ledger = self._open()
        with self.ledger.store.reading() as reader:
            entries = list(reader.iter_entries())
        self.kinds = {entry.seq: entry.kind for entry in entries}
        self.balances: dict[tuple[str, str], int] = defaultdict(int)  # (account, business_date) -> pence
        for entry in entries:
            self._post(entry.body_dict().get("postings", ()), entry.business_date)
        self.sessions: dict[tuple[str, str], dict] = {}
        self.receipts: dict[str, dict] = {}
        self.frozen: dict[tuple[str, str], list[tuple[int, str]]] = {}

    def _open(self) -> Ledger:
        return Ledger.open(self.path, clock=self.clock, terminal="machine:t1", ids=lambda: next(self.ids))

    # -- the model ---------------------------------------------------------------------------------
    def _post(self, postings, business_date: str, sign: int = 1) -> None:
        for posting in postings:
            self.balances[(posting["account"], business_date)] += sign * posting["amount_pence"]

    def _attempt(self, expected: Outcome, act):
        """Run one service call; its outcome must be the model's. Returns the Posted, if any."""
        self.seen[(act.__qualname__.split(".")[1], expected.value)] += 1
        try:
            posted = act()
        except Refused as refusal:
            assert refusal.outcome is expected, f"got {refusal.outcome}: {refusal.message}; model says {expected}"
            return None
        assert posted.outcome is expected, f"got {posted.outcome}; model says {expected}"
        if posted.outcome is Outcome.APPENDED:
            assert posted.seq == max(self.kinds) + 1
            self.kinds[posted.seq] = posted.entry.kind
            self._post(posted.body.get("postings", ()), posted.entry.business_date)
        return posted

    def _sessions_of(self, officer: str, states=UNCOUNTED) -> list[str]:
        return sorted(day for (who, day), s in self.sessions.items() if who == officer and s["state"] in states)

    def _used(self, officer: str, day: str) -> int:
        return sum(r["amount_pence"] for r in self.receipts.values()
                   if (r["officer"], r["day"]) == (officer, day) and not r["reversed"])

    def _cash(self, officer: str, day: str) -> int:
        return self.balances[(f"Assets:Till:{officer}", day)]

    def _cheques(self, officer: str, day: str) -> int:
        return sum(1 for r in self.receipts.values()
                   if (r["officer"], r["day"], r["method"], r["reversed"]) == (officer, day, "cheque", False))

    def _closed_today(self, officer: str) -> bool:
        return (officer, self.clock.today()) in self.sessions

    # -- rules ---------------------------------------------------------------------------------------
    @initialize()
    def both_tills_open(self):
        for officer in OFFICERS:
            self.open_session(officer)

    @rule(officer=st.sampled_from(OFFICERS))
    def open_session(self, officer):
        if self._sessions_of(officer):
            expected = Outcome.SESSION_ALREADY_OPEN
        else:
            expected = Outcome.DAY_CLOSED if self._closed_today(officer) else Outcome.APPENDED
        if self._attempt(expected, lambda: self.ledger.open_session(Actor(officer, frozenset()), FLOAT_PENCE)):
            self.sessions[(officer, self.clock.today())] = {"state": "open"}

    @rule(officer=st.sampled_from(OFFICERS), amount_pence=st.one_of(st.integers(1, 6_000), st.integers(20_000, 30_000)),
          method=st.sampled_from(("cash", "cheque")))
    def post_receipt(self, officer, amount_pence, method):
        open_days = self._sessions_of(officer, ("open",))
        if not open_days:
            expected = Outcome.DAY_CLOSED if self._closed_today(officer) else Outcome.NO_OPEN_SESSION
        elif self._used(officer, open_days[0]) + amount_pence > LIMIT_PENCE:
            expected = Outcome.OFFICER_LIMIT_EXCEEDED
        else:
            expected = Outcome.APPENDED
        request = {"amount_pence": amount_pence, "method": method, "code": "INC1", "payer": f"Payer {officer}",
                   "entry_id": f"r-{len(self.receipts)}-{amount_pence}"}
        posted = self._attempt(expected, lambda: self.ledger.record_receipt(Actor(officer, frozenset()), **request))
        if posted is not None:
            self.receipts[request["entry_id"]] = {**request, "officer": officer, "day": posted.entry.business_date,
                                                  "seq": posted.seq, "reversed": False}

    @rule(officer=st.sampled_from(OFFICERS), amount_pence=st.integers(1, 3_000))
    def post_small_cash_receipt(self, officer, amount_pence):
        self.post_receipt(officer, amount_pence, "cash")

    @precondition(lambda self: self.receipts)
    @rule(data=st.data(), same=st.booleans())
    def retry_entry_id(self, data, same):
        receipt = self.receipts[data.draw(st.sampled_from(sorted(self.receipts)))]
        request = {key: receipt[key] for key in ("amount_pence", "method", "code", "payer", "entry_id")}
        if not same:
            request["amount_pence"] += 1
        expected = Outcome.ALREADY_RECORDED if same else Outcome.ENTRY_ID_REUSED
        posted = self._attempt(expected, lambda: self.ledger.record_receipt(
            Actor(receipt["officer"], frozenset()), **request))
        assert posted is None or posted.seq == receipt["seq"]

    @rule(data=st.data())
    def reverse(self, data):
        receipt_seqs = sorted(r["seq"] for r in self.receipts.values())
        any_seq = st.integers(1, max(self.kinds) + 2)
        seq = data.draw(st.one_of(st.sampled_from(receipt_seqs), any_seq) if receipt_seqs else any_seq, label="seq")
        receipt = next((r for r in self.receipts.values() if r["seq"] == seq), None)
        if seq not in self.kinds:
            expected = Outcome.ENTRY_UNKNOWN
        elif self.kinds[seq] not in LIMIT_KINDS:
            expected = Outcome.NOT_REVERSIBLE
        elif receipt["reversed"]:
            expected = Outcome.ALREADY_REVERSED
        elif self.sessions[(receipt["officer"], receipt["day"])]["state"] != "open":
            expected = Outcome.DAY_CLOSED
        else:
            expected = Outcome.APPENDED
        if self._attempt(expected, lambda: self.ledger.reverse(SAM, seq=seq, reason="Keyed twice", authoriser=SAM)):
            receipt["reversed"] = True

    @rule(officer=st.sampled_from(OFFICERS), cash_off_pence=st.sampled_from((0, 0, 0, -120, 35)),
          cheques_off=st.sampled_from((0, 0, 1)))
    def declare_count(self, officer, cash_off_pence, cheques_off):
        uncounted = self._sessions_of(officer)
        if not uncounted:
            expected = Outcome.DAY_CLOSED if self._closed_today(officer) else Outcome.NOT_COUNTED
            counted_pence, cheques = 0, 0
        else:
            expected, day = Outcome.APPENDED, uncounted[0]
            counted_pence = max(self._cash(officer, day) + cash_off_pence, 0)
            cheques = self._cheques(officer, day) + cheques_off
        if self._attempt(expected, lambda: self.ledger.declare_count(
                Actor(officer, frozenset()), denominations={1: counted_pence}, cheques_counted=cheques)):
            self.sessions[(officer, uncounted[0])].update(state="counted", cash=counted_pence, cheques=cheques)

    def _day_to_close(self, data, officer: str) -> str:
        days = sorted({day for (who, day) in self.sessions if who == officer} | {self.clock.today()})
        return data.draw(st.sampled_from(days), label="day")

    def _counted_refusal(self, officer: str, day: str) -> Outcome | None:
        session = self.sessions.get((officer, day))
        if session is None:
            return Outcome.NOT_COUNTED
        if session["state"] == "signed_off":
            return Outcome.DAY_CLOSED
        return None if session["state"] == "counted" else Outcome.NOT_COUNTED

    @rule(data=st.data(), officer=st.sampled_from(OFFICERS))
    def request_recount(self, data, officer):
        day = self._day_to_close(data, officer)
        expected = self._counted_refusal(officer, day) or Outcome.APPENDED
        if self._attempt(expected, lambda: self.ledger.request_recount(SAM, officer=officer, business_date=day,
                                                                       reason="Count the coins again")):
            self.sessions[(officer, day)]["state"] = "recount"

    @rule(data=st.data(), officer=st.sampled_from(OFFICERS), reason=st.sampled_from((None, "Counted twice")))
    def sign_off(self, data, officer, reason):
        day = self._day_to_close(data, officer)
        expected = self._counted_refusal(officer, day)
        if expected is None:
            session = self.sessions[(officer, day)]
            differs = (session["cash"] != self._cash(officer, day)
                       or session["cheques"] != self._cheques(officer, day))
            expected = Outcome.VARIANCE_REASON_REQUIRED if differs and not reason else Outcome.APPENDED
        posted = self._attempt(expected, lambda: self.ledger.sign_off(SAM, officer=officer, business_date=day,
                                                                      reason=reason))
        if posted is not None:
            self.sessions[(officer, day)]["state"] = "signed_off"
            assert self._cash(officer, day) == self.sessions[(officer, day)]["cash"], "the till ends at the count"
            self.frozen[(officer, day)] = self._day_entries(officer, day)

    @rule()
    def next_day(self):
        self.clock.days += 1

    @rule()
    def crash_and_reopen(self):
        self.ledger.close()
        self.ledger = self._open()

    # -- invariants -----------------------------------------------------------------------------------
    def _entries(self):
        with self.ledger.store.reading() as reader:
            return [(entry, entry.body_dict()) for entry in reader.iter_entries()]

    def _day_entries(self, officer: str, day: str) -> list[tuple[int, str]]:
        return [(entry.seq, entry.hash) for entry, body in self._entries()
                if entry.business_date == day and officer in day_of(entry, body)]

    @invariant()
    def the_chain_verifies_at_the_models_head(self):
        verdict = audit.verify(self.ledger.store)
        assert verdict.ok, (verdict.first_bad_seq, verdict.problem)
        assert verdict.head_seq == max(self.kinds)

    @invariant()
    def every_entry_balances_and_no_limit_is_passed(self):
        used: dict[tuple[str, str], int] = defaultdict(int)
        reversed_seqs = set()
        entries = self._entries()
        for entry, body in entries:
            assert sum(p["amount_pence"] for p in body.get("postings", ())) == 0, entry.seq
            if entry.kind == "entry_reversed":
                reversed_seqs.add(body["reversed_seq"])
        for entry, body in entries:
            if entry.kind in LIMIT_KINDS and entry.seq not in reversed_seqs:
                used[(entry.actor, entry.business_date)] += body.get("amount_pence") or body["value_pence"]
        for (officer, day), pence in used.items():
            assert pence <= LIMIT_PENCE, f"{officer}'s {day} holds {pence} pence"
            assert pence == self._used(officer, day)

    @invariant()
    def signed_off_days_never_change(self):
        for (officer, day), frozen in self.frozen.items():
            assert self._day_entries(officer, day) == frozen, f"{officer}'s signed-off {day} changed"

    @invariant()
    def the_database_equals_the_model(self):
        model = defaultdict(int)
        for (account, _), pence in self.balances.items():
            model[account] += pence
        assert audit.replay(self.ledger.store).balances == {k: v for k, v in sorted(model.items()) if v}
        with self.ledger.store.reading() as reader:
            for (officer, day), session in self.sessions.items():
                assert reader.session(officer, day)["state"] == session["state"]


def closed_book(location) -> None:
    cheap_book(location).ledger.close()


def test_the_ledger_behaves_as_its_model(ledger_location, request):
    use_template(LedgerMachine, ledger_location, request, closed_book)
    LedgerMachine.seen.clear()
    run_state_machine_as_test(LedgerMachine, settings=MACHINE_SETTINGS[LedgerMachine.store()])
    print(sorted(LedgerMachine.seen.items()))
    outcomes = {outcome for _, outcome in LedgerMachine.seen}
    assert {"appended", "already_recorded", "entry_id_reused", "officer_limit_exceeded", "day_closed",
            "not_reversible"} <= outcomes, "the run never reached some of the outcomes it is meant to test"


class LateLedger(Ledger):
    """The broken variant: money goes to the officer's last day, open or not."""

    def _working_date(self, writer, actor):
        return max(session["business_date"] for session in writer.sessions_on(None)
                   if session["officer"] == actor.username)


def test_negative_control_the_frozen_day_check_sees_a_late_entry(ledger_location, request):
    """A receipt slipped onto a signed-off day (the rule bypassed) changes the frozen list."""
    use_template(LedgerMachine, ledger_location, request, closed_book)
    machine = LedgerMachine()
    try:
        machine.open_session("alice")
        machine.post_receipt("alice", 1_000, "cash")
        machine.sessions[("alice", machine.clock.today())].update(state="counted", cash=6_000, cheques=0)
        machine.ledger.declare_count(Actor("alice", frozenset()), denominations={1: 6_000}, cheques_counted=0)
        machine.kinds[max(machine.kinds) + 1] = "count_declared"
        machine.ledger.sign_off(SAM, officer="alice", business_date=machine.clock.today())
        machine.kinds[max(machine.kinds) + 1] = "day_signed_off"
        machine.frozen[("alice", machine.clock.today())] = machine._day_entries("alice", machine.clock.today())
        machine.signed_off_days_never_change()
        late = LateLedger.open(machine.path, clock=machine.clock, terminal="machine:late")
        with late:  # a terminal whose day-closed rule is switched off posts onto the signed-off day
            late.record_receipt(Actor("alice", frozenset()), amount_pence=100, method="cash", code="INC1",
                                payer="Too late")
        try:
            machine.signed_off_days_never_change()
        except AssertionError as caught:
            assert "signed-off" in str(caught)
        else:
            raise AssertionError("the frozen-day invariant missed a late entry")
    finally:
        machine.teardown()
