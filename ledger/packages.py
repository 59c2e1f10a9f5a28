"""Care packages and items as the ledger holds them, turned into the allowance arithmetic's terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ledger import allowance
from ledger import finance_rules as checks

if TYPE_CHECKING:
    from ledger.store import Reader


def note(kind: str, item: str, message: str) -> dict:
    """An exception for the authoriser or the closer of a run: what kind, which item, one line."""
    return {"kind": kind, "item": item, "message": message}


def policy(reader: Reader) -> allowance.Policy:
    """Every rate table set, as the allowance arithmetic reads them."""
    return allowance.Policy(tuple(
        allowance.RateTable(date.fromisoformat(from_date), tuple(weekly[band] for band in allowance.BANDS))
        for from_date, weekly in reader.rates()))


def terms(reader: Reader, row: dict, authorised_before: str | None = None,
          extra: allowance.RewardChange | None = None) -> allowance.Package:
    """The package's terms: its start, end and reward, with the reward changes authorised so far."""
    changes = [allowance.RewardChange(date.fromisoformat(change["from_date"]), change["reward_pence"])
               for change in reader.reward_changes(row["package"], authorised_before)]
    if extra is not None:
        changes.append(extra)
    return allowance.Package(
        child_dob=date.fromisoformat(row["dob"]), start=date.fromisoformat(row["start"]),
        weekly_reward_pence=row["reward_pence"], end=_day(row["end_date"]), reward_changes=tuple(changes))


@dataclass(frozen=True)
class PackageLine:
    pence: int
    exceptions: list[dict] = field(default_factory=list)


def package_line(reader: Reader, rates: allowance.Policy, row: dict, first: str, last: str,
                 authorised_before: str | None = None) -> PackageLine:
    """The run line over first..last (one amount, rounded once) and the days nothing was paid for."""
    line = allowance.line(terms(reader, row, authorised_before), rates, date.fromisoformat(first),
                          date.fromisoformat(last))
    exceptions = [note("off_policy", row["package"], f"nothing paid {span.first} to {span.last}: "
                       "no allowance rates were in force") for span in line.no_policy]
    exceptions += [note("off_policy", row["package"], f"nothing paid {span.first} to {span.last}: "
                        "the child is 18 or over") for span in line.adult]
    return PackageLine(line.amount_pence, exceptions)


def run_days(row: dict, period_end: str) -> tuple[str, str] | None:
    """The package's days in a run: from the day after it was last paid to the run's period end."""
    package = allowance.Package(date.fromisoformat(row["dob"]), date.fromisoformat(row["start"]), 0,
                                _day(row["end_date"]))
    span = allowance.run_days(package, _day(row["paid_to"]), date.fromisoformat(period_end))
    return None if span is None else (span.first.isoformat(), span.last.isoformat())


def period_start(reader: Reader, run: dict) -> str:
    """The first day of a run's package period: the day after the previous run's period end."""
    previous = reader.previous_payrun(run["cutoff_utc"])
    if previous is None:
        return "0000-00-00"
    return (date.fromisoformat(previous["period_end"]) + timedelta(days=1)).isoformat()


def item_cost_pence(reader: Reader, row: dict) -> int:
    """What an authoriser's limit is measured against: the amount, or a package's first 52 weeks."""
    if row["kind"] in ("invoice", "payment"):
        return row["amount_pence"]
    rates = policy(reader)
    if row["kind"] == "package":
        return allowance.cost_pence(terms(reader, reader.package(row["item"])), rates)
    change = allowance.RewardChange(date.fromisoformat(row["from_date"]), row["reward_pence"])
    package = terms(reader, reader.package(row["package"]), extra=change)
    return allowance.cost_pence(package, rates, change.effective_from)


def overpaid_pence(reader: Reader, row: dict, new_end: str) -> int:
    """What was paid for days after a back-dated end, on the terms those days were paid on."""
    line = allowance.overpayment(terms(reader, row), policy(reader), date.fromisoformat(new_end),
                                 _day(row["paid_to"]))
    return 0 if line is None else line.amount_pence


def item_exceptions(reader: Reader, row: dict, payees: dict[str, dict] | None = None,
                    rates: allowance.Policy | None = None) -> list[dict]:
    """What the authoriser must see about an item: confirmed duplicates, abnormal amounts, payees.
    (`payees` and `rates`, when a caller already holds them, save reading them again.)"""
    found: list[dict] = []
    if row["duplicate_of"]:
        reason = reader.entry(row["keyed_seq"]).body_dict().get("duplicate_reason", "")
        found.append(note("confirmed_duplicate", row["item"],
                          f"keyed as not a duplicate of {row['duplicate_of']}: {reason}"))
    if row["kind"] == "invoice":
        history = reader.recent_invoice_amounts(row["payee"], row["keyed_seq"], checks.ABNORMAL_HISTORY)
        abnormal = checks.abnormal_amount(row["amount_pence"], history)
        if abnormal:
            found.append(note("abnormal_amount", row["item"], abnormal))
    payee = (payees.get(row["payee"]) if payees is not None else reader.payee(row["payee"])) if row["payee"] else None
    if payee is not None:
        if not payee["active"]:
            found.append(note("payee_retired", row["item"], f"payee {payee['payee']} is retired"))
        for alike in reader.payees_named_alike(payee["name_key"], payee["payee"]):
            found.append(note("payee_name_alike", row["item"], f"payee {payee['payee']} ({payee['name']}) is "
                              f"named like payee {alike['payee']} ({alike['name']})"))
    rates = rates if rates is not None else (policy(reader) if row["kind"] == "package" else None)
    if row["kind"] == "package" and rates.table_on(date.fromisoformat(row["from_date"])) is None:
        found.append(note("off_policy", row["item"], f"no allowance rates are in force on its start {row['from_date']}"))
    return found


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
