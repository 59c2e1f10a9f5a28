"""What a finance officer keys and a supervisor authorises: payees, invoices, payments, care packages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from ledger import finance_rules as checks
from ledger import packages, rules
from ledger.admin import SETTINGS
from ledger.chain import Entry, format_recorded_at
from ledger.names import invoice_key
from ledger.records import Body, FinanceException, make_body
from ledger.references import check_reference
from ledger.refusals import Outcome, Refused
from ledger.service import Actor, LedgerCore, Posted, two_postings

if TYPE_CHECKING:
    from ledger.store import Reader, Writer

FINANCE = ("finance",)
SUPERVISOR = ("supervisor",)
ITEM_PREFIX = {"invoice": "INV", "payment": "PAY", "package": "PKG", "change": "CHG"}


def creditors(payee: str) -> str:
    return f"Liabilities:Creditors:{payee}"


def next_item(writer: Writer, kind: str) -> str:
    return f"{ITEM_PREFIX[kind]}-{writer.next_item_no(kind):04d}"


def authorisation_limit_pence(reader: Reader, username: str) -> int:
    value = reader.setting("authorisation_limit_pence", username)
    if value is None:
        value = reader.setting("authorisation_limit_pence")
    return SETTINGS["authorisation_limit_pence"][2] if value is None else value


class FinanceOps(LedgerCore):
    """Keying (the finance role) and authorising (a supervisor who never keyed it), each one entry."""

    # -- payees --------------------------------------------------------------------------
    def add_payee(self, actor: Actor, payee: str, *, name: str, kind: str, creditor: str,
                  entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            if writer.payee(request.payee) is not None:
                raise Refused(Outcome.PAYEE_EXISTS, f"there is already a payee {request.payee}")
            holder = writer.payee_by_creditor(request.creditor)
            if holder is not None:
                raise Refused(Outcome.CREDITOR_EXISTS,
                              f"creditor number {request.creditor} belongs to payee {holder['payee']}")
            rules.raise_first(check_reference(writer, "payee", request.payee),
                              check_reference(writer, "creditor", request.creditor))
            return self.london_date(), {}

        fields = {"payee": payee, "name": name, "kind": kind, "creditor": creditor}
        return self._post(actor, "payee_added", FINANCE, fields, decide, entry_id)

    def retire_payee(self, actor: Actor, payee: str, reason: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = writer.payee(request.payee)
            rules.raise_first(checks.check_payee(request.payee, row), checks.check_payee_usable(row))
            return self.london_date(), {}

        return self._post(actor, "payee_retired", FINANCE, {"payee": payee, "reason": reason}, decide)

    # -- invoices and ad-hoc payments ----------------------------------------------------
    def key_invoice(self, actor: Actor, *, payee: str, invoice_no: str, invoice_date: str, amount_pence: int,
                    code: str, description: str, case_ref: str | None = None, period: str | None = None,
                    confirm_duplicate: str | None = None, entry_id: str | None = None) -> Posted:
        fields = {"payee": payee, "invoice_no": invoice_no, "invoice_date": invoice_date,
                  "amount_pence": amount_pence, "code": code, "description": description, "case_ref": case_ref,
                  "period": period, "duplicate_reason": confirm_duplicate}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            self._check_keying(writer, request.payee, request.code, request.case_ref)
            key = invoice_key(request.invoice_no)
            duplicate = checks.find_duplicate(request.payee, key, request.amount_pence, request.invoice_date,
                                              writer.invoices_like(request.payee, key))
            if duplicate is not None and request.duplicate_reason is None:
                raise Refused(Outcome.POSSIBLE_DUPLICATE,
                              f"possible duplicate of {duplicate.item} ({duplicate.rule}); "
                              "if it is not, key it again confirming with a reason")
            return self.london_date(), {"item": next_item(writer, "invoice"),
                                        "duplicate_of": duplicate.item if duplicate else None}

        return self._post(actor, "invoice_keyed", FINANCE, fields, decide, entry_id)

    def key_payment(self, actor: Actor, *, payee: str, amount_pence: int, code: str, reason: str,
                    case_ref: str | None = None, entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            self._check_keying(writer, request.payee, request.code, request.case_ref)
            return self.london_date(), {"item": next_item(writer, "payment")}

        fields = {"payee": payee, "amount_pence": amount_pence, "code": code, "reason": reason, "case_ref": case_ref}
        return self._post(actor, "payment_keyed", FINANCE, fields, decide, entry_id)

    @staticmethod
    def _check_keying(writer: Writer, payee: str, code: str, case_ref: str | None, *, carer: bool = False) -> dict:
        row = writer.payee(payee)
        rules.raise_first(checks.check_payee(payee, row), rules.check_code(code, writer.code(code), "cost"),
                          check_reference(writer, "case", case_ref),
                          row and checks.check_payee_usable(row, carer=carer))
        return row

    # -- care packages -------------------------------------------------------------------
    def start_package(self, actor: Actor, *, payee: str, case_ref: str, dob: str, start: str,
                      end: str | None = None, reward_pence: int, code: str,
                      entry_id: str | None = None) -> Posted:
        def fields() -> dict:
            _in_order((dob, "the date of birth"), (start, "the start"))
            if end is not None:
                _in_order((start, "the start"), (end, "the end"))
            return {"payee": payee, "case_ref": case_ref, "dob": dob, "start": start, "end": end,
                    "reward_pence": reward_pence, "code": code}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            self._check_keying(writer, request.payee, request.code, request.case_ref, carer=True)
            return self.london_date(), {"item": next_item(writer, "package")}

        return self._post(actor, "package_started", FINANCE, fields, decide, entry_id)

    def change_package(self, actor: Actor, package: str, *, from_date: str, reward_pence: int, reason: str,
                       entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = self._live_package(writer, request.package)
            _check_change_date(row, request.from_date, _committed_to(writer, row, format_recorded_at(self.clock())))
            return self.london_date(), {"item": next_item(writer, "change")}

        fields = {"package": package, "from_date": from_date, "reward_pence": reward_pence, "reason": reason}
        return self._post(actor, "package_changed", FINANCE, fields, decide, entry_id)

    def end_package(self, actor: Actor, package: str, *, on: str, reason: str,
                    entry_id: str | None = None) -> Posted:
        """The last day paid; one back-dated into paid days records the overpayment in the same write."""
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = self._live_package(writer, request.package)
            if row["end_date"] is not None and request.end > row["end_date"]:
                raise Refused(Outcome.PACKAGE_ENDED, f"{row['package']} already ends on {row['end_date']}: "
                              "an end moves only earlier (start a new package to carry on)")
            if request.end < _day_before(row["start"]):
                raise Refused(Outcome.TEXT_INVALID, f"the end {request.end} is before the start {row['start']}")
            overpaid = None
            if row["paid_to"] is not None and request.end < row["paid_to"]:
                overpaid = packages.overpaid_pence(writer, row, request.end)
            return self.london_date(), {"overpaid_pence": overpaid}

        def follow(writer: Writer, entry: Entry, body: dict) -> None:
            if body.get("overpaid_pence"):
                self._record_overpayment(writer, entry, writer.package(body["package"]), body)

        fields = {"package": package, "end": on, "reason": reason}
        return self._post(actor, "package_ended", FINANCE, fields, decide, entry_id, follow)

    def _record_overpayment(self, writer: Writer, ended: Entry, row: dict, body: dict) -> None:
        first = (date.fromisoformat(body["end"]) + timedelta(days=1)).isoformat()
        last = row["paid_to"]
        debtor_ref = f"OP-{row['package']}"
        overpaid = body["overpaid_pence"]
        record = {"package": row["package"], "payee": row["payee"], "debtor_ref": debtor_ref, "first": first,
                  "last": last, "days": (date.fromisoformat(last) - date.fromisoformat(first)).days + 1,
                  "amount_pence": overpaid, "code": row["code"],
                  "postings": two_postings(f"Assets:Debtors:{debtor_ref}", f"Expenses:{row['code']}", overpaid)}
        self._append(writer, "overpayment_recorded", ended.actor, ended.business_date,
                     make_body("overpayment_recorded", **record), f"{ended.entry_id}:overpayment")

    @staticmethod
    def _live_package(writer: Writer, package: str) -> dict:
        row = writer.package(package)
        if row is None:
            raise Refused(Outcome.ITEM_UNKNOWN, f"there is no package {package}")
        if row["state"] == "rejected":
            raise Refused(Outcome.ITEM_DECIDED, f"{package} was rejected: key a new package")
        return row

    # -- rates ---------------------------------------------------------------------------
    def set_rates(self, actor: Actor, *, from_date: str, weekly_pence: dict[str, int]) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            _check_rates_date(request.from_date, _rates_committed_to(writer, format_recorded_at(self.clock())))
            return self.london_date(), {}

        return self._post(actor, "rates_set", ("admin",), {"from_date": from_date, "weekly_pence": weekly_pence},
                          decide)

    # -- four eyes -----------------------------------------------------------------------
    def authorise_item(self, actor: Actor, item: str, entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = self._pending(writer, request.item)
            if row["kind"] == "change":
                package = writer.package(row["package"])
                _check_change_date(package, row["from_date"],
                                   _committed_to(writer, package, format_recorded_at(self.clock())))
            cost_pence = packages.item_cost_pence(writer, row)
            limit_pence = authorisation_limit_pence(writer, actor.username)
            rules.raise_first(checks.check_hands(actor.username, row, writer.item_hands(row["package"] or row["item"])),
                              checks.check_authorisation_limit(actor.username, cost_pence, limit_pence))
            postings = ()
            if row["kind"] in ("invoice", "payment"):
                postings = two_postings(f"Expenses:{row['code']}", creditors(row["payee"]), row["amount_pence"])
            return self.london_date(), {"cost_pence": cost_pence, "limit_pence": limit_pence,
                                        "exceptions": as_notes(packages.item_exceptions(writer, row)),
                                        "postings": postings}

        return self._post(actor, "item_authorised", SUPERVISOR, {"item": item}, decide, entry_id)

    def reject_item(self, actor: Actor, item: str, reason: str, entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = self._pending(writer, request.item)
            rules.raise_first(checks.check_hands(actor.username, row, writer.item_hands(row["package"] or row["item"])))
            return self.london_date(), {}

        return self._post(actor, "item_rejected", SUPERVISOR, {"item": item, "reason": reason}, decide, entry_id)

    @staticmethod
    def _pending(writer: Writer, item: str) -> dict:
        row = writer.item(item)
        rules.raise_first(checks.check_item(item, row), row and checks.check_pending(row))
        return row


def as_notes(notes: list[dict]) -> tuple[FinanceException, ...]:
    return tuple(FinanceException(**note) for note in notes)


def _day_before(text: str) -> str:
    return (date.fromisoformat(text) - timedelta(days=1)).isoformat()


def _in_order(earlier: tuple[str, str], later: tuple[str, str]) -> None:
    """Two typed dates (already shaped YYYY-MM-DD by the caller or refused by the body) in order."""
    try:
        first, second = date.fromisoformat(earlier[0]), date.fromisoformat(later[0])
    except (TypeError, ValueError):
        return  # the body's own validation names the bad date
    if second < first:
        raise Refused(Outcome.TEXT_INVALID, f"{later[1]} {later[0]} is before {earlier[1]} {earlier[0]}")


def _committed_to(reader: Reader, row: dict, now_utc: str) -> tuple[str | None, str | None]:
    """The last day of a package that is paid, or bound to be: a run past its cut-off pays an
    authorised package to its period end on the changes authorised before that cut-off, so a
    change authorised later could never reach those days. Returns (that day, the open run or None)."""
    day, run = row["paid_to"], None
    if row["state"] != "authorised":
        return day, run
    for payrun in reader.open_payruns_past_cutoff(now_utc):
        if row["decided_at"] < payrun["cutoff_utc"] and (day is None or payrun["period_end"] > day):
            day, run = payrun["period_end"], payrun["run"]
    return day, run


def _rates_committed_to(reader: Reader, now_utc: str) -> tuple[str | None, str | None]:
    """The last day any package is paid, or bound to be by a run past its cut-off: the last of the days that run
    pays the packages authorised before its cut-off (as `_committed_to`, over every package; a package already
    paid to its end, or starting after the run's period, adds none). Returns (that day, the open run or None)."""
    day, run = reader.last_day_paid(), None
    passed = reader.open_payruns_past_cutoff(now_utc)
    rows = reader.packages() if passed else []
    for payrun in passed:
        for row in rows:
            if row["state"] != "authorised" or row["decided_at"] >= payrun["cutoff_utc"]:
                continue
            days = packages.run_days(row, payrun["period_end"])
            if days is not None and (day is None or days[1] > day):
                day, run = days[1], payrun["run"]
    return day, run


def _check_rates_date(from_date: str, committed: tuple[str | None, str | None]) -> None:
    """Rates apply to days not yet paid, as a package's change does: days are paid once, on the rates of their
    run, and an overpayment is priced on the rates in force, so rates reaching back would misprice it."""
    paid_to, run = committed
    if paid_to is not None and from_date <= paid_to:
        paid = f"are paid to {paid_to}" if run is None else f"are paid to {paid_to} by {run}, past its cut-off"
        raise Refused(Outcome.DAYS_ALREADY_PAID, f"packages {paid}: rates can take effect from "
                      f"{(date.fromisoformat(paid_to) + timedelta(days=1)).isoformat()}; pay arrears for earlier "
                      "days as a payment")


def _check_change_date(row: dict, from_date: str, committed: tuple[str | None, str | None]) -> None:
    if from_date < row["start"]:
        raise Refused(Outcome.TEXT_INVALID, f"the change from {from_date} is before {row['package']} starts "
                      f"({row['start']})")
    if row["end_date"] is not None and from_date > row["end_date"]:
        raise Refused(Outcome.PACKAGE_ENDED, f"{row['package']} ends on {row['end_date']}; "
                      f"a change from {from_date} would come after it")
    paid_to, run = committed
    if paid_to is not None and from_date <= paid_to:
        paid = f"is paid to {paid_to}" if run is None else f"is paid to {paid_to} by {run}, past its cut-off"
        raise Refused(Outcome.DAYS_ALREADY_PAID, f"{row['package']} {paid}: a change can take effect from "
                      f"{(date.fromisoformat(paid_to) + timedelta(days=1)).isoformat()}")
