"""`cashdesk report NAME`: choose the report, then print it as a table, CSV, JSON or a PDF file."""

from __future__ import annotations

import contextlib

from console.commands import london_today, open_ledger, parse_date, print_rows
from console.parser import UsageError
from console.finance_handlers import finance_report
from console.finance_parser import FINANCE_REPORTS
from ledger import reports
from ledger.private_files import replaced_privately

TITLES = {
    "daily": "Daily entries", "reconciliation": "End-of-day reconciliation", "limits": "Daily limits",
    "warrants": "Travel-warrant register", "debtors": "Debtors", "income": "Income by code",
    "slip": "Sign-off slip", "payments": "Payments awaiting authorisation", "payrun": "Pay run",
    "packages": "Care packages", "discrepancies": "Discrepancies", "spend": "Spend by cost code",
    "banking": "Banking: bags and the bank statement",
}


def run_report(args) -> int:
    if args.format == "pdf" and not args.output:
        raise UsageError("cashdesk report: --format pdf needs --output FILE")
    if args.format == "pdf" and args.name not in ("daily", "slip", "payrun"):
        raise UsageError("cashdesk report: PDF is made for the daily report, the sign-off slip and a pay run")
    date = parse_date(args.date) if args.date else london_today()
    with open_ledger(args, read_only=True) as ledger:
        rows, subtitle = _rows(args, ledger, date)
        office = _office(ledger)
    if args.format == "pdf":
        from console.pdf import report_pdf

        with replaced_privately(args.output, binary=True) as out:
            out.write(report_pdf(f"{TITLES[args.name]} — {office}", subtitle, rows))
        print(f"wrote {args.output}")
        return 0
    if args.output:
        with replaced_privately(args.output) as out, contextlib.redirect_stdout(out):
            return print_rows(rows, args.format)
    return print_rows(rows, args.format)


def _rows(args, ledger, date: str) -> tuple[list[dict], str]:
    store = ledger.store
    if args.name in FINANCE_REPORTS:
        return finance_report(args, ledger, date)
    if args.name == "limits":
        return reports.limits(store, None if args.all_dates else date), f"business date {date}"
    if args.name in ("daily", "reconciliation"):
        return getattr(reports, args.name)(store, date), f"business date {date}"
    if args.name == "income":
        first = parse_date(args.first_date) if args.first_date else date
        last = parse_date(args.last_date) if args.last_date else date
        return reports.income(store, first, last), f"business dates {first} to {last}"
    if args.name == "slip":
        return _slip(args, store, date)
    if args.name == "banking":
        from ledger.bank_report import banking

        return banking(store, date), f"as of {date}"
    return getattr(reports, args.name)(store), ""


def _slip(args, store, date: str) -> tuple[list[dict], str]:
    if not args.officer:
        raise UsageError("cashdesk report slip: --officer is required")
    rows = [row for row in reports.reconciliation(store, date) if row["officer"] == args.officer]
    if not rows or not rows[0]["signed_off_by"]:
        raise UsageError(f"cashdesk report slip: {args.officer}'s day {date} is not signed off")
    slip = reports.signoff_slip(store, args.officer, date)
    if args.format in ("json", "csv"):
        return [slip], f"{args.officer}, {date}"
    from console.formatting import money

    return [{"item": key.replace("_pence", "").replace("_", " "),
             "value": money(value) if "_pence" in key else str(value)}
            for key, value in slip.items()], f"{args.officer}, {date}"


def _office(ledger) -> str:
    with ledger.store.reading() as reader:
        return reader.office()
