"""The finance state machine's desk: its people and template ledger, its clock, the service call
checked against the model, and the invariants that every step must keep, read from the entries
themselves. The rules are in finance_runs.py and finance_machine.py."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from book_support import START
from hypothesis import strategies as st
from hypothesis.stateful import invariant
from ledger import audit
from ledger.book import Ledger
from ledger.chain import format_recorded_at
from ledger.refusals import Outcome, Refused
from ledger.service import LONDON, Actor

from finance_model import ONE_DAY, RATES, FinanceModel, Item
from reliability_support import CHEAP_SCRYPT, LedgerCopyMachine, cheap_book

ACTORS = {"fay": Actor("fay", frozenset({"finance"})), "kit": Actor("kit", frozenset({"finance", "supervisor"})),
          "sam": Actor("sam", frozenset({"supervisor"})), "tess": Actor("tess", frozenset({"supervisor", "officer"}))}
KEYERS = ("fay", "kit")
AUTHORISERS = ("sam", "tess", "kit")
LIMITS = {"sam": 5_000_000, "tess": 50_000, "kit": 1_500_000}
#: Another person with the role the act needs: a retry of an entry id by them is other content.
OTHER_KEYER = {"fay": "kit", "kit": "fay"}
OTHER_SUPERVISOR = {"sam": "tess", "tess": "sam", "kit": "sam"}
SUPERVISORS_ACTS = {"authorise_item", "reject_item", "schedule_payrun", "close_payrun", "mark_paid"}
PAYEES = ("CAR1", "CAR2", "PRV1")
#: Invoice numbers as typed, with the key the rules compare (docs/FINANCE.md, "Duplicates").
NUMBERS = (("INV-0042", "inv42"), ("inv42", "inv42"), ("INV 42", "inv42"), ("INV-0043", "inv43"),
           ("2024/0100", "2024100"), ("2024100", "2024100"), ("A-7", "a7"), ("B-9", "b9"))
INVOICE_DATES = tuple(date.fromisoformat(day) for day in ("2026-11-01", "2026-11-10", "2026-11-15", "2026-11-16",
                                                          "2026-12-20"))
AMOUNTS = (12_000, 12_000, 3_300, 45_000, 90_000)
FIRST_FRIDAY = date(2026, 12, 4)
FINANCE_ACCOUNTS = ("Liabilities:Creditors:", "Assets:Bank", "Assets:Debtors:OP-", "Expenses:")


class DeskClock:
    """A second passes per reading; the machine moves `now` a minute past a run's cut-off."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def utc(self) -> str:
        return format_recorded_at(self.now)


def london_cutoff_utc(day: date) -> str:
    return format_recorded_at(datetime(day.year, day.month, day.day, 17, 0, tzinfo=LONDON))


def as_lines(lines) -> list[tuple]:
    return [(line["item"], line["kind"], line["payee"], line["amount_pence"], line.get("first"), line.get("last"))
            for line in lines]


def creditors_pence(body: dict) -> int:
    return sum(p["amount_pence"] for p in body.get("postings", ()) if p["account"].startswith(FINANCE_ACCOUNTS[0]))


def build_template(path: Path) -> None:
    """The reliability book plus fay (finance), kit (finance and supervisor), limits, FOST, rates, payees."""
    book = cheap_book(path)
    ledger, adam = book.ledger, book.adam
    with pytest.MonkeyPatch.context() as patch:
        from ledger import auth

        patch.setattr(auth, "SCRYPT_PARAMS", CHEAP_SCRYPT)
        ledger.add_user(adam, "fay", ("finance",), "777777")
        ledger.add_user(adam, "kit", ("finance", "supervisor"), "787878")
    ledger.add_code(adam, "FOST", "Fostering allowances", "cost")
    for since, weekly in RATES:
        ledger.set_rates(adam, from_date=since.isoformat(), weekly_pence=weekly)
    for user, limit_pence in LIMITS.items():
        ledger.set_setting(adam, "authorisation_limit_pence", limit_pence, user=user)
    fay = ACTORS["fay"]
    ledger.add_payee(fay, "CAR1", name="Jo Carer", kind="carer", creditor="C0001")
    ledger.add_payee(fay, "CAR2", name="Sam Foster", kind="carer", creditor="C0002")
    ledger.add_payee(fay, "PRV1", name="Acme Care Ltd", kind="provider", creditor="C0003")
    ledger.close()


