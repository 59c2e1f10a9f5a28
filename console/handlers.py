"""One handler per command: parse what the service layer needs, call it, print."""

from __future__ import annotations

import json

from console.banking_commands import HANDLERS as BANKING_HANDLERS
from console.commands import (
    Pins, acting, open_ledger, parse_date, print_posted, print_rows, read_text_file,
)
from console.finance_handlers import FINANCE_HANDLERS
from console.parser import UsageError
from console.settings import default_db_path, resolve_db_path
from ledger import audit, reports
from ledger.book import Ledger
from ledger.store import describe, ledger_exists


def _roles(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _write(args, act) -> int:
    """Open, authenticate (--as and --authorised-by), run one write, print its answer."""
    with open_ledger(args) as ledger:
        actor, authoriser = acting(ledger, args)
        return print_posted(args, act(ledger, actor, authoriser))


def _override(args, authoriser) -> dict:
    return {"authoriser": authoriser, "override_reason": args.reason} if authoriser else {}


# -- setting up ---------------------------------------------------------------------------
def init(args) -> int:
    path = resolve_db_path(args.db)
    if path == default_db_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    pins = Pins(args.pin_stdin)
    with Ledger.create(path, office=args.office, admin=args.admin, pin=pins.next(args.admin)) as ledger:
        head = audit.verify(ledger.store).head
    print(f"created {describe(path)} for {args.office}; admin {args.admin}; head {head}")
    return 0


def users_add(args) -> int:
    with open_ledger(args) as ledger:
        pins = Pins(args.pin_stdin)
        actor, _ = acting(ledger, args, pins)
        new_pin = pins.next(f"the new user {args.username}")
        return print_posted(args, ledger.add_user(actor, args.username, _roles(args.roles), new_pin,
                                                  name=args.name, entry_id=args.entry_id))


def users_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        return print_rows(reports.users(ledger.store), "json" if args.json else "table")


def users_unlock(args) -> int:
    return _write(args, lambda ledger, actor, _: ledger.unlock_user(actor, args.username))


def users_deactivate(args) -> int:
    return _write(args, lambda ledger, actor, _: ledger.deactivate_user(actor, args.username))


def users_roles(args) -> int:
    return _write(args, lambda ledger, actor, _: ledger.change_roles(actor, args.username, _roles(args.roles)))


def codes_add(args) -> int:
    return _write(args, lambda ledger, actor, _: ledger.add_code(actor, args.code, args.name, args.type,
                                                                 entry_id=args.entry_id))


def codes_retire(args) -> int:
    return _write(args, lambda ledger, actor, _: ledger.retire_code(actor, args.code))


def codes_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        return print_rows(reports.codes(ledger.store), "json" if args.json else "table")


def settings_set(args) -> int:
    return _write(args, lambda ledger, actor, _: ledger.set_setting(actor, args.key, args.value, args.user))


def settings_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger, ledger.store.reading() as reader:
        rows = [{"key": row["key"], "user": row["scope"], "value": row["value"]} for row in reader.settings()]
    return print_rows(rows, "json" if args.json else "table")


def warrants_receive(args) -> int:
    return _write(args, lambda ledger, actor, _: ledger.receive_warrants(actor, args.first, args.last,
                                                                         entry_id=args.entry_id))


def warrants_spoil(args) -> int:
    return _write(args, lambda ledger, actor, _: ledger.spoil_warrant(
        actor, serial=args.serial, reason=args.reason, entry_id=args.entry_id))


def debtors_import(args) -> int:
    from ledger.debtors import parse_debtor_csv

    rows = parse_debtor_csv(read_text_file(args.file))
    with open_ledger(args) as ledger:
        actor, _ = acting(ledger, args)
        result = ledger.import_debts(actor, rows)
    answer = {"outcome": "imported", "imported": result.imported, "already_present": result.already_present}
    print(json.dumps(answer) if args.json else
          f"imported {result.imported} debts; {result.already_present} were already present")
    return 0


def debtors_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger:
        return print_rows(reports.debtors(ledger.store), "json" if args.json else "table")


# -- the counter --------------------------------------------------------------------------
def session_open(args) -> int:
    from console.denominations import parse_denominations

    denominations = parse_denominations(args.notes, args.coins)
    if denominations is None and args.float_pence is None:
        raise UsageError("cashdesk session open: give --float, or --notes/--coins by denomination")
    if denominations is not None and args.float_pence is not None:
        raise UsageError("cashdesk session open: give --float or --notes/--coins, not both")
    return _write(args, lambda ledger, actor, _: ledger.open_session(
        actor, args.float_pence or 0, denominations, entry_id=args.entry_id))


def receipt(args) -> int:
    return _write(args, lambda ledger, actor, authoriser: ledger.record_receipt(
        actor, amount_pence=args.amount, method=args.method, code=args.code, payer=args.payer,
        reference=args.ref, description=args.description, entry_id=args.entry_id,
        **_override(args, authoriser)))


def collect(args) -> int:
    return _write(args, lambda ledger, actor, authoriser: ledger.collect_debt(
        actor, debtor_ref=args.debtor, amount_pence=args.amount, method=args.method, reference=args.ref,
        entry_id=args.entry_id, **_override(args, authoriser)))


def payout(args) -> int:
    return _write(args, lambda ledger, actor, authoriser: ledger.record_payout(
        actor, amount_pence=args.amount, code=args.code, payee=args.payee, purpose=args.purpose,
        receipt_held=not args.no_receipt, entry_id=args.entry_id, **_override(args, authoriser)))


def warrant(args) -> int:
    return _write(args, lambda ledger, actor, authoriser: ledger.issue_warrant(
        actor, recipient=args.recipient, journey=args.journey, value_pence=args.value, code=args.code,
        case_ref=args.case, ticket=args.ticket, travel_date=args.travel_date, purpose=args.purpose,
        entry_id=args.entry_id, **_override(args, authoriser)))


def reverse(args) -> int:
    if not args.reason:
        raise UsageError("cashdesk reverse: --reason is required")

    def act(ledger, actor, authoriser):
        return ledger.reverse(actor, seq=args.seq, reason=args.reason, authoriser=authoriser or actor,
                              entry_id=args.entry_id)

    return _write(args, act)


def count(args) -> int:
    from console.denominations import parse_denominations, parse_serials

    denominations = parse_denominations(args.notes, args.coins) or {}
    return _write(args, lambda ledger, actor, _: ledger.declare_count(
        actor, denominations=denominations, cheques_counted=args.cheques,
        unused_serials=parse_serials(args.unused_serials), entry_id=args.entry_id))


def signoff(args) -> int:
    date = parse_date(args.date)
    with open_ledger(args) as ledger:
        actor, _ = acting(ledger, args)
        posted = ledger.sign_off(actor, officer=args.officer, business_date=date, reason=args.reason,
                                 entry_id=args.entry_id)
    anchor = f"{posted.entry.seq}:{posted.entry.hash}"
    if args.json:
        print(json.dumps({**posted.as_json(), "anchor": anchor}))
    else:
        from console.formatting import money

        body = posted.body
        print(f"signed off {args.officer} {date}: expected {money(body['cash_pence_expected'])}, "
              f"counted {money(body['cash_pence_counted'])}, variance {money(body['cash_pence_variance'])}")
        print(f"anchor {anchor}")
    return 0


def counts(args) -> int:
    with open_ledger(args) as ledger:
        actor, _ = acting(ledger, args)
        rows = ledger.days_waiting(actor)
    return print_rows(rows, args.format)


def recount(args) -> int:
    date = parse_date(args.date)
    return _write(args, lambda ledger, actor, _: ledger.request_recount(
        actor, officer=args.officer, business_date=date, reason=args.reason, entry_id=args.entry_id))


def simulate(args) -> int:
    from datetime import datetime, timezone

    from ledger.simulate import SimClock, simulate as simulate_history

    path = resolve_db_path(args.db)
    clock = SimClock(datetime(2000, 1, 1, tzinfo=timezone.utc))
    new_ledger = not ledger_exists(path)
    if new_ledger:
        Ledger.create(path, office="Simulated Office", admin="simadmin", pin="135790", clock=clock,
                      terminal="simulate").close()
    # A ledger made only for synthetic history may use synchronous=NORMAL (it survives a crash of
    # this process, not a power cut); history added to an existing ledger keeps FULL.
    with Ledger.open(path, clock=clock, terminal="simulate", durable=not new_ledger) as ledger:
        result = simulate_history(ledger, clock, args.days, args.officers, seed=args.seed)
    print(f"simulated {result.days} working days ({result.first_day} to {result.last_day}) for "
          f"{args.officers} officers: {result.entries_after - result.entries_before} entries written, "
          f"{result.entries_after} in the ledger")
    return 0


def serve(args) -> int:
    from console.run import serve_console

    return serve_console(args.db, args.host, args.port, args.public, args.public_url)


def report(args) -> int:
    from console.reporting import run_report

    return run_report(args)


def demo(args) -> int:
    from console.demo_command import run_demo

    return run_demo(args)


HANDLERS = {
    "demo": demo, "init": init,
    "users add": users_add, "users list": users_list, "users unlock": users_unlock,
    "users deactivate": users_deactivate, "users roles": users_roles,
    "codes add": codes_add, "codes retire": codes_retire, "codes list": codes_list,
    "settings set": settings_set, "settings list": settings_list,
    "warrants receive": warrants_receive, "warrants spoil": warrants_spoil,
    "debtors import": debtors_import, "debtors list": debtors_list,
    "session open": session_open, "receipt": receipt, "collect": collect, "payout": payout,
    "warrant": warrant, "reverse": reverse, "count": count, "signoff": signoff, "recount": recount,
    "counts": counts,
    "report": report, "simulate": simulate, "serve": serve,
    **FINANCE_HANDLERS,
    "bench": lambda args: __import__("console.bench", fromlist=["run"]).run(args),  # imported only when run
    **BANKING_HANDLERS,  # bank (a bag, or a statement import), banking resolve, refs
}
