"""What a pay run will pay: its lines, its exceptions and the file the finance system reads."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ledger import packages
from ledger.money import format_plain

if TYPE_CHECKING:
    from ledger.store import Reader

EXPORT_COLUMNS = ("line", "run", "pay_date", "item", "kind", "payee", "creditor", "code", "reference",
                  "first", "last", "amount")


@dataclass(frozen=True)
class RunPlan:
    """A run's lines (invoices, payments, packages, recoveries) and every exception to look at."""

    run: dict
    lines: list[dict] = field(default_factory=list)
    exceptions: list[dict] = field(default_factory=list)

    @property
    def total_pence(self) -> int:
        return sum(line["amount_pence"] for line in self.lines)

    def as_json(self) -> dict:
        return {"run": self.run["run"], "pay_date": self.run["pay_date"], "cutoff": self.run["cutoff"],
                "period_end": self.run["period_end"], "state": self.run["state"], "lines": self.lines,
                "line_count": len(self.lines), "total_pence": self.total_pence, "exceptions": self.exceptions}


def plan_run(reader: Reader, run: dict, now_utc: str) -> RunPlan:
    """The run as it would close now: what was authorised before its cut-off, packages to its period end.

    An item keyed before the cut-off and not authorised by it has missed the deadline; before the
    cut-off has passed, it is still awaiting authorisation (and the preview says so)."""
    cutoff = run["cutoff_utc"]
    plan = RunPlan(run)
    payees = {row["payee"]: row for row in reader.payees()}
    previous = reader.previous_payrun(cutoff)
    policy = packages.policy(reader)
    for item in reader.items_for_run(cutoff, previous["cutoff_utc"] if previous else ""):
        plan.lines.append(_line(item, payees[item["payee"]], item["kind"], item["amount_pence"], item["reference"]))
        plan.exceptions.extend(packages.item_exceptions(reader, item, payees, policy))
    for row in reader.packages():
        if row["state"] == "authorised" and row["decided_at"] < cutoff:
            _package_line(reader, plan, policy, _paid_by(row, previous), payees[row["payee"]])
    _recoveries(reader, plan, payees)
    for item in reader.items_missing_cutoff(cutoff):
        plan.exceptions.append(_unauthorised(item, run, passed=now_utc >= cutoff))
    _retired_payees(plan, payees)
    return plan


def _unauthorised(item: dict, run: dict, *, passed: bool) -> dict:
    if passed:
        return packages.note("missed_deadline", item["item"],
                             f"keyed by {item['keyed_by']} but not authorised by the cut-off {run['cutoff']}")
    return packages.note("awaiting_authorisation", item["item"],
                         f"keyed by {item['keyed_by']}: authorise it before the cut-off {run['cutoff']}")


def _paid_by(row: dict, previous: dict | None) -> dict:
    """A preview past a run still open assumes that run pays the package to its period end."""
    if previous is None or previous["state"] != "scheduled" or row["decided_at"] >= previous["cutoff_utc"]:
        return row
    return {**row, "paid_to": max(row["paid_to"] or "", previous["period_end"])}


def _line(item: dict, payee: dict, kind: str, amount_pence: int, reference: str, **days) -> dict:
    return {"item": item.get("item") or item["package"], "kind": kind, "payee": payee["payee"],
            "creditor": payee["creditor"], "code": item["code"], "amount_pence": amount_pence,
            "reference": reference, **days}


def _package_line(reader: Reader, plan: RunPlan, policy, row: dict, payee: dict) -> None:
    days = packages.run_days(row, plan.run["period_end"])
    if days is None:
        return
    first, last = days
    line = packages.package_line(reader, policy, row, first, last, authorised_before=plan.run["cutoff_utc"])
    plan.exceptions.extend(line.exceptions)
    if row["end_date"] is not None and row["end_date"] < packages.period_start(reader, plan.run):
        plan.exceptions.append(packages.note("package_past_end", row["package"],
                                             f"paid {first} to {last} after the package ended on {row['end_date']}"))
    plan.lines.append(_line(row, payee, "package", line.pence, row["case_ref"], first=first, last=last))


def _recoveries(reader: Reader, plan: RunPlan, payees: dict) -> None:
    """Overpayments come back from the carer's lines in this run, never taking the carer below zero."""
    totals: dict[str, int] = {}
    for line in plan.lines:
        totals[line["payee"]] = totals.get(line["payee"], 0) + line["amount_pence"]
    for payee, total_pence in sorted(totals.items()):
        room_pence = total_pence
        for debt in reader.overpayments_owed(payee):
            if room_pence <= 0:
                break
            taken = min(room_pence, debt["balance_pence"])
            room_pence -= taken
            package = reader.package(debt["debtor_ref"].removeprefix("OP-"))
            plan.lines.append(_line(package, payees[payee], "recovery", -taken, debt["debtor_ref"]))


def _retired_payees(plan: RunPlan, payees: dict) -> None:
    for line in plan.lines:
        if not payees[line["payee"]]["active"]:
            plan.exceptions.append(packages.note("payee_retired", line["item"],
                                                 f"payee {line['payee']} is retired"))


def export_bytes(run: dict, lines: list[dict], total_pence: int) -> bytes:
    """The run's file: one CSV row a line, then a trailer with the line count and total. Deterministic."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for number, line in enumerate(lines, start=1):
        writer.writerow((number, run["run"], run["pay_date"], line["item"], line["kind"], line["payee"],
                         line["creditor"], line["code"], line["reference"], line.get("first") or "",
                         line.get("last") or "", format_plain(line["amount_pence"])))
    writer.writerow(("TRAILER", run["run"], run["pay_date"], len(lines), format_plain(total_pence)))
    return out.getvalue().encode("utf-8")


def export_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
