"""The finance desk's commands: each parses what the service needs, calls it once and prints."""

from __future__ import annotations

import json
import sys

from console.commands import acting, open_ledger, parse_date, print_posted, print_rows
from console.parser import UsageError
from ledger import finance_reports


def _write(args, act) -> int:
    with open_ledger(args) as ledger:
        actor, _ = acting(ledger, args)
        return print_posted(args, act(ledger, actor))


def _date(text: str | None) -> str | None:
    return None if text is None else parse_date(text)


def payee_add(args) -> int:
    return _write(args, lambda ledger, actor: ledger.add_payee(
        actor, args.payee, name=args.name, kind=args.kind, creditor=args.creditor, entry_id=args.entry_id))


def payee_retire(args) -> int:
    return _write(args, lambda ledger, actor: ledger.retire_payee(actor, args.payee, args.reason))


def payee_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        return print_rows(finance_reports.payees(ledger.store), "json" if args.json else "table")


def rates_set(args) -> int:
    from_date = parse_date(args.from_date)
    return _write(args, lambda ledger, actor: ledger.set_rates(actor, from_date=from_date,
                                                               weekly_pence=args.weekly))


def rates_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        return print_rows(finance_reports.rates(ledger.store), "json" if args.json else "table")


def invoice(args) -> int:
    invoice_date = parse_date(args.date)
    return _write(args, lambda ledger, actor: ledger.key_invoice(
        actor, payee=args.payee, invoice_no=args.number, invoice_date=invoice_date, amount_pence=args.amount,
        code=args.code, description=args.description, case_ref=args.case, period=args.period,
        confirm_duplicate=args.confirm_duplicate, entry_id=args.entry_id))


def payment(args) -> int:
    return _write(args, lambda ledger, actor: ledger.key_payment(
        actor, payee=args.payee, amount_pence=args.amount, code=args.code, reason=args.reason,
        case_ref=args.case, entry_id=args.entry_id))


def package_start(args) -> int:
    dob, start, end = parse_date(args.dob), parse_date(args.from_date), _date(args.to_date)
    return _write(args, lambda ledger, actor: ledger.start_package(
        actor, payee=args.payee, case_ref=args.case, dob=dob, start=start, end=end, reward_pence=args.reward,
        code=args.code, entry_id=args.entry_id))


def package_change(args) -> int:
    from_date = parse_date(args.from_date)
    return _write(args, lambda ledger, actor: ledger.change_package(
        actor, args.item, from_date=from_date, reward_pence=args.reward, reason=args.reason,
        entry_id=args.entry_id))


def package_end(args) -> int:
    on = parse_date(args.on)
    return _write(args, lambda ledger, actor: ledger.end_package(
        actor, args.item, on=on, reason=args.reason, entry_id=args.entry_id))


def package_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        return print_rows(finance_reports.packages(ledger.store), "json" if args.json else "table")


def authorise(args) -> int:
    return _write(args, lambda ledger, actor: ledger.authorise_item(actor, args.item, entry_id=args.entry_id))


def reject(args) -> int:
    return _write(args, lambda ledger, actor: ledger.reject_item(actor, args.item, args.reason,
                                                                 entry_id=args.entry_id))


def payrun_schedule(args) -> int:
    pay_date, period_end = parse_date(args.pay_date), parse_date(args.period_end)
    return _write(args, lambda ledger, actor: ledger.schedule_payrun(
        actor, pay_date=pay_date, cutoff=args.cutoff, period_end=period_end, entry_id=args.entry_id))


def payrun_preview(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        plan = ledger.preview_payrun(args.run)
    if args.json:
        print(json.dumps(plan.as_json()))
        return 0
    print_rows(finance_reports.plan_rows(plan), "table")
    print(f"{plan.run['run']}: {len(plan.lines)} line(s), total {finance_reports.pounds(plan.total_pence)}; "
          f"{len(plan.exceptions)} exception(s)")
    for note in plan.exceptions:
        print(f"  {note['kind']}: {note['item']}: {note['message']}")
    return 0


def payrun_close(args) -> int:
    return _write(args, lambda ledger, actor: ledger.close_payrun(actor, args.run, args.reason,
                                                                  entry_id=args.entry_id))


def payrun_export(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        data = ledger.export_payrun(args.run)
    if args.out:
        from console.files import write_private

        write_private(args.out, data)
        print(f"wrote {args.out}", file=sys.stderr)
        return 0
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0


def payrun_paid(args) -> int:
    on = parse_date(args.on)
    return _write(args, lambda ledger, actor: ledger.mark_paid(actor, args.run, paid_on=on,
                                                               entry_id=args.entry_id))


def payrun_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        return print_rows(finance_reports.payruns(ledger.store), "json" if args.json else "table")


def finance_report(args, ledger, date: str) -> tuple[list[dict], str]:
    """The rows of `report payments|payrun|packages|discrepancies|spend` and a subtitle for PDF."""
    store = ledger.store
    if args.name == "payrun":
        if not args.run:
            raise UsageError("cashdesk report payrun: name the run, e.g. cashdesk report payrun PR-0001")
        plan = ledger.preview_payrun(args.run)
        return finance_reports.plan_rows(plan), (
            f"pay run {args.run} ({plan.run['state']}), pay date {plan.run['pay_date']}: {len(plan.lines)} lines, "
            f"total {finance_reports.pounds(plan.total_pence)}, {len(plan.exceptions)} exceptions")
    if args.name == "spend":
        first = parse_date(args.first_date) if args.first_date else date[:8] + "01"
        last = parse_date(args.last_date) if args.last_date else date
        return finance_reports.spend(store, first, last), f"business dates {first} to {last}"
    if args.name in ("payments", "discrepancies"):
        return getattr(finance_reports, args.name)(store, ledger.clock()), ""
    if args.name == "packages":
        return finance_reports.packages(store, date), f"weekly due on {date}"
    return getattr(finance_reports, args.name)(store), ""


FINANCE_HANDLERS = {
    "payee add": payee_add, "payee retire": payee_retire, "payee list": payee_list,
    "rates set": rates_set, "rates list": rates_list,
    "invoice": invoice, "payment": payment,
    "package start": package_start, "package change": package_change, "package end": package_end,
    "package list": package_list,
    "authorise": authorise, "reject": reject,
    "payrun schedule": payrun_schedule, "payrun preview": payrun_preview, "payrun close": payrun_close,
    "payrun export": payrun_export, "payrun paid": payrun_paid, "payrun list": payrun_list,
}
