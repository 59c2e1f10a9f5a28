"""Pay runs: scheduled with a cut-off, previewed, closed for good, exported, and marked paid."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from ledger import calendar, payplan
from ledger.chain import format_recorded_at
from ledger.finance import SUPERVISOR, as_notes, creditors
from ledger.records import Body, PayrunLine, Posting, make_body
from ledger.refusals import Outcome, Refused
from ledger.service import Actor, LedgerCore, Posted

if TYPE_CHECKING:
    from ledger.store import Reader, Writer


class PayRunOps(LedgerCore):
    """A supervisor's pay runs; items join the earliest open run whose cut-off they beat."""

    def schedule_payrun(self, actor: Actor, *, pay_date: str, cutoff: str, period_end: str,
                        entry_id: str | None = None) -> Posted:
        def fields() -> dict:
            return {"pay_date": pay_date, "cutoff": calendar.format_cutoff(_cutoff_moment(cutoff)),
                    "period_end": period_end}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            cutoff_utc = format_recorded_at(_cutoff_moment(request.cutoff))
            _check_working_day(request.pay_date)
            _check_run_dates(writer.last_payrun(), request, cutoff_utc, format_recorded_at(self.clock()))
            return self.london_date(), {"run": f"PR-{writer.next_payrun_no():04d}", "cutoff_utc": cutoff_utc}

        return self._post(actor, "payrun_scheduled", SUPERVISOR, fields, decide, entry_id)

    def preview_payrun(self, run: str) -> payplan.RunPlan:
        with self.store.reading() as reader:
            row = _known_run(reader, run)
            if row["state"] != "scheduled":
                return _closed_plan(reader, row)
            return payplan.plan_run(reader, row, format_recorded_at(self.clock()))

    def close_payrun(self, actor: Actor, run: str, reason: str | None = None,
                     entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = _known_run(writer, request.run)
            now_utc = format_recorded_at(self.clock())
            _check_closable(writer, row, now_utc)
            plan = payplan.plan_run(writer, row, now_utc)
            if plan.exceptions and request.reason is None:
                raise Refused(Outcome.EXCEPTIONS_REASON_REQUIRED,
                              f"{row['run']} has {len(plan.exceptions)} exception(s): give a reason to close it")
            data = payplan.export_bytes(row, plan.lines, plan.total_pence)
            return self.london_date(), {
                "lines": tuple(PayrunLine(**line) for line in plan.lines), "line_count": len(plan.lines),
                "total_pence": plan.total_pence, "exceptions": as_notes(plan.exceptions), "export_sha256": payplan.export_sha256(data),
                "postings": _closing_postings(plan.lines)}

        return self._post(actor, "payrun_closed", SUPERVISOR, {"run": run, "reason": reason}, decide, entry_id)

    def match_payrun_debit(self, writer: Writer, actor: Actor, imported) -> str | None:
        """A statement debit naming a closed, unpaid run and equal to its total marks the run paid
        (in the import's transaction). Anything else is not this matcher's business."""
        line = imported.line
        run = _run_named(" ".join(filter(None, (line.reference, line.description, line.detail))))
        row = writer.payrun(run) if run and line.amount_pence < 0 else None
        if row is None or row["state"] != "closed" or row["total_pence"] != -line.amount_pence:
            return None
        lines = writer.entry(row["closed_seq"]).body_dict()["lines"]
        body = {"run": row["run"], "paid_on": line.date, "total_pence": row["total_pence"],
                "line_seq": imported.entry.seq, "postings": _paying_postings(lines)}
        self._append(writer, "payrun_paid", actor.username, self.london_date(),
                     make_body("payrun_paid", **body), f"payrun-paid-{imported.entry.entry_id}")
        return "paid"

    def export_payrun(self, run: str) -> bytes:
        """The closed run's file, rebuilt byte for byte from its `payrun_closed` entry."""
        with self.store.reading() as reader:
            row = _known_run(reader, run)
            if row["state"] == "scheduled":
                raise Refused(Outcome.RUN_NOT_CLOSED, f"{run} is not closed yet: close it first")
            body = reader.entry(row["closed_seq"]).body_dict()
        return payplan.export_bytes(row, body["lines"], body["total_pence"])

    def mark_paid(self, actor: Actor, run: str, *, paid_on: str, entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = _known_run(writer, request.run)
            if row["state"] == "scheduled":
                raise Refused(Outcome.RUN_NOT_CLOSED, f"{row['run']} is not closed yet: close it first")
            if row["state"] == "paid":
                raise Refused(Outcome.RUN_ALREADY_PAID, f"{row['run']} was already marked paid")
            lines = writer.entry(row["closed_seq"]).body_dict()["lines"]
            return self.london_date(), {"total_pence": row["total_pence"], "postings": _paying_postings(lines)}

        return self._post(actor, "payrun_paid", SUPERVISOR, {"run": run, "paid_on": paid_on}, decide, entry_id)


def _cutoff_moment(text: str):
    try:
        return calendar.parse_cutoff(text)
    except calendar.CutoffError as error:
        raise Refused(Outcome.TEXT_INVALID, str(error)) from None


RUN_ID = re.compile(r"(?<![A-Za-z0-9])PR-[0-9]{4,8}(?![0-9])", re.IGNORECASE)


def _run_named(text: str) -> str | None:
    """The one pay run id a statement line's text holds as a whole word, if exactly one."""
    found = {match.upper() for match in RUN_ID.findall(text)}
    return found.pop() if len(found) == 1 else None


def _known_run(reader: Reader, run: str) -> dict:
    row = reader.payrun(run)
    if row is None:
        raise Refused(Outcome.RUN_UNKNOWN, f"there is no pay run {run}")
    return row


def _closed_plan(reader: Reader, row: dict) -> payplan.RunPlan:
    body = reader.entry(row["closed_seq"]).body_dict()
    return payplan.RunPlan(row, list(body["lines"]), list(body["exceptions"]))


def _check_working_day(pay_date: str) -> None:
    day = date.fromisoformat(pay_date)
    if not calendar.is_working_day(day):
        before = calendar.previous_working_day(day)
        raise Refused(Outcome.NOT_A_WORKING_DAY, f"{pay_date} is not a working day in England; "
                      f"the working day before it is {before.isoformat()}")


def _check_run_dates(last: dict | None, request: Body, cutoff_utc: str, now_utc: str) -> None:
    if cutoff_utc <= now_utc:
        raise Refused(Outcome.RUN_DATES_INVALID, f"the cut-off {request.cutoff} has already passed")
    if request.pay_date < request.cutoff[:10]:
        raise Refused(Outcome.RUN_DATES_INVALID, f"the pay date {request.pay_date} is before the cut-off")
    if last is None:
        return
    if cutoff_utc <= last["cutoff_utc"] or request.pay_date <= last["pay_date"] \
            or request.period_end <= last["period_end"]:
        raise Refused(Outcome.RUN_DATES_INVALID,
                      f"{last['run']} has cut-off {last['cutoff']}, pay date {last['pay_date']} and period end "
                      f"{last['period_end']}: a new run's must all be later")


def _check_closable(reader: Reader, row: dict, now_utc: str) -> None:
    if row["state"] != "scheduled":
        raise Refused(Outcome.RUN_NOT_OPEN, f"{row['run']} is already {row['state']}: a closed run is final")
    previous = reader.previous_payrun(row["cutoff_utc"])
    if previous is not None and previous["state"] == "scheduled":
        raise Refused(Outcome.PREVIOUS_RUN_OPEN, f"{previous['run']} is still open: close it first")
    if now_utc < row["cutoff_utc"]:
        raise Refused(Outcome.CUTOFF_NOT_REACHED, f"{row['run']} closes after its cut-off {row['cutoff']}")


def _closing_postings(lines: list[dict]) -> tuple[Posting, ...]:
    """Packages become owed to the carer now; a recovery turns part of that into the carer's debt paid."""
    net: dict[str, int] = defaultdict(int)
    for line in lines:
        if line["kind"] == "package":
            net[f"Expenses:{line['code']}"] += line["amount_pence"]
            net[creditors(line["payee"])] -= line["amount_pence"]
        elif line["kind"] == "recovery":
            net[creditors(line["payee"])] -= line["amount_pence"]
            net[f"Assets:Debtors:{line['reference']}"] += line["amount_pence"]
    return _postings(net)


def _paying_postings(lines: list[dict]) -> tuple[Posting, ...]:
    net: dict[str, int] = defaultdict(int)
    for line in lines:
        net[creditors(line["payee"])] += line["amount_pence"]
        net["Assets:Bank"] -= line["amount_pence"]
    return _postings(net)


def _postings(net: dict[str, int]) -> tuple[Posting, ...]:
    return tuple(Posting(account=account, amount_pence=amount) for account, amount in sorted(net.items()) if amount)
