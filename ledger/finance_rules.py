"""The finance desk's rules as pure functions: each returns a Refused (or an exception note), or None."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from ledger.rules import pounds
from ledger.refusals import Outcome, Refused

DUPLICATE_WINDOW_DAYS = 14
#: An invoice is abnormal against at least this many earlier invoices of its payee.
ABNORMAL_HISTORY = 10


def check_payee(payee: str, row: dict | None) -> Refused | None:
    if row is None:
        return Refused(Outcome.PAYEE_UNKNOWN, f"there is no payee {payee}: add it with `cashdesk payee add`")
    return None


def check_payee_usable(row: dict, *, carer: bool = False) -> Refused | None:
    if not row["active"]:
        return Refused(Outcome.PAYEE_RETIRED, f"payee {row['payee']} ({row['name']}) is retired")
    if carer and row["kind"] != "carer":
        return Refused(Outcome.NOT_A_CARER, f"payee {row['payee']} is a {row['kind']}; a package is paid to a carer")
    return None


def check_item(item: str, row: dict | None, kinds: tuple[str, ...] = ()) -> Refused | None:
    if row is None or (kinds and row["kind"] not in kinds):
        wanted = " or ".join(kinds) if kinds else "item"
        return Refused(Outcome.ITEM_UNKNOWN, f"there is no {wanted} {item}")
    return None


def check_pending(row: dict) -> Refused | None:
    if row["state"] != "keyed":
        return Refused(Outcome.ITEM_DECIDED,
                       f"{row['item']} was already {row['state']} by {row['decided_by']}")
    return None


@dataclass(frozen=True)
class Duplicate:
    rule: str
    item: str

    def message(self) -> str:
        return f"{self.rule}: {self.item}"


def find_duplicate(payee: str, key: str, amount_pence: int, invoice_date: str,
                   earlier: list[dict]) -> Duplicate | None:
    """The first earlier live invoice that this one may duplicate, by the three rules of DESIGN.md §9."""
    day = date.fromisoformat(invoice_date)
    for row in earlier:
        same_payee = row["payee"] == payee
        if same_payee and row["invoice_key"] == key:
            return Duplicate("the same payee and invoice number", row["item"])
        if not same_payee and row["invoice_key"] == key and row["amount_pence"] == amount_pence:
            return Duplicate(f"the same invoice number and amount under payee {row['payee']}", row["item"])
        near = abs((date.fromisoformat(row["invoice_date"]) - day).days) <= DUPLICATE_WINDOW_DAYS
        if same_payee and row["amount_pence"] == amount_pence and near:
            return Duplicate(f"the same payee and amount within {DUPLICATE_WINDOW_DAYS} days "
                             f"(invoice of {row['invoice_date']})", row["item"])
    return None


def abnormal_amount(amount_pence: int, history_pence: list[int]) -> str | None:
    """A note when the amount is above mean + 2σ of at least ten earlier invoices of the payee."""
    if len(history_pence) < ABNORMAL_HISTORY:
        return None
    mean = statistics.fmean(history_pence)
    ceiling = mean + 2 * statistics.pstdev(history_pence)
    if amount_pence <= ceiling:
        return None
    return (f"{pounds(amount_pence)} is above the payee's usual (mean {pounds(round(mean))} "
            f"+ 2σ = {pounds(round(ceiling))} over the last {len(history_pence)} invoices)")


def check_hands(authoriser: str, row: dict, hands: set[str]) -> Refused | None:
    """Four eyes by identity: nobody who keyed, changed or ended the item (or its package)."""
    if authoriser in hands:
        return Refused(Outcome.OWN_ENTRY,
                       f"{authoriser} keyed, changed or ended {row['package'] or row['item']}: "
                       "another supervisor must authorise it")
    return None


def check_authorisation_limit(authoriser: str, cost_pence: int, limit_pence: int) -> Refused | None:
    if cost_pence <= limit_pence:
        return None
    return Refused(Outcome.AUTHORISATION_LIMIT_EXCEEDED,
                   f"the item costs {pounds(cost_pence)}, over {authoriser}'s authorisation limit of "
                   f"{pounds(limit_pence)}: a supervisor with a higher limit must authorise it")