class Desk(LedgerCopyMachine):
    """A copy of the template ledger, the model beside it, and what must hold after every step
    whatever the model says. The rules keep `model`, `head`, `balances` and `frozen` up to date."""

    seen: ClassVar[Counter] = Counter()  # (rule, outcome) over the whole run: what the run really exercised

    def __init__(self) -> None:
        super().__init__()
        self.clock = DeskClock()
        self.ids = (f"fsm-{n}" for n in itertools.count())
        self.ledger = self._open()
        self.model = FinanceModel()
        self.balances: Counter = Counter()
        entries = self._entries()
        self.head = entries[-1][0].seq
        for _, body in entries:
            self._post(body)
        self.done: list[tuple[str, str, dict, str, int]] = []  # appended calls: (method, who, kwargs, id, seq)
        self.frozen: dict[str, tuple[int, str, list]] = {}  # closed run -> (seq, hash, lines)

    def _open(self) -> Ledger:
        return Ledger.open(self.path, clock=self.clock, terminal="machine:fin", ids=lambda: next(self.ids))

    # -- the model's side ------------------------------------------------------------------------
    def _post(self, body: dict) -> None:
        for posting in body.get("postings", ()):
            if posting["account"].startswith(FINANCE_ACCOUNTS):
                self.balances[posting["account"]] += posting["amount_pence"]

    def _move(self, debit: str, credit: str, pence: int) -> None:
        self.balances[debit] += pence
        self.balances[credit] -= pence

    def _attempt(self, expected: Outcome, method: str, who: str, **kwargs):
        """One service call; its outcome must be the model's. Returns the Posted, if appended."""
        self.seen[(method, expected.value)] += 1
        entry_id = next(self.ids)
        try:
            posted = getattr(self.ledger, method)(ACTORS[who], **kwargs, entry_id=entry_id)
        except Refused as refusal:
            assert refusal.outcome is expected, f"{method}: got {refusal.outcome}: {refusal.message}; model says {expected}"
            return None
        assert posted.outcome is expected, f"{method}: got {posted.outcome}; model says {expected}"
        assert posted.seq == self.head + 1, (posted.seq, self.head)
        self.head += 1
        self.done.append((method, who, kwargs, entry_id, posted.seq))
        return posted

    def _keyed(self, posted, kind: str, who: str, **fields) -> Item:
        item = Item(posted.body["item"], kind, who, posted.entry.recorded_at, posted.seq, **fields)
        self.model.items[item.item] = item
        self.model.hands.setdefault(item.root, set()).add(who)
        return item

    def _pick(self, data, choices: list[str], unknown: str, label: str) -> str:
        return data.draw(st.sampled_from([*choices, unknown]) if choices else st.just(unknown), label=label)

    # -- invariants ------------------------------------------------------------------------------
    def _entries(self) -> list[tuple]:
        """Every (entry, body), read again whenever the file's head has moved."""
        with self.ledger.store.reading() as reader:
            head = reader.head()
            cached = getattr(self, "_read", None)
            if cached is None or cached[0] != head:
                self._read = cached = (head, [(entry, entry.body_dict()) for entry in reader.iter_entries()])
        return cached[1]

    @invariant()
    def the_chain_verifies_at_the_models_head_and_every_entry_balances(self):
        verdict = audit.verify(self.ledger.store)
        assert verdict.ok, (verdict.first_bad_seq, verdict.problem)
        assert verdict.head_seq == self.head
        for entry, body in self._entries():
            assert sum(p["amount_pence"] for p in body.get("postings", ())) == 0, entry.seq

    @invariant()
    def nobody_decides_an_item_they_or_its_package_passed_through(self):
        hands, roots = defaultdict(set), {}
        for entry, body in self._entries():
            if entry.kind in ("invoice_keyed", "payment_keyed", "package_started", "package_changed"):
                roots[body["item"]] = body.get("package", body["item"])
            if entry.kind in ("invoice_keyed", "payment_keyed", "package_started", "package_changed", "package_ended"):
                hands[body.get("package") or body["item"]].add(entry.actor)
            elif entry.kind in ("item_authorised", "item_rejected"):
                root = roots[body["item"]]
                assert entry.actor not in hands[root], \
                    f"{entry.actor} decided {body['item']} but had a hand in {'it' if root == body['item'] else root}"

    @invariant()
    def runs_pay_each_package_day_once_within_its_dates_and_never_below_zero(self):
        terms, paid = {}, defaultdict(set)
        for entry, body in self._entries():
            if entry.kind == "package_started":
                terms[body["item"]] = [body["start"], body.get("end")]
            elif entry.kind == "package_ended":
                terms[body["package"]][1] = body["end"]
            elif entry.kind == "payrun_closed":
                per_payee = Counter()
                for line in body["lines"]:
                    per_payee[line["payee"]] += line["amount_pence"]
                    if line["kind"] == "package":
                        start, end = terms[line["item"]]
                        assert start <= line["first"] <= line["last"] and (end is None or line["last"] <= end), \
                            (body["run"], line, start, end)
                        first = date.fromisoformat(line["first"])
                        days = {first + n * ONE_DAY for n in range((date.fromisoformat(line["last"]) - first).days + 1)}
                        assert not days & paid[line["item"]], f"{body['run']} pays {line['item']} a day twice"
                        paid[line["item"]] |= days
                assert min(per_payee.values(), default=0) >= 0, f"{body['run']} takes a payee below zero: {per_payee}"

    @invariant()
    def closed_runs_never_change_and_paid_runs_net_the_creditors_to_zero(self):
        authorised, closed, paid = {}, {}, {}
        for entry, body in self._entries():
            if entry.kind == "item_authorised":
                authorised[body["item"]] = creditors_pence(body)
            elif entry.kind == "payrun_closed":
                assert body["run"] not in closed, f"{body['run']} closed twice"
                closed[body["run"]] = (entry, body)
            elif entry.kind == "payrun_paid":
                paid[body["run"]] = body
        for run, (seq, entry_hash, lines) in self.frozen.items():
            entry, body = closed[run]
            assert (entry.seq, entry.hash, as_lines(body["lines"])) == (seq, entry_hash, lines), f"{run} changed"
            assert as_lines(self.ledger.preview_payrun(run).lines) == lines, f"{run}'s preview differs from its close"
        for run, body in paid.items():
            lines = closed[run][1]["lines"]
            keyed = sum(authorised[line["item"]] for line in lines if line["kind"] in ("invoice", "payment"))
            assert creditors_pence(body) == body["total_pence"] == sum(line["amount_pence"] for line in lines), \
                f"{run}'s payment does not move the creditors by its total"
            assert keyed + creditors_pence(closed[run][1]) + creditors_pence(body) == 0, f"{run} leaves creditors owed"

    @invariant()
    def the_database_equals_the_model(self):
        model = self.model
        with self.ledger.store.reading() as reader:
            items = {row["item"]: row for row in reader.items()}
            packages = {row["package"]: row for row in reader.packages()}
            runs = {row["run"]: row for row in reader.payruns()}
            debts = {ref: reader.debtor(ref) for ref in model.debts}
        assert set(items) == set(model.items), f"items {sorted(set(items) ^ set(model.items))} are not the model's"
        for name, item in model.items.items():
            row = items[name]
            assert (row["kind"], row["state"], row["keyed_by"], row["decided_by"], row["payee"], row["amount_pence"],
                    row["duplicate_of"], row["run"]) == (item.kind, item.state, item.keyed_by, item.decided_by,
                                                         item.payee, item.amount_pence, item.duplicate_of, item.run), name
        assert {name: (row["end_date"], row["paid_to"]) for name, row in packages.items()} == {
            name: (p.end and p.end.isoformat(), p.paid_to and p.paid_to.isoformat()) for name, p in model.packages.items()}
        assert {name: (row["state"], row["total_pence"]) for name, row in runs.items()} == {
            run.run: (run.state, run.total_pence) for run in model.runs}
        assert {ref: [row["raised_pence"], row["collected_pence"]] for ref, row in debts.items()} == model.debts
        replayed = {account: pence for account, pence in audit.replay(self.ledger.store).balances.items()
                    if account.startswith(FINANCE_ACCOUNTS)}
        assert replayed == {account: pence for account, pence in sorted(self.balances.items()) if pence}
