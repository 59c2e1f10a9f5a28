"""The finance desk's and the bank statement's entry bodies (DESIGN.md §9, §10); registered in records.BODIES."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from ledger.kinds import CHECK_SCHEMES, REFERENCE_TYPES
from ledger.money import MAX_AMOUNT_PENCE
from ledger.record_types import (
    BagNumber, Body, CodeName, Description, IsoDate, Name, Pence, Posting, Reason, Ref, Reference, _pattern, _text,
)


# -- the finance desk (DESIGN.md §9) -----------------------------------------------------
ItemId = _pattern(re.compile(r"(INV|PAY|PKG|CHG)-\d{4,8}"), "item id (INV-, PAY-, PKG- or CHG- and digits)")
RunId = _pattern(re.compile(r"PR-\d{4,8}"), "pay run id (PR- and digits)")
Creditor = _pattern(re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,19}"),
                    "creditor number (letters, digits, / . _ -; up to 20)")
Weekly = Annotated[int, Field(ge=0, le=MAX_AMOUNT_PENCE)]
#: The fostering allowance's age bands, in the order a rate table lists them.
BANDS = ("0-2", "3-4", "5-10", "11-15", "16-17")


class FinanceException(Body):
    """Something an authoriser or the closer of a run must see: kind, the item, one line."""

    kind: str
    item: str
    message: str


class PayeeAdded(Body):
    payee: Ref
    name: Name
    kind: Literal["carer", "provider", "individual"]
    creditor: Creditor


class PayeeRetired(Body):
    payee: Ref
    reason: Reason | None = None


class InvoiceKeyed(Body):
    item: str = ""
    payee: Ref
    invoice_no: Reference
    invoice_date: IsoDate
    amount_pence: Pence
    code: CodeName
    description: Description
    case_ref: Ref | None = None
    period: Reference | None = None
    duplicate_of: str | None = None
    duplicate_reason: Reason | None = None


class PaymentKeyed(Body):
    item: str = ""
    payee: Ref
    amount_pence: Pence
    code: CodeName
    reason: Reason
    case_ref: Ref | None = None


class PackageStarted(Body):
    item: str = ""
    payee: Ref
    case_ref: Ref
    dob: IsoDate
    start: IsoDate
    end: IsoDate | None = None
    reward_pence: Weekly
    code: CodeName


class PackageChanged(Body):
    item: str = ""
    package: ItemId
    from_date: IsoDate
    reward_pence: Weekly
    reason: Reason


class PackageEnded(Body):
    package: ItemId
    end: IsoDate
    reason: Reason
    overpaid_pence: int | None = None


class ItemAuthorised(Body):
    item: ItemId
    cost_pence: int = 0
    limit_pence: int = 0
    exceptions: tuple[FinanceException, ...] = ()
    postings: tuple[Posting, ...] = ()


class ItemRejected(Body):
    item: ItemId
    reason: Reason


def _every_band(rates: dict) -> dict:
    missing = [band for band in BANDS if band not in rates]
    if missing:
        raise ValueError(f"needs a weekly rate for every age band; missing {', '.join(missing)}")
    return {band: rates[band] for band in BANDS}


class RatesSet(Body):
    from_date: IsoDate
    weekly_pence: Annotated[dict[Literal["0-2", "3-4", "5-10", "11-15", "16-17"], Weekly],
                            AfterValidator(_every_band)]


class PayrunScheduled(Body):
    run: str = ""
    pay_date: IsoDate
    cutoff: str
    cutoff_utc: str = ""
    period_end: IsoDate


class PayrunLine(Body):
    item: str
    kind: Literal["invoice", "payment", "package", "recovery"]
    payee: str
    creditor: str
    code: str
    amount_pence: int
    reference: str
    first: str | None = None
    last: str | None = None


class PayrunClosed(Body):
    run: RunId
    reason: Reason | None = None
    lines: tuple[PayrunLine, ...] = ()
    line_count: int = 0
    total_pence: int = 0
    exceptions: tuple[FinanceException, ...] = ()
    export_sha256: str = ""
    postings: tuple[Posting, ...] = ()


class PayrunPaid(Body):
    run: RunId
    paid_on: IsoDate
    total_pence: int = 0
    line_seq: int | None = None
    postings: tuple[Posting, ...] = ()


class OverpaymentRecorded(Body):
    package: ItemId
    payee: str
    debtor_ref: str
    first: IsoDate
    last: IsoDate
    days: int
    amount_pence: Pence
    code: CodeName
    postings: tuple[Posting, ...] = ()
#: Reference types an admin may give a rule, and the check-digit schemes (python-stdnum) a rule may use.
#: A statement line's amount or running balance: a council's bank account can hold more than one payment may.
MAX_STATEMENT_PENCE = 10**13
StatementPence = Annotated[int, Field(ge=-MAX_STATEMENT_PENCE, le=MAX_STATEMENT_PENCE)]
ProfileName = _pattern(re.compile(r"[a-z0-9][a-z0-9_-]{0,31}"), "profile name (a-z, 0-9, _ -; up to 32)")


class StatementLineImported(Body):
    """One line of a bank statement, as read by a profile; `bag` is the bag in transit it names."""

    profile: ProfileName
    account: _text(40)
    date: IsoDate
    amount_pence: Annotated[StatementPence, AfterValidator(lambda v: _nonzero(v))]
    reference: _text(140) | None = None
    description: _text(200) | None = None
    detail: _text(200) | None = None
    type: _text(20) | None = None
    balance_pence: StatementPence | None = None
    occurrence: Annotated[int, Field(ge=1)] | None = None
    line: Annotated[int, Field(ge=1)]
    bag: BagNumber | None = None


def _nonzero(value: int) -> int:
    if value == 0:
        raise ValueError("is zero")
    return value


class BankingConfirmed(Body):
    """A statement credit naming a bag in transit, for exactly the bag's amount."""

    bag: BagNumber
    line_seq: Annotated[int, Field(ge=1)]
    amount_pence: Pence
    postings: tuple[Posting, ...] = ()


class BankingResolved(Body):
    """A supervisor settles a bag whose statement credit differs from what was banked."""

    bag: BagNumber
    reason: Reason
    line_seq: int = 0
    banked_pence: int = 0
    statement_pence: int = 0
    variance_pence: int = 0
    postings: tuple[Posting, ...] = ()


class ReferenceRuleSet(Body):
    """An admin's rule for one type of reference: a mask (a regular expression) and a check-digit scheme."""

    type: Literal[REFERENCE_TYPES]
    mask: _text(200)
    check: Literal[CHECK_SCHEMES] | None = None
