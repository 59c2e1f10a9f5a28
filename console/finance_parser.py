"""The finance desk's commands: payees, invoices, payments, packages, rates, authorisation, pay runs."""

from __future__ import annotations

import argparse

from console.parser import Parser, acting_arguments, amount, file_name

FINANCE_REPORTS = ("payments", "payrun", "packages", "discrepancies", "spend")


def _group(sub, name: str, help_text: str):
    return sub.add_parser(name, help=help_text).add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=Parser)


def weekly_rates(text: str) -> dict[str, int]:
    """`0-2=189.00,3-4=196.00,...`: weekly pounds per age band, integer pence inside."""
    rates: dict[str, int] = {}
    for part in (piece.strip() for piece in text.split(",")):
        band, sep, pounds = part.partition("=")
        if not sep or not band.strip():
            raise argparse.ArgumentTypeError(f"{part!r} is not BAND=POUNDS, e.g. 0-2=189.00")
        if band.strip() in rates:
            raise argparse.ArgumentTypeError(f"band {band.strip()} is given twice")
        rates[band.strip()] = amount(pounds.strip()) if pounds.strip() != "0" else 0
    return rates


def finance_commands(sub) -> None:
    _payees(sub)
    _keying(sub)
    _packages(sub)
    _authorising(sub)
    _payruns(sub)


def _payees(sub) -> None:
    payee = _group(sub, "payee", "payees: carers, providers and individuals (no bank details)")
    add = payee.add_parser("add", help="add a payee with the council's creditor number")
    add.add_argument("payee", metavar="REF")
    add.add_argument("--name", required=True)
    add.add_argument("--kind", required=True, choices=("carer", "provider", "individual"))
    add.add_argument("--creditor", required=True, metavar="NO", help="the finance system's creditor number")
    acting_arguments(add)
    retire = payee.add_parser("retire", help="retire a payee: no new items")
    retire.add_argument("payee", metavar="REF")
    retire.add_argument("--reason")
    acting_arguments(retire)
    payee.add_parser("list", help="every payee").add_argument("--json", action="store_true")
    rates = _group(sub, "rates", "the fostering allowance policy")
    rates_set = rates.add_parser("set", help="weekly allowance per age band, in force from a date")
    rates_set.add_argument("--from", dest="from_date", required=True, metavar="DATE")
    rates_set.add_argument("--weekly", required=True, type=weekly_rates,
                           help="0-2=189.00,3-4=196.00,5-10=216.00,11-15=247.00,16-17=288.00")
    acting_arguments(rates_set)
    rates.add_parser("list", help="every rate table").add_argument("--json", action="store_true")


def _keying(sub) -> None:
    invoice = sub.add_parser("invoice", help="key a supplier's invoice for authorisation")
    invoice.add_argument("--payee", required=True, metavar="REF")
    invoice.add_argument("--number", required=True, metavar="NO", help="the invoice number")
    invoice.add_argument("--date", required=True, metavar="DATE", help="the invoice date, YYYY-MM-DD")
    invoice.add_argument("--amount", required=True, type=amount)
    invoice.add_argument("--code", required=True, help="the cost code")
    invoice.add_argument("--description", required=True)
    invoice.add_argument("--case", metavar="REF", help="the case reference")
    invoice.add_argument("--period", help="the period the invoice covers, as printed on it")
    invoice.add_argument("--confirm-duplicate", metavar="REASON",
                         help="key it although it looks like an earlier invoice, saying why")
    acting_arguments(invoice)
    payment = sub.add_parser("payment", help="key an ad-hoc payment (birthday, festival, setting-up-home...)")
    payment.add_argument("--payee", required=True, metavar="REF")
    payment.add_argument("--amount", required=True, type=amount)
    payment.add_argument("--code", required=True, help="the cost code")
    payment.add_argument("--reason", required=True)
    payment.add_argument("--case", metavar="REF", help="the case reference")
    acting_arguments(payment)


def _packages(sub) -> None:
    package = _group(sub, "package", "care packages: a foster carer's weekly allowance and reward")
    start = package.add_parser("start", help="start a care package")
    start.add_argument("--payee", required=True, metavar="REF", help="the carer")
    start.add_argument("--case", required=True, metavar="REF", help="the child's case reference")
    start.add_argument("--dob", required=True, metavar="DATE", help="the child's date of birth")
    start.add_argument("--from", dest="from_date", required=True, metavar="DATE", help="the first day paid")
    start.add_argument("--to", dest="to_date", metavar="DATE", help="the last day paid, if known")
    start.add_argument("--reward", required=True, type=_weekly_amount, help="the weekly reward fee")
    start.add_argument("--code", required=True, help="the cost code")
    acting_arguments(start)
    change = package.add_parser("change", help="change the weekly reward fee from a date")
    change.add_argument("item", metavar="ITEM")
    change.add_argument("--from", dest="from_date", required=True, metavar="DATE")
    change.add_argument("--reward", required=True, type=_weekly_amount)
    change.add_argument("--reason", required=True)
    acting_arguments(change)
    end = package.add_parser("end", help="end a package: the last day paid")
    end.add_argument("item", metavar="ITEM")
    end.add_argument("--on", required=True, metavar="DATE", help="the last day paid (inclusive)")
    end.add_argument("--reason", required=True)
    acting_arguments(end)
    package.add_parser("list", help="every package").add_argument("--json", action="store_true")


def _weekly_amount(text: str) -> int:
    """A weekly fee may be nothing at all (0 or 0.00); otherwise an amount as everywhere."""
    return 0 if text.strip() in ("0", "0.00") else amount(text)


def _authorising(sub) -> None:
    authorise = sub.add_parser("authorise", help="authorise an item keyed by someone else")
    authorise.add_argument("item", metavar="ITEM")
    acting_arguments(authorise)
    reject = sub.add_parser("reject", help="reject an item (it is dead: re-key it to correct it)")
    reject.add_argument("item", metavar="ITEM")
    reject.add_argument("--reason", required=True)
    acting_arguments(reject)


def _payruns(sub) -> None:
    payrun = _group(sub, "payrun", "pay runs: schedule, preview, close, export, paid")
    schedule = payrun.add_parser("schedule", help="schedule a run with its cut-off")
    schedule.add_argument("--pay-date", required=True, metavar="DATE")
    schedule.add_argument("--cutoff", required=True, metavar="'YYYY-MM-DD HH:MM[:SS]'", help="London time")
    schedule.add_argument("--period-end", required=True, metavar="DATE", help="packages are paid to this day")
    acting_arguments(schedule)
    preview = payrun.add_parser("preview", help="every line and exception of a run")
    preview.add_argument("run", metavar="RUN")
    preview.add_argument("--json", action="store_true")
    close = payrun.add_parser("close", help="close a run after its cut-off (final)")
    close.add_argument("run", metavar="RUN")
    close.add_argument("--reason", help="needed when the run has exceptions")
    acting_arguments(close)
    export = payrun.add_parser("export", help="the closed run's file for the finance system")
    export.add_argument("run", metavar="RUN")
    export.add_argument("--out", metavar="FILE", type=file_name, help="write here instead of standard output")
    paid = payrun.add_parser("paid", help="the finance system has paid the run")
    paid.add_argument("run", metavar="RUN")
    paid.add_argument("--on", required=True, metavar="DATE")
    acting_arguments(paid)
    payrun.add_parser("list", help="every pay run").add_argument("--json", action="store_true")
