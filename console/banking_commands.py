"""The command line of income reconciliation and reference rules: `bank` (a bag, or a statement import),
`banking resolve`, `refs set|list`: their grammar and their handlers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from console.commands import acting, open_ledger, parse_date, print_posted, print_rows
from console.parser import UsageError
from console.settings import resolve_db_path
from ledger.kinds import CHECK_SCHEMES, REFERENCE_TYPES  # light: every command builds this parser


# -- grammar ------------------------------------------------------------------------------
def _acting(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--as", dest="as_user", required=required, metavar="USER", help="who is acting")
    parser.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_banking_commands(sub, parser_class) -> None:
    """`bank` (a signed-off day into a bag, or `bank import|profiles`), `banking resolve`, `refs`."""
    bank = sub.add_parser("bank", help="bank a signed-off day's takings in a numbered bag; import a bank statement",
                          description="cashdesk bank --officer U --date D --bag N banks a day's takings; "
                          "cashdesk bank import FILE --profile NAME imports a bank statement")
    bank.add_argument("--officer")
    bank.add_argument("--date", help="the business date, YYYY-MM-DD")
    bank.add_argument("--bag", help="the bag number")
    _acting(bank, required=False)
    bank.add_argument("--id", dest="entry_id", help="idempotency key: the same id twice posts once")
    actions = bank.add_subparsers(dest="action", metavar="ACTION", parser_class=parser_class)
    imported = actions.add_parser("import", help="import a bank statement CSV through a profile (all or nothing)")
    imported.add_argument("file")
    imported.add_argument("--profile", required=True, help="the statement layout (see `bank profiles`)")
    imported.add_argument("--rules", metavar="FILE", help="a rules file of profiles beside the shipped ones")
    _acting(imported)
    profiles = actions.add_parser("profiles", help="the statement profiles: shipped, beside the ledger, --rules")
    profiles.add_argument("--rules", metavar="FILE")
    profiles.add_argument("--json", action="store_true")

    banking = sub.add_parser("banking", help="settle a bag the bank statement disagrees with").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    resolve = banking.add_parser("resolve", help="resolve a mismatched bag: the difference to BankingVariance")
    resolve.add_argument("bag")
    resolve.add_argument("--reason", required=True)
    _acting(resolve)
    resolve.add_argument("--id", dest="entry_id", help="idempotency key: the same id twice posts once")

    refs = sub.add_parser("refs", help="reference rules: a mask and a check digit per type").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    put = refs.add_parser("set", help="set the rule for one type of reference")
    put.add_argument("type", choices=REFERENCE_TYPES)
    put.add_argument("--mask", required=True, help="a regular expression the whole reference must match")
    put.add_argument("--check", choices=CHECK_SCHEMES, help="a check-digit scheme (python-stdnum)")
    _acting(put)
    refs.add_parser("list", help="the rule of every type").add_argument("--json", action="store_true")


# -- handlers -----------------------------------------------------------------------------
def _write(args, act) -> int:
    with open_ledger(args) as ledger:
        actor, _ = acting(ledger, args)
        return print_posted(args, act(ledger, actor))


def bank_takings(args) -> int:
    missing = [option for option, value in (("--officer", args.officer), ("--date", args.date),
                                            ("--bag", args.bag), ("--as", args.as_user)) if not value]
    if missing:
        raise UsageError(f"cashdesk bank: the following arguments are required: {', '.join(missing)} "
                         "(or: cashdesk bank import FILE --profile NAME)")
    date = parse_date(args.date)
    return _write(args, lambda ledger, actor: ledger.bank(
        actor, officer=args.officer, business_date=date, bag=args.bag, entry_id=args.entry_id))


def _profiles(args) -> dict:
    from ledger.location import sidecar_path
    from ledger.statement_profiles import OFFICE_RULES_SUFFIX, ProfileError, load_profiles

    if args.rules and not Path(args.rules).is_file():
        raise UsageError(f"cashdesk: no rules file {args.rules}")
    try:
        return load_profiles(sidecar_path(resolve_db_path(args.db), OFFICE_RULES_SUFFIX), args.rules)
    except ProfileError as error:
        raise UsageError(f"cashdesk: {error}") from None


def bank_import(args) -> int:
    from ledger.statements import StatementUnreadable

    profiles = _profiles(args)
    if args.profile not in profiles:
        raise UsageError(f"cashdesk bank import: no profile {args.profile}; known: {', '.join(profiles)}")
    with open_ledger(args) as ledger:
        actor, _ = acting(ledger, args)
        try:
            result = ledger.import_statement(actor, args.file, profiles[args.profile])
        except StatementUnreadable as error:
            raise UsageError(f"cashdesk bank import: {error}") from None
    print(json.dumps(result.as_json()) if args.json else result.summary())
    return 0


def bank_profiles(args) -> int:
    rows = [{"profile": profile.name, "source": profile.source, "fields": ",".join(profile.fields),
             "date_format": profile.date_format, "description": profile.description}
            for profile in _profiles(args).values()]
    return print_rows(rows, "json" if args.json else "table")


def banking_resolve(args) -> int:
    return _write(args, lambda ledger, actor: ledger.resolve_banking(
        actor, bag=args.bag, reason=args.reason, entry_id=args.entry_id))


def refs_set(args) -> int:
    return _write(args, lambda ledger, actor: ledger.set_reference_rule(actor, args.type, args.mask, args.check))


def refs_list(args) -> int:
    with open_ledger(args, read_only=True) as ledger, ledger.store.reading() as reader:
        held = {row["type"]: row for row in reader.reference_rules()}
    rows = [{"type": ref_type, "mask": held[ref_type]["mask"] if ref_type in held else None,
             "check": held[ref_type]["scheme"] if ref_type in held else None,
             "seq": held[ref_type]["seq"] if ref_type in held else None} for ref_type in REFERENCE_TYPES]
    return print_rows(rows, "json" if args.json else "table")


HANDLERS = {
    "bank": bank_takings, "bank import": bank_import, "bank profiles": bank_profiles,
    "banking resolve": banking_resolve, "refs set": refs_set, "refs list": refs_list,
}
