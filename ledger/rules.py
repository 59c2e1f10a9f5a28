"""The counter's rules as pure functions: each returns a Refused to raise, or None when the act may go on."""

from __future__ import annotations

from ledger.kinds import LIMIT_KINDS
from ledger.money import format_plain
from ledger.refusals import Outcome, Refused


def pounds(amount_pence: int) -> str:
    """£12.50, or -£12.50: plain enough for a refusal line, with no locale machinery."""
    sign = "-" if amount_pence < 0 else ""
    return f"{sign}£{format_plain(abs(amount_pence))}"


def check_session(officer: str, open_session: dict | None, today_session: dict | None) -> Refused | None:
    """Money needs an open session; a closed day says so rather than 'no session'."""
    if open_session is not None:
        return None
    if today_session is not None:
        return Refused(Outcome.DAY_CLOSED,
                       f"{officer}'s day {today_session['business_date']} is closed; nothing more is recorded for it")
    return Refused(Outcome.NO_OPEN_SESSION, f"{officer} has no open session: open the day's till first")


def _a(word: str) -> str:
    """'an income', 'a cost'."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def check_code(code: str, row: dict | None, wanted_type: str) -> Refused | None:
    if row is None:
        return Refused(Outcome.CODE_UNKNOWN, f"there is no code {code}")
    if not row["active"]:
        return Refused(Outcome.CODE_RETIRED, f"code {code} ({row['name']}) is retired")
    if row["type"] != wanted_type:
        return Refused(Outcome.CODE_WRONG_TYPE,
                       f"code {code} is {_a(row['type'])} code; {_a(wanted_type)} code is needed")
    return None


def check_collection(debtor_ref: str, debtor: dict | None, amount_pence: int) -> Refused | None:
    if debtor is None:
        return Refused(Outcome.DEBTOR_UNKNOWN, f"no debt is held under reference {debtor_ref}")
    balance_pence = debtor["raised_pence"] - debtor["collected_pence"]
    if amount_pence > balance_pence:
        return Refused(Outcome.OVERPAYMENT,
                       f"{debtor_ref} owes {pounds(balance_pence)}; {pounds(amount_pence)} would overpay")
    return None


def check_cash(till_pence: int, amount_pence: int) -> Refused | None:
    if amount_pence > till_pence:
        return Refused(Outcome.INSUFFICIENT_CASH,
                       f"the till holds {pounds(till_pence)} in cash; cannot pay out {pounds(amount_pence)}")
    return None


def check_stock_serial(serial: int | None, warrant: dict | None) -> Refused | None:
    if serial is None:
        return Refused(Outcome.WARRANT_STOCK_EMPTY, "no unused warrant form is left in stock: receive more first")
    if warrant is None:
        return Refused(Outcome.SERIAL_UNKNOWN, f"warrant serial {serial} was never received into stock")
    if warrant["status"] != "stock":
        return Refused(Outcome.SERIAL_USED, f"warrant serial {serial} is already {warrant['status']}")
    return None


def check_authoriser(authoriser: str, roles: set[str], officer: str) -> Refused | None:
    """Four eyes by identity: a supervisor, and never the officer whose entry it is."""
    if "supervisor" not in roles:
        return Refused(Outcome.AUTHORISER_NOT_SUPERVISOR, f"{authoriser} does not hold the supervisor role")
    if authoriser == officer:
        return Refused(Outcome.OWN_ENTRY, f"{authoriser} cannot authorise their own entry: another supervisor must")
    return None


def check_limit(used_pence: int, limit_pence: int, amount_pence: int, overridden: bool) -> Refused | None:
    """Exactly the limit is accepted; a penny over is refused unless a supervisor overrode it."""
    if used_pence + amount_pence <= limit_pence or overridden:
        return None
    headroom_pence = max(limit_pence - used_pence, 0)
    return Refused(
        Outcome.OFFICER_LIMIT_EXCEEDED,
        f"{pounds(amount_pence)} would pass the daily limit of {pounds(limit_pence)}: "
        f"{pounds(used_pence)} used, {pounds(headroom_pence)} headroom left",
    )


def check_reversible(seq: int, original: dict | None, counter_row: dict | None) -> Refused | None:
    if original is None:
        return Refused(Outcome.ENTRY_UNKNOWN, f"there is no entry {seq}")
    if original["kind"] not in LIMIT_KINDS:
        return Refused(Outcome.NOT_REVERSIBLE, f"entry {seq} is a {original['kind']}, which is not reversed")
    if counter_row is not None and counter_row["reversed_by"] is not None:
        return Refused(Outcome.ALREADY_REVERSED, f"entry {seq} was already reversed by entry {counter_row['reversed_by']}")
    return None


def check_day_open(officer: str, business_date: str, session: dict | None) -> Refused | None:
    if session is None or session["state"] != "open":
        return Refused(Outcome.DAY_CLOSED, f"{officer}'s day {business_date} is closed; it can no longer change")
    return None


def raise_first(*refusals: Refused | None) -> None:
    """Raise the first refusal, in the order given (the order the checks are documented)."""
    for refusal in refusals:
        if refusal is not None:
            raise refusal
