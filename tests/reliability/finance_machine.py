"""The finance desk's state machine: each rule drives the real service layer and asserts the outcome
the pure model (finance_model.py) predicts. Keying, four eyes, retries and crashes are here; pay
runs in finance_runs.py; the invariants in finance_desk.py. Run by test_finance_state_machine.py."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule
from ledger.refusals import Outcome, Refused

from finance_desk import (ACTORS, AMOUNTS, AUTHORISERS, INVOICE_DATES, KEYERS, LIMITS, NUMBERS, OTHER_KEYER,
                          OTHER_SUPERVISOR, PAYEES, SUPERVISORS_ACTS)
from finance_model import ONE_DAY, Item, Package
from finance_runs import PayRuns


class FinanceMachine(PayRuns):
    """Three keyers' and authorisers' worth of the desk: fay keys, kit keys and authorises, sam and
    tess authorise (tess up to £500), against carers CAR1 and CAR2 and provider PRV1."""

    @initialize()
    def a_desk_at_work(self):
        """Three packages of two carers authorised (one child turning 11 in December, one 18 in February),
        and the first run scheduled, so that runs have lines to pay, and recover from, from the start."""
        self.start_package("fay", "CAR1", 0, (11, 40), None, 10_000)
        self.start_package("kit", "CAR2", 7, (5, -20), 45, 17_500)
        self.start_package("fay", "CAR1", 0, (18, 100), None, 0)  # the same carer's other child: 18 on 10 February
        for package in ("PKG-0001", "PKG-0002", "PKG-0003"):
            self._authorise(package, "sam")
        self.schedule_next_run(1, "friday")

    # -- keying ----------------------------------------------------------------------------------
    @rule(who=st.sampled_from(KEYERS), payee=st.sampled_from(PAYEES), number=st.sampled_from(NUMBERS),
          invoice_date=st.sampled_from(INVOICE_DATES), amount_pence=st.sampled_from(AMOUNTS), confirm=st.booleans())
    def key_invoice(self, who, payee, number, invoice_date, amount_pence, confirm):
        self._key_invoice(who, payee, number, invoice_date, amount_pence, confirm)

    @precondition(lambda self: any(item.kind == "invoice" and item.state != "rejected"
                                   for item in self.model.items.values()))
    @rule(data=st.data(), who=st.sampled_from(KEYERS), by_rule=st.sampled_from((1, 2, 3)),
          confirm=st.sampled_from((False, False, True)))
    def key_a_possible_duplicate(self, data, who, by_rule, confirm):
        """An invoice like a live one by one rule: the same payee and number (typed another way), the
        same number and amount under another payee, or the same payee and amount within 14 days."""
        earlier = self.model.items[data.draw(st.sampled_from(sorted(
            name for name, item in self.model.items.items() if item.kind == "invoice" and item.state != "rejected")),
            label="earlier")]
        same_key = [number for number in NUMBERS if number[1] == earlier.key]
        number = data.draw(st.sampled_from(same_key if by_rule < 3 else NUMBERS), label="number")
        payee = earlier.payee if by_rule != 2 else data.draw(st.sampled_from(
            [payee for payee in PAYEES if payee != earlier.payee]), label="payee")
        amount_pence = earlier.amount_pence if by_rule > 1 else data.draw(st.sampled_from(AMOUNTS), label="amount")
        invoice_date = earlier.invoice_date + data.draw(st.integers(-14, 14), label="days") * ONE_DAY
        self._key_invoice(who, payee, number, invoice_date, amount_pence, confirm)

    def _key_invoice(self, who, payee, number, invoice_date, amount_pence, confirm):
        typed, key = number
        duplicate_of = self.model.duplicate_of(payee, key, amount_pence, invoice_date)
        expected = Outcome.POSSIBLE_DUPLICATE if duplicate_of and not confirm else Outcome.APPENDED
        expected_item = self.model.next_item("invoice")
        posted = self._attempt(expected, "key_invoice", who, payee=payee, invoice_no=typed,
                               invoice_date=invoice_date.isoformat(), amount_pence=amount_pence, code="EXP1",
                               description="Respite care", confirm_duplicate="Checked: a second weekend" if confirm else None)
        if posted is not None:
            assert posted.body["item"] == expected_item
            assert posted.body.get("duplicate_of") == duplicate_of, f"keyed as a duplicate of " \
                f"{posted.body.get('duplicate_of')}; model says possible_duplicate of {duplicate_of}"
            self._keyed(posted, "invoice", who, payee=payee, amount_pence=amount_pence, key=key,
                        invoice_date=invoice_date, duplicate_of=duplicate_of)

    @rule(who=st.sampled_from(KEYERS), payee=st.sampled_from(PAYEES), amount_pence=st.sampled_from(AMOUNTS))
    def key_payment(self, who, payee, amount_pence):
        expected_item = self.model.next_item("payment")
        posted = self._attempt(Outcome.APPENDED, "key_payment", who, payee=payee, amount_pence=amount_pence,
                               code="EXP1", reason="Birthday allowance")
        assert posted.body["item"] == expected_item
        self._keyed(posted, "payment", who, payee=payee, amount_pence=amount_pence)

    @rule(who=st.sampled_from(KEYERS), payee=st.sampled_from(PAYEES), start_day=st.integers(0, 70),
          dob=st.one_of(st.tuples(st.sampled_from((3, 5, 11, 16, 18)), st.integers(-30, 120)),
                        st.sampled_from((date(2016, 2, 29), date(2024, 2, 29)))),
          length=st.sampled_from((None, None, -1, 0, 6, 20, 45, 100)), reward_pence=st.sampled_from((0, 10_000, 17_500)))
    def start_package(self, who, payee, start_day, dob, length, reward_pence):
        start = date(2026, 11, 2) + start_day * ONE_DAY
        if isinstance(dob, tuple):  # a child reaching the band's first age `age` some days from the start
            age, days_to_birthday = dob
            birthday = start + days_to_birthday * ONE_DAY
            dob = birthday.replace(year=birthday.year - age)  # never 29 February: 2026 and 2027 are common years
        end = None if length is None else start + length * ONE_DAY
        if end is not None and end < start:
            expected = Outcome.TEXT_INVALID
        else:
            expected = Outcome.NOT_A_CARER if payee == "PRV1" else Outcome.APPENDED
        expected_item = self.model.next_item("package")
        posted = self._attempt(expected, "start_package", who, payee=payee, case_ref=f"CASE-{start_day}",
                               dob=dob.isoformat(), start=start.isoformat(), end=end and end.isoformat(),
                               reward_pence=reward_pence, code="FOST")
        if posted is not None:
            assert posted.body["item"] == expected_item
            self._keyed(posted, "package", who, payee=payee, from_date=start, reward_pence=reward_pence)
            self.model.packages[expected_item] = Package(expected_item, payee, f"CASE-{start_day}", dob, start, end,
                                                         reward_pence)

    def _date_check(self, package: Package, from_date: date) -> Outcome | None:
        """The checks a reward change meets at keying and again at authorising."""
        committed = self.model.committed_to(package, self.clock.utc())
        if from_date < package.start:
            return Outcome.TEXT_INVALID
        if package.end is not None and from_date > package.end:
            return Outcome.PACKAGE_ENDED
        if committed is not None and from_date <= committed:
            return Outcome.DAYS_ALREADY_PAID
        return None

    def _live_package(self, item: str) -> tuple[Package | None, Outcome | None]:
        package = self.model.packages.get(item)
        if package is None:
            return None, Outcome.ITEM_UNKNOWN
        return package, Outcome.ITEM_DECIDED if self.model.items[item].state == "rejected" else None

    def _near(self, data, package: Package | None, label: str) -> date:
        """A date where the rules bite: around the start, the last day paid (or bound to be), the end."""
        if package is None:
            return date(2026, 12, 1)
        committed = self.model.committed_to(package, self.clock.utc())
        marks = [package.start - 2 * ONE_DAY, package.start - ONE_DAY, package.start, package.start + 9 * ONE_DAY]
        if committed is not None:
            marks += [committed - 3 * ONE_DAY, committed, committed + ONE_DAY]
        if package.end is not None:
            marks += [package.end, package.end + ONE_DAY]
        return data.draw(st.sampled_from(marks), label=label)

    @rule(data=st.data(), who=st.sampled_from(KEYERS), reward_pence=st.sampled_from((12_000, 30_000)))
    def change_package(self, data, who, reward_pence):
        item = self._pick(data, sorted(self.model.packages), "PKG-0999", "package")
        package, expected = self._live_package(item)
        from_date = self._near(data, package, "from_date")
        expected = expected or self._date_check(package, from_date) or Outcome.APPENDED
        expected_item = self.model.next_item("change")
        posted = self._attempt(expected, "change_package", who, package=item, from_date=from_date.isoformat(),
                               reward_pence=reward_pence, reason="Skills level 2")
        if posted is not None:
            assert posted.body["item"] == expected_item
            self._keyed(posted, "change", who, package=item, payee=package.payee, from_date=from_date,
                        reward_pence=reward_pence)

    @rule(data=st.data(), who=st.sampled_from(KEYERS))
    def end_package(self, data, who):
        item = self._pick(data, sorted(self.model.packages), "PKG-0999", "package")
        self._end(who, item, self._near(data, self.model.packages.get(item), "on"))

    def _paid_packages(self) -> list[str]:
        return sorted(name for name, package in self.model.packages.items() if package.paid
                      and (package.end is None or package.end > package.start))

    @precondition(lambda self: self._paid_packages())
    @rule(data=st.data(), who=st.sampled_from(KEYERS), back=st.integers(1, 20))
    def end_a_paid_package_back_dated(self, data, who, back):
        item = data.draw(st.sampled_from(self._paid_packages()), label="package")
        package = self.model.packages[item]
        self._end(who, item, max(package.paid_to - back * ONE_DAY, package.start - ONE_DAY))

    def _end(self, who: str, item: str, on: date) -> None:
        package, expected = self._live_package(item)
        if expected is None:
            if package.end is not None and on > package.end:
                expected = Outcome.PACKAGE_ENDED
            elif on < package.start - ONE_DAY:
                expected = Outcome.TEXT_INVALID
        posted = self._attempt(expected or Outcome.APPENDED, "end_package", who, package=item, on=on.isoformat(),
                               reason="Placement ended")
        if posted is None:
            return
        overpaid = None
        if package.paid_to is not None and on < package.paid_to:
            overpaid = self.model.overpaid_pence(package, on)
        assert posted.body.get("overpaid_pence") == overpaid, (posted.body.get("overpaid_pence"), overpaid)
        if overpaid:
            self.seen[("end_package", "overpaid")] += 1
            self.head += 1  # the overpayment_recorded entry, in the same transaction
            self.model.debts.setdefault(f"OP-{item}", [0, 0])[0] += overpaid
            self._move(f"Assets:Debtors:OP-{item}", f"Expenses:{package.code}", overpaid)
        package.end = on
        self.model.hands[item].add(who)

    # -- four eyes -------------------------------------------------------------------------------
    def _item_to_decide(self, data) -> str:
        items = self.model.items
        keyed = sorted(name for name, item in items.items() if item.state == "keyed")
        pending = data.draw(st.sampled_from((True, True, True, False)), label="pending")
        return data.draw(st.sampled_from(keyed) if keyed and pending else
                         st.sampled_from([*items, "INV-0999"]), label="item")

    def _decision(self, name: str, by: str, authorising: bool) -> Outcome | None:
        item = self.model.items.get(name)
        if item is None:
            return Outcome.ITEM_UNKNOWN
        if item.state != "keyed":
            return Outcome.ITEM_DECIDED
        if authorising and item.kind == "change":
            refused = self._date_check(self.model.packages[item.package], item.from_date)
            if refused:
                return refused
        if by in self.model.hands[item.root]:
            return Outcome.OWN_ENTRY
        if authorising and self.model.cost_pence(item) > LIMITS[by]:
            return Outcome.AUTHORISATION_LIMIT_EXCEEDED
        return None

    def _decided(self, posted, name: str, by: str, state: str) -> Item:
        item = self.model.items[name]
        item.state, item.decided_by, item.decided_at, item.decided_seq = state, by, posted.entry.recorded_at, posted.seq
        return item

    @rule(data=st.data(), by=st.sampled_from(AUTHORISERS))
    def authorise(self, data, by):
        self._authorise(self._item_to_decide(data), by)

    def _touched_by_kit(self) -> list[str]:
        return sorted(name for name, item in self.model.items.items()
                      if item.state == "keyed" and "kit" in self.model.hands[item.root])

    @precondition(lambda self: self._touched_by_kit())
    @rule(data=st.data(), authorising=st.booleans())
    def a_hand_tries_to_decide(self, data, authorising):
        """kit (finance and supervisor) decides an item that kit keyed, or whose package kit changed or ended."""
        name = data.draw(st.sampled_from(self._touched_by_kit()), label="item")
        if authorising:
            self._authorise(name, "kit")
        else:
            self._reject(name, "kit")

    @precondition(lambda self: any(item.state == "keyed" for item in self.model.items.values()))
    @rule(data=st.data())
    def the_lowest_limit_authorises(self, data):
        """tess, whose limit is £500, authorises a waiting item: most packages cost more."""
        self._authorise(data.draw(st.sampled_from(sorted(name for name, item in self.model.items.items()
                                                         if item.state == "keyed")), label="item"), "tess")

    def _authorise(self, name: str, by: str) -> None:
        expected = self._decision(name, by, authorising=True)
        cost_pence = self.model.cost_pence(self.model.items[name]) if expected is None else None
        posted = self._attempt(expected or Outcome.APPENDED, "authorise_item", by, item=name)
        if posted is not None:
            assert posted.body["cost_pence"] == cost_pence, (posted.body["cost_pence"], cost_pence)
            item = self._decided(posted, name, by, "authorised")
            if item.kind in ("invoice", "payment"):
                self._move("Expenses:EXP1", f"Liabilities:Creditors:{item.payee}", item.amount_pence)

    @rule(data=st.data(), by=st.sampled_from(AUTHORISERS))
    def reject(self, data, by):
        self._reject(self._item_to_decide(data), by)

    def _reject(self, name: str, by: str) -> None:
        expected = self._decision(name, by, authorising=False)
        posted = self._attempt(expected or Outcome.APPENDED, "reject_item", by, item=name, reason="Wrong cost code")
        if posted is not None:
            self._decided(posted, name, by, "rejected")

    # -- retries and crashes ---------------------------------------------------------------------
    @precondition(lambda self: self.done)
    @rule(data=st.data(), same=st.booleans())
    def retry_entry_id(self, data, same):
        method, who, kwargs, entry_id, seq = data.draw(st.sampled_from(self.done), label="earlier")
        if not same:
            text = next((key for key in ("description", "reason", "case_ref") if kwargs.get(key)), None)
            if text:
                kwargs = {**kwargs, text: f"{kwargs[text]}-again"}
            else:
                who = (OTHER_SUPERVISOR if method in SUPERVISORS_ACTS else OTHER_KEYER)[who]
        expected = Outcome.ALREADY_RECORDED if same else Outcome.ENTRY_ID_REUSED
        self.seen[("retry_entry_id", expected.value)] += 1
        try:
            posted = getattr(self.ledger, method)(ACTORS[who], **kwargs, entry_id=entry_id)
        except Refused as refusal:
            assert refusal.outcome is expected, f"retry {method}: got {refusal.outcome}; model says {expected}"
            return
        assert (posted.outcome, posted.seq) == (expected, seq), (posted.outcome, posted.seq, seq)

    @rule()
    def crash_and_reopen(self):
        self.ledger.close()
        self.ledger = self._open()
