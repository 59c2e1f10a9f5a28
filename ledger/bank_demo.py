"""The demo's bank statement: written from the demo's own bags, so the banking desk has something to show."""

from __future__ import annotations

import io

from ledger.bank_reconcile import StatementImport
from ledger.money import format_plain
from ledger.service import Actor
from ledger.statement_profiles import load_profiles

HEADER = "Date,Description,Reference,Amount,Balance"
OPENING_BALANCE_PENCE = 1_250_000


def demo_statement_csv(bags: list[dict]) -> str:
    """The generic profile's CSV: each day's bags credited on the next banking day, the last day's
    still in transit; every other bag named inside other words, the fourth credited £1.00 short;
    then a credit and a debit that nothing explains."""
    days = sorted({bag["business_date"] for bag in bags})
    credited_on = dict(zip(days, days[1:]))
    rows = []
    for index, bag in enumerate(bag for bag in bags if bag["business_date"] in credited_on):
        reference = bag["bag"] if index % 2 == 0 else f"CASH PAYIN {bag['bag']} RIVERSIDE HSE"
        amount_pence = bag["amount_pence"] - (100 if index == 3 else 0)
        rows.append((credited_on[bag["business_date"]], "PAYING-IN RIVERSIDE HOUSE", reference, amount_pence))
    rows += [(days[-1], "BACS LEEDS CITY COUNCIL", "INV 4471 RECHARGE", 4500),
             (days[-1], "BANK CHARGES", "CHARGES NOV", -1250)]
    lines, balance_pence = [HEADER], OPENING_BALANCE_PENCE
    for day, description, reference, amount_pence in sorted(rows, key=lambda row: row[0]):
        balance_pence += amount_pence
        lines.append(f"{day},{description},{reference},{format_plain(amount_pence)},{format_plain(balance_pence)}")
    return "\n".join(lines) + "\n"


def import_demo_statement(ledger, supervisor: Actor) -> StatementImport:
    """The demo's statement, imported by `supervisor` through the real write path."""
    with ledger.store.reading() as reader:
        text = demo_statement_csv(reader.bank_bags())
    return ledger.import_statement(supervisor, io.StringIO(text, newline=""), load_profiles()["generic"])
