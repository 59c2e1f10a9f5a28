"""Counter operations: open the till, receipts, collections, payouts, warrants, reversals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger import rules
from ledger.records import Body, Posting
from ledger.references import check_reference
from ledger.refusals import Outcome, Refused
from ledger.service import Actor, LedgerCore, Posted, two_postings

if TYPE_CHECKING:
    from ledger.store import Writer

OFFICER = ("officer",)
#: GBP notes and coins, in pence, that a float or a count may hold.
DENOMINATIONS_PENCE = (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)


def till(officer: str) -> str:
    return f"Assets:Till:{officer}"


def money_account(method: str, officer: str) -> str:
    return till(officer) if method == "cash" else f"Assets:Cheques:{officer}"


class CounterOps(LedgerCore):
    """What an officer does at the counter; every rule is checked inside the write."""

    def open_session(self, actor: Actor, float_pence: int, denominations: dict[int, int] | None = None,
                     entry_id: str | None = None) -> Posted:
        if denominations is not None:
            float_pence = sum(value * count for value, count in denominations.items())

        def fields() -> dict:
            if denominations is not None:
                _denominations_total(denominations)
            return {"officer": actor.username, "float_pence": float_pence,
                    "denominations": {str(k): v for k, v in sorted(denominations.items(), reverse=True)}
                    if denominations else None}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            business_date = self.london_date()
            current = writer.uncounted_session(actor.username)
            if current is not None:
                raise Refused(Outcome.SESSION_ALREADY_OPEN,
                              f"{actor.username}'s session of {current['business_date']} is still open: "
                              "declare its count first")
            if writer.session(actor.username, business_date) is not None:
                raise Refused(Outcome.DAY_CLOSED, f"{actor.username}'s day {business_date} is already closed")
            postings = two_postings(till(actor.username), "Assets:Safe", float_pence) if float_pence else ()
            return business_date, {"postings": postings}

        return self._post(actor, "session_opened", OFFICER, fields, decide, entry_id)

    def record_receipt(self, actor: Actor, *, amount_pence: int, method: str, code: str, payer: str,
                       reference: str | None = None, description: str | None = None,
                       entry_id: str | None = None, authoriser: Actor | None = None,
                       override_reason: str | None = None) -> Posted:
        def fields() -> dict:
            return {"amount_pence": amount_pence, "method": method, "code": code, "payer": payer,
                    "reference": reference, "description": description,
                    "override": _override(authoriser, override_reason)}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            business_date = self._working_date(writer, actor)
            rules.raise_first(rules.check_code(request.code, writer.code(request.code), "income"),
                              check_reference(writer, "receipt", request.reference))
            self._check_limit(writer, actor, business_date, request)
            account = money_account(request.method, actor.username)
            return business_date, {"receipt_no": writer.next_receipt_no(),
                                   "postings": two_postings(account, f"Income:{request.code}", amount_pence)}

        return self._post(actor, "receipt_recorded", OFFICER, fields, decide, entry_id)

    def collect_debt(self, actor: Actor, *, debtor_ref: str, amount_pence: int, method: str,
                     reference: str | None = None, entry_id: str | None = None,
                     authoriser: Actor | None = None, override_reason: str | None = None) -> Posted:
        def fields() -> dict:
            return {"debtor_ref": debtor_ref, "amount_pence": amount_pence, "method": method,
                    "reference": reference, "override": _override(authoriser, override_reason)}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            business_date = self._working_date(writer, actor)
            ref = request.debtor_ref
            rules.raise_first(check_reference(writer, "debtor", ref),
                              rules.check_collection(ref, writer.debtor(ref), amount_pence))
            self._check_limit(writer, actor, business_date, request)
            account = money_account(request.method, actor.username)
            return business_date, {"postings": two_postings(account, f"Assets:Debtors:{ref}", amount_pence)}

        return self._post(actor, "debt_collected", OFFICER, fields, decide, entry_id)

    def record_payout(self, actor: Actor, *, amount_pence: int, code: str, payee: str, purpose: str,
                      receipt_held: bool = True, entry_id: str | None = None,
                      authoriser: Actor | None = None, override_reason: str | None = None) -> Posted:
        def fields() -> dict:
            return {"amount_pence": amount_pence, "code": code, "payee": payee, "purpose": purpose,
                    "receipt_held": receipt_held, "override": _override(authoriser, override_reason)}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            business_date = self._working_date(writer, actor)
            cash_pence = writer.account_balance_pence(till(actor.username), business_date)
            rules.raise_first(rules.check_code(request.code, writer.code(request.code), "cost"),
                              rules.check_cash(cash_pence, amount_pence))
            self._check_limit(writer, actor, business_date, request)
            postings = two_postings(f"Expenses:{request.code}", till(actor.username), amount_pence)
            return business_date, {"postings": postings}

        return self._post(actor, "payout_recorded", OFFICER, fields, decide, entry_id)

    def issue_warrant(self, actor: Actor, *, recipient: str, journey: str, value_pence: int, code: str,
                      case_ref: str | None = None, ticket: str = "single", travel_date: str | None = None,
                      purpose: str | None = None, entry_id: str | None = None,
                      authoriser: Actor | None = None, override_reason: str | None = None) -> Posted:
        def fields() -> dict:
            given = {"recipient": recipient, "journey": journey, "value_pence": value_pence, "code": code,
                     "case_ref": case_ref, "ticket": ticket, "purpose": purpose,
                     "override": _override(authoriser, override_reason)}
            return given if travel_date is None else {**given, "travel_date": travel_date}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            business_date = self._working_date(writer, actor)
            serial = writer.next_stock_serial()
            rules.raise_first(
                rules.check_code(request.code, writer.code(request.code), "cost"),
                check_reference(writer, "case", request.case_ref),
                rules.check_stock_serial(serial, writer.warrant(serial) if serial else None),
            )
            self._check_limit(writer, actor, business_date, request)
            postings = two_postings(f"Expenses:TravelWarrants:{request.code}", "Liabilities:WarrantsPayable",
                                    value_pence)
            derived = {"serial": serial, "postings": postings}
            if travel_date is None:
                derived["travel_date"] = business_date
            return business_date, derived

        return self._post(actor, "warrant_issued", OFFICER, fields, decide, entry_id)

    def spoil_warrant(self, actor: Actor, *, serial: int, reason: str, entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            session = writer.open_session(actor.username)
            business_date = session["business_date"] if session else self.london_date()
            closed = None if session else writer.session(actor.username, business_date)
            rules.raise_first(rules.check_day_open(actor.username, business_date, closed) if closed else None,
                              rules.check_stock_serial(serial, writer.warrant(serial)))
            return business_date, {}

        return self._post(actor, "warrant_spoiled", ("officer", "supervisor", "admin"),
                          {"serial": serial, "reason": reason}, decide, entry_id)

    def reverse(self, actor: Actor, *, seq: int, reason: str, authoriser: Actor,
                entry_id: str | None = None) -> Posted:
        """The exact opposite of one counter entry, authorised by a supervisor who is not its officer."""
        fields = {"reversed_seq": seq, "reason": reason, "authorised_by": authoriser.username}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            original = writer.entry(seq)
            row = writer.counter_entry(seq)
            rules.raise_first(rules.check_reversible(seq, original and {"kind": original.kind}, row))
            officer, business_date = original.actor, original.business_date
            rules.raise_first(
                rules.check_day_open(officer, business_date, writer.session(officer, business_date)),
                rules.check_authoriser(authoriser.username, self._roles_of(writer, authoriser), officer),
            )
            negated = tuple(Posting(account=p["account"], amount_pence=-p["amount_pence"])
                            for p in original.body_dict()["postings"])
            return business_date, {"reversed_entry_id": original.entry_id, "postings": negated}

        return self._post(actor, "entry_reversed", ("officer", "supervisor"), fields, decide, entry_id)

    # -- shared checks -------------------------------------------------------------------
    def _working_date(self, writer: Writer, actor: Actor) -> str:
        """The business date of the officer's open session (never the wall clock's)."""
        open_session = writer.open_session(actor.username)
        today = None if open_session else writer.session(actor.username, self.london_date())
        rules.raise_first(rules.check_session(actor.username, open_session, today))
        return open_session["business_date"]

    def _check_limit(self, writer: Writer, actor: Actor, business_date: str, request: Body) -> None:
        amount_pence = getattr(request, "amount_pence", None) or request.value_pence
        override = request.override
        if override is not None:
            authoriser = Actor(override.supervisor, frozenset())
            rules.raise_first(rules.check_authoriser(
                override.supervisor, self._roles_of(writer, authoriser), actor.username))
        used_pence, limit_pence = writer.limit_state(actor.username, business_date)
        rules.raise_first(rules.check_limit(used_pence, limit_pence, amount_pence, override is not None))

    @staticmethod
    def limit_pence(reader, officer: str) -> int:
        """The officer's own daily limit, else the office's."""
        return reader.setting_for("daily_limit_pence", officer)

    @staticmethod
    def _roles_of(writer: Writer, actor: Actor) -> set[str]:
        user = writer.user(actor.username)
        return set(user["roles"].split(",")) if user and user["active"] and not user["locked"] else set()


def _override(authoriser: Actor | None, reason: str | None) -> dict | None:
    if authoriser is None:
        return None
    if not (reason or "").strip():
        raise Refused(Outcome.OVERRIDE_REASON_REQUIRED,
                      f"{authoriser.username} must give a reason to authorise an entry over the limit")
    return {"supervisor": authoriser.username, "reason": reason}


def _denominations_total(denominations: dict[int, int]) -> int:
    total = 0
    for value_pence, count in denominations.items():
        if value_pence not in DENOMINATIONS_PENCE:
            raise Refused(Outcome.AMOUNT_INVALID, f"{value_pence}p is not a note or coin")
        if not 0 <= count <= 100_000:
            raise Refused(Outcome.AMOUNT_INVALID, f"{count} is not a count of {value_pence}p pieces")
        total += value_pence * count
    return total
