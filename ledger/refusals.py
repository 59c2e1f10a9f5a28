"""Every named outcome a write can end in, declared in the order the checks run."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """A write's outcome. Refusals are listed in the order they are checked.

    The docstring line of each member (kept in ``DESCRIPTIONS``) is what
    docs/REFUSALS.md shows; a test keeps the two in step.
    """

    APPENDED = "appended"
    ALREADY_RECORDED = "already_recorded"

    # 1. who is acting
    SIGN_IN_FAILED = "sign_in_failed"
    USER_LOCKED = "user_locked"
    USER_INACTIVE = "user_inactive"
    ROLE_REQUIRED = "role_required"
    # 2. what was typed
    AMOUNT_INVALID = "amount_invalid"
    TEXT_INVALID = "text_invalid"
    PIN_INVALID = "pin_invalid"
    SETTING_INVALID = "setting_invalid"
    RANGE_INVALID = "range_invalid"
    CSV_INVALID = "csv_invalid"
    OVERRIDE_REASON_REQUIRED = "override_reason_required"
    # 3. the idempotency key
    ENTRY_ID_REUSED = "entry_id_reused"
    # 4. what the act names
    USER_EXISTS = "user_exists"
    USER_UNKNOWN = "user_unknown"
    CODE_EXISTS = "code_exists"
    SERIAL_RANGE_OVERLAPS = "serial_range_overlaps"
    ENTRY_UNKNOWN = "entry_unknown"
    NOT_REVERSIBLE = "not_reversible"
    ALREADY_REVERSED = "already_reversed"
    PAYEE_EXISTS = "payee_exists"
    CREDITOR_EXISTS = "creditor_exists"
    PAYEE_UNKNOWN = "payee_unknown"
    ITEM_UNKNOWN = "item_unknown"
    RUN_UNKNOWN = "run_unknown"
    # 5. the officer's day
    SESSION_ALREADY_OPEN = "session_already_open"
    NO_OPEN_SESSION = "no_open_session"
    DAY_CLOSED = "day_closed"
    NOT_COUNTED = "not_counted"
    NOT_SIGNED_OFF = "not_signed_off"
    ALREADY_BANKED = "already_banked"
    BAG_USED = "bag_used"
    NOTHING_TO_BANK = "nothing_to_bank"
    BAG_UNKNOWN = "bag_unknown"
    BAG_NOT_MISMATCHED = "bag_not_mismatched"
    # 6. codes, references, debtors, warrant forms
    CODE_UNKNOWN = "code_unknown"
    CODE_RETIRED = "code_retired"
    CODE_WRONG_TYPE = "code_wrong_type"
    REFERENCE_INVALID = "reference_invalid"
    DEBTOR_UNKNOWN = "debtor_unknown"
    SERIAL_UNKNOWN = "serial_unknown"
    SERIAL_USED = "serial_used"
    WARRANT_STOCK_EMPTY = "warrant_stock_empty"
    # 7. the money itself
    OVERPAYMENT = "overpayment"
    INSUFFICIENT_CASH = "insufficient_cash"
    # 8. the finance desk
    PAYEE_RETIRED = "payee_retired"
    NOT_A_CARER = "not_a_carer"
    ITEM_DECIDED = "item_decided"
    PACKAGE_ENDED = "package_ended"
    DAYS_ALREADY_PAID = "days_already_paid"
    NOT_A_WORKING_DAY = "not_a_working_day"
    RUN_DATES_INVALID = "run_dates_invalid"
    RUN_NOT_OPEN = "run_not_open"
    PREVIOUS_RUN_OPEN = "previous_run_open"
    CUTOFF_NOT_REACHED = "cutoff_not_reached"
    RUN_NOT_CLOSED = "run_not_closed"
    RUN_ALREADY_PAID = "run_already_paid"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    # 9. four eyes, then the limits
    AUTHORISER_NOT_SUPERVISOR = "authoriser_not_supervisor"
    OWN_ENTRY = "own_entry"
    VARIANCE_REASON_REQUIRED = "variance_reason_required"
    EXCEPTIONS_REASON_REQUIRED = "exceptions_reason_required"
    OFFICER_LIMIT_EXCEEDED = "officer_limit_exceeded"
    AUTHORISATION_LIMIT_EXCEEDED = "authorisation_limit_exceeded"

DESCRIPTIONS: dict[Outcome, str] = {
    Outcome.APPENDED: "The entry was written; the answer carries its seq.",
    Outcome.ALREADY_RECORDED: "The same entry_id with the same content was written before; "
    "the answer is the original seq and nothing new is written.",
    Outcome.SIGN_IN_FAILED: "The user name or PIN is not recognised (a failure entry is "
    "chained for a known user).",
    Outcome.USER_LOCKED: "The user is locked after 5 failed PINs in a row; an admin must unlock.",
    Outcome.USER_INACTIVE: "The user has been deactivated.",
    Outcome.ROLE_REQUIRED: "The user does not hold the role this act needs.",
    Outcome.AMOUNT_INVALID: "The amount is not a whole number of pence from 1p to £1,000,000.00.",
    Outcome.TEXT_INVALID: "A name, reference, reason or other text is empty, too long, or "
    "holds control characters.",
    Outcome.ENTRY_ID_REUSED: "The entry_id was already used for different content.",
    Outcome.USER_EXISTS: "A user with that name already exists.",
    Outcome.USER_UNKNOWN: "No user has that name.",
    Outcome.CODE_EXISTS: "An income or cost code with that name already exists.",
    Outcome.CODE_UNKNOWN: "No income or cost code has that name.",
    Outcome.CODE_RETIRED: "The code has been retired and takes no new entries.",
    Outcome.CODE_WRONG_TYPE: "An income code was given where a cost code is needed, or the "
    "other way round.",
    Outcome.SESSION_ALREADY_OPEN: "The officer already has a session open.",
    Outcome.NO_OPEN_SESSION: "The officer has no open session: no money is recorded without one.",
    Outcome.DAY_CLOSED: "The business day concerned is closed: nothing more is recorded for it.",
    Outcome.NOT_COUNTED: "The officer's day has no count waiting: sign-off and recount need a declared count.",
    Outcome.VARIANCE_REASON_REQUIRED: "The count differs from what was expected: sign-off needs a reason.",
    Outcome.NOT_SIGNED_OFF: "Banking needs the officer's day to be signed off first.",
    Outcome.ALREADY_BANKED: "That officer's takings for that day were already banked.",
    Outcome.BAG_USED: "That bag number already carried other takings.",
    Outcome.NOTHING_TO_BANK: "The till holds no takings beyond its float.",
    Outcome.BAG_UNKNOWN: "No bag was banked under that number.",
    Outcome.BAG_NOT_MISMATCHED: "The bag has no mismatch waiting: it is still in transit, or its statement "
    "credit was confirmed or already resolved.",
    Outcome.REFERENCE_INVALID: "A reference does not fit the admin's rule for its type (its mask or its "
    "check digit); the rule is named.",
    Outcome.DEBTOR_UNKNOWN: "No debt is held under that debtor reference.",
    Outcome.OVERPAYMENT: "The payment is more than the debtor owes; the balance is shown.",
    Outcome.INSUFFICIENT_CASH: "The payout is more than the cash in the officer's till.",
    Outcome.SERIAL_RANGE_OVERLAPS: "Some serials of the range are already in the warrant register.",
    Outcome.WARRANT_STOCK_EMPTY: "No unused warrant form is left in stock.",
    Outcome.SERIAL_UNKNOWN: "The warrant serial was never received into stock.",
    Outcome.SERIAL_USED: "The warrant serial has already been issued or spoiled.",
    Outcome.ENTRY_UNKNOWN: "No entry has that seq.",
    Outcome.NOT_REVERSIBLE: "That kind of entry cannot be reversed.",
    Outcome.ALREADY_REVERSED: "The entry has already been reversed.",
    Outcome.OWN_ENTRY: "Nobody authorises their own entry, nor an item they keyed, changed or ended: "
    "a different supervisor must.",
    Outcome.AUTHORISER_NOT_SUPERVISOR: "The authorising user does not hold the supervisor role.",
    Outcome.OVERRIDE_REASON_REQUIRED: "A limit override names its supervisor and needs a reason.",
    Outcome.OFFICER_LIMIT_EXCEEDED: "The entry would take the officer past the daily limit; "
    "the headroom left is shown.",
    Outcome.SETTING_INVALID: "The setting is unknown or its value is out of range.",
    Outcome.PIN_INVALID: "A new PIN is not at least 6 digits (digits only).",
    Outcome.RANGE_INVALID: "A warrant serial range is empty, backwards, or larger than 10,000 forms.",
    Outcome.CSV_INVALID: "An imported file has bad rows: every bad row is listed by line "
    "number and nothing is imported.",
    Outcome.PAYEE_EXISTS: "A payee with that reference already exists.",
    Outcome.CREDITOR_EXISTS: "Another payee already holds that creditor number.",
    Outcome.PAYEE_UNKNOWN: "No payee has that reference.",
    Outcome.ITEM_UNKNOWN: "No invoice, payment, package or package change has that item id.",
    Outcome.RUN_UNKNOWN: "No pay run has that id.",
    Outcome.PAYEE_RETIRED: "The payee has been retired and takes no new items.",
    Outcome.NOT_A_CARER: "A care package is paid to a payee of kind carer only.",
    Outcome.ITEM_DECIDED: "The item was already authorised or rejected (a rejected item is re-keyed).",
    Outcome.PACKAGE_ENDED: "The package has ended by that date: nothing changes after its end.",
    Outcome.DAYS_ALREADY_PAID: "A package change or a rate table cannot reach back into days a closed pay run "
    "has paid, or that a run past its cut-off will pay.",
    Outcome.NOT_A_WORKING_DAY: "A pay date falls on a weekend or an England bank holiday; the previous "
    "working day is named.",
    Outcome.RUN_DATES_INVALID: "A pay run's cut-off is past, or not after the previous run's, or its pay "
    "date or period end is not after the previous run's.",
    Outcome.RUN_NOT_OPEN: "The pay run is already closed: a closed run is final.",
    Outcome.PREVIOUS_RUN_OPEN: "An earlier pay run is still open: runs close in order.",
    Outcome.CUTOFF_NOT_REACHED: "A pay run cannot close before its cut-off.",
    Outcome.RUN_NOT_CLOSED: "The pay run is not closed yet: export and payment need a closed run.",
    Outcome.RUN_ALREADY_PAID: "The pay run is already marked paid.",
    Outcome.POSSIBLE_DUPLICATE: "The invoice looks like an earlier one (named); key it again with a "
    "reason to confirm it is not a duplicate.",
    Outcome.EXCEPTIONS_REASON_REQUIRED: "The pay run has exceptions: closing it needs a reason.",
    Outcome.AUTHORISATION_LIMIT_EXCEEDED: "The item costs more than the authoriser's own authorisation "
    "limit; one with a higher limit must authorise it.",
}


class Refused(Exception):
    """A rule refused a write. Carries the named outcome and one line for a person."""

    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(f"{outcome.value}: {message}")
        self.outcome = outcome
        self.message = message
