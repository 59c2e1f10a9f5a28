"""Every entry kind's body, as a frozen pydantic model: the one place the ledger's records are defined."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ledger.money import MAX_AMOUNT_PENCE
from ledger.refusals import Outcome, Refused

ROLES = ("officer", "supervisor", "finance", "auditor", "admin")
USERNAME = re.compile(r"[a-z][a-z0-9._-]{0,31}")
CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Debtor and case references become parts of account names: no spaces, no colons.
REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,39}")


#: Unicode categories never accepted in typed text: controls, formats (bidi overrides), surrogates,
#: private use, line and paragraph separators.
REFUSED_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def clean_text(value: str, *, limit: int) -> str:
    """Trim; refuse empty, over-long, or control/format characters (escapes, bidi overrides)."""
    text = value.strip()
    if not text:
        raise ValueError("is empty")
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    # isprintable() is False for every refused category (and for some allowed ones, such as a
    # no-break space): only then is each character looked at.
    if not text.isprintable() and any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in text):
        raise ValueError("contains control characters")
    return text


def _text(limit: int):
    return Annotated[str, AfterValidator(lambda v: clean_text(v, limit=limit))]


def _pattern(pattern: re.Pattern, what: str):
    def check(value: str) -> str:
        value = value.strip()
        if not pattern.fullmatch(value):
            raise ValueError(f"is not a valid {what}")
        return value

    return Annotated[str, AfterValidator(check)]


Name = _text(80)
Reference = _text(40)
Reason = _text(200)
Description = _text(200)
Username = _pattern(USERNAME, "user name (lower-case letters, digits, . _ -; up to 32)")
CodeName = _pattern(CODE, "code (capitals, digits, _ -; up to 16)")
IsoDate = _pattern(DATE, "date (YYYY-MM-DD)")
BagNumber = _pattern(re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}"), "bag number (letters, digits, -; up to 20)")
Ref = _pattern(REF, "reference (letters, digits, / . _ -; up to 40, no spaces)")
Pence = Annotated[int, Field(gt=0, le=MAX_AMOUNT_PENCE)]
Method = Literal["cash", "cheque"]


class Posting(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    account: str
    amount_pence: int


class Body(BaseModel):
    """Common configuration: frozen, no unknown fields, strict types."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    def dump(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)


class Override(Body):
    supervisor: Username
    reason: Reason


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
REFERENCE_TYPES = ("debtor", "case", "payee", "creditor", "receipt")
CHECK_SCHEMES = ("luhn", "mod_11_10", "mod_97_10", "iso11649", "verhoeff", "damm")
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
