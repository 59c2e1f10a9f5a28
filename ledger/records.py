"""Every entry kind's body, as a frozen pydantic model, registered by kind in BODIES: the one place
the ledger's records are defined (the finance desk's and bank statements' in ledger/finance_records.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationError

from ledger.finance_records import (
    BankingConfirmed, BankingResolved, CHECK_SCHEMES, FinanceException, InvoiceKeyed, ItemAuthorised, ItemRejected,
    MAX_STATEMENT_PENCE, OverpaymentRecorded, PackageChanged, PackageEnded, PackageStarted, PayeeAdded,
    PayeeRetired, PaymentKeyed, PayrunClosed, PayrunLine, PayrunPaid, PayrunScheduled, RatesSet, REFERENCE_TYPES,
    ReferenceRuleSet, StatementLineImported,
)
from ledger.money import MAX_AMOUNT_PENCE
from ledger.record_types import (
    BagNumber, Body, clean_text, CODE, CodeName, Description, IsoDate, Method, Name, Override, Pence,
    Posting, Reason, Ref, Reference, ROLES, Username,
)
from ledger.refusals import Outcome, Refused

#: Names other modules take from here though they are defined beside it.
__all__ = ["BODIES", "CHECK_SCHEMES", "CODE", "FinanceException", "MAX_STATEMENT_PENCE", "PayrunLine",
           "REFERENCE_TYPES", "ROLES", "Body", "Posting", "clean_text", "make_body", "refusal_from", "validated"]


class BookCreated(Body):
    office: Name
    currency: Literal["GBP"] = "GBP"
    daily_limit_pence: Pence
    format: int = 1


class UserAdded(Body):
    username: Username
    roles: tuple[Literal["officer", "supervisor", "finance", "auditor", "admin"], ...]
    name: Name | None = None


class UserRolesChanged(Body):
    username: Username
    roles: tuple[Literal["officer", "supervisor", "finance", "auditor", "admin"], ...]


class UserEvent(Body):
    """user_deactivated, user_unlocked, user_locked, signed_in, sign_in_failed."""

    username: Username
    reason: Reason | None = None
    failures: int | None = None
    via: Literal["cli", "console"] | None = None


class CodeAdded(Body):
    code: CodeName
    name: Name
    type: Literal["income", "cost"]


class CodeRetired(Body):
    code: CodeName


class SettingChanged(Body):
    key: str
    value: int | Annotated[str, AfterValidator(lambda v: clean_text(v, limit=500))]
    user: Username | None = None


class SessionOpened(Body):
    officer: Username
    float_pence: Annotated[int, Field(ge=0, le=MAX_AMOUNT_PENCE)]
    denominations: dict[str, int] | None = None
    postings: tuple[Posting, ...] = ()


class ReceiptRecorded(Body):
    receipt_no: int = 0
    method: Method
    code: CodeName
    payer: Name
    reference: Reference | None = None
    description: Description | None = None
    amount_pence: Pence
    override: Override | None = None
    postings: tuple[Posting, ...] = ()


class DebtRaised(Body):
    debtor_ref: Ref
    name: Name
    amount_pence: Pence
    code: CodeName
    description: Description | None = None
    postings: tuple[Posting, ...] = ()


class DebtCollected(Body):
    debtor_ref: Ref
    method: Method
    amount_pence: Pence
    reference: Reference | None = None
    override: Override | None = None
    postings: tuple[Posting, ...] = ()


class PayoutRecorded(Body):
    code: CodeName
    payee: Name
    purpose: Description
    amount_pence: Pence
    receipt_held: bool
    override: Override | None = None
    postings: tuple[Posting, ...] = ()


class WarrantsReceived(Body):
    first: Annotated[int, Field(ge=1, le=999_999_999)]
    last: Annotated[int, Field(ge=1, le=999_999_999)]


class WarrantIssued(Body):
    serial: int = 0
    recipient: Name
    case_ref: Ref | None = None
    journey: Description
    ticket: Literal["single", "return"]
    travel_date: IsoDate | None = None
    value_pence: Pence
    code: CodeName
    purpose: Description | None = None
    override: Override | None = None
    postings: tuple[Posting, ...] = ()


class WarrantSpoiled(Body):
    serial: int
    reason: Reason


class EntryReversed(Body):
    reversed_seq: int
    reversed_entry_id: str | None = None
    reason: Reason
    authorised_by: Username
    postings: tuple[Posting, ...] = ()


class CountDeclared(Body):
    officer: Username
    denominations: dict[str, int]
    cash_pence_counted: Annotated[int, Field(ge=0, le=MAX_AMOUNT_PENCE)]
    cheques_counted: Annotated[int, Field(ge=0, le=10_000)]
    unused_serials: tuple[int, ...] = ()


class RecountRequested(Body):
    officer: Username
    reason: Reason


class DaySignedOff(Body):
    officer: Username
    cash_pence_expected: int = 0
    cash_pence_counted: int = 0
    cash_pence_variance: int = 0
    cheques_expected: int = 0
    cheques_counted: int = 0
    warrants_issued: int = 0
    serials_declared: int = 0
    serials_not_in_stock: tuple[int, ...] = ()
    reason: Reason | None = None
    head_seq: int = 0
    head_hash: str = ""
    postings: tuple[Posting, ...] = ()


class CashBanked(Body):
    officer: Username
    bag: BagNumber
    amount_pence: int = 0
    float_pence: int = 0
    postings: tuple[Posting, ...] = ()


BODIES: dict[str, type[Body]] = {
    "book_created": BookCreated,
    "user_added": UserAdded,
    "user_roles_changed": UserRolesChanged,
    "user_deactivated": UserEvent,
    "user_unlocked": UserEvent,
    "user_locked": UserEvent,
    "signed_in": UserEvent,
    "sign_in_failed": UserEvent,
    "code_added": CodeAdded,
    "code_retired": CodeRetired,
    "setting_changed": SettingChanged,
    "session_opened": SessionOpened,
    "receipt_recorded": ReceiptRecorded,
    "debt_raised": DebtRaised,
    "debt_collected": DebtCollected,
    "payout_recorded": PayoutRecorded,
    "warrants_received": WarrantsReceived,
    "warrant_issued": WarrantIssued,
    "warrant_spoiled": WarrantSpoiled,
    "entry_reversed": EntryReversed,
    "count_declared": CountDeclared,
    "recount_requested": RecountRequested,
    "day_signed_off": DaySignedOff,
    "cash_banked": CashBanked,
    "payee_added": PayeeAdded,
    "payee_retired": PayeeRetired,
    "invoice_keyed": InvoiceKeyed,
    "payment_keyed": PaymentKeyed,
    "package_started": PackageStarted,
    "package_changed": PackageChanged,
    "package_ended": PackageEnded,
    "item_authorised": ItemAuthorised,
    "item_rejected": ItemRejected,
    "rates_set": RatesSet,
    "payrun_scheduled": PayrunScheduled,
    "payrun_closed": PayrunClosed,
    "payrun_paid": PayrunPaid,
    "overpayment_recorded": OverpaymentRecorded,
    "statement_line_imported": StatementLineImported,
    "banking_confirmed": BankingConfirmed,
    "banking_resolved": BankingResolved,
    "reference_rule_set": ReferenceRuleSet,
}

#: Kinds whose amount counts against the officer's daily limit.


def make_body(kind: str, **fields) -> dict:
    """Validate fields as the body of `kind`; a bad field becomes a named refusal."""
    try:
        return BODIES[kind](**fields).dump()
    except ValidationError as error:
        raise refusal_from(error) from None


def refusal_from(error: ValidationError) -> Refused:
    errors = error.errors()
    # Amounts are checked before text (the documented order): an amount error is reported first.
    first = min(errors, key=lambda e: not ".".join(str(part) for part in e["loc"]).endswith("pence"))
    field = ".".join(str(part) for part in first["loc"]) or "value"
    message = first["msg"].removeprefix("Value error, ")
    outcome = Outcome.AMOUNT_INVALID if field.endswith("pence") else Outcome.TEXT_INVALID
    return Refused(outcome, f"{field.replace('_', ' ')} {message}".replace("  ", " "))


def validated(model: type[Body], **fields) -> Body:
    """Build a request model, turning a validation error into a named refusal."""
    try:
        return model(**fields)
    except ValidationError as error:
        raise refusal_from(error) from None
