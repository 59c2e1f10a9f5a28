"""The command line's grammar: every command, its arguments and their help."""

from __future__ import annotations

import argparse
import sys

from ledger.money import AmountError, parse_amount


#: More digits than any count, serial or seq could need; keeps int() away from huge strings.
MAX_DIGITS = 18
REPORTS = ("daily", "reconciliation", "limits", "warrants", "debtors", "income", "slip",
           "payments", "payrun", "packages", "discrepancies", "spend", "banking")


class UsageError(Exception):
    """Bad command-line input: one line, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit 2) rather than a usage dump."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def amount(text: str) -> int:
    """An argparse type: pounds on the command line, integer pence inside."""
    try:
        return parse_amount(text)
    except AmountError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def file_name(text: str) -> str:
    """An argparse type: where to write; a blank one (`--to ""`) would otherwise mean the default ledger or a
    file named by spaces."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is blank: say where to write")
    return text


def positive_int(text: str) -> int:
    """An argparse type: 1, 2, 3 … in ASCII digits only."""
    return _ascii_whole_number(text, 1, "a whole number from 1 up")


def whole_number(text: str) -> int:
    """An argparse type: 0, 1, 2 … in ASCII digits only."""
    return _ascii_whole_number(text, 0, "a whole number, 0 or more")


def _ascii_whole_number(text: str, lowest: int, words: str) -> int:
    """0-9 only: int() would also take '٣', ' 3 ', '+3', '1_000' and '-3' (and str.isdigit() takes '²')."""
    if not text.isascii() or not text.isdigit() or len(text) > MAX_DIGITS or int(text) < lowest:
        raise argparse.ArgumentTypeError(f"{text!r} is not {words}")
    return int(text)


def port_number(text: str) -> int:
    number = positive_int(text)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1 to 65535)")
    return number


def web_address(text: str) -> str:
    """An argparse type: the http(s) address browsers open, e.g. the TLS reverse proxy's."""
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// address "
                                         "(e.g. https://counter.example.council)")
    return parts.geturl().rstrip("/")


def database_url(text: str) -> str:
    """An argparse type: a postgresql:// URL (repeated in an error only without its password)."""
    from ledger.location import describe_unparsed, is_database_url

    if not is_database_url(text):
        raise argparse.ArgumentTypeError(f"{describe_unparsed(text)!r} is not a postgresql:// URL")
    return text


def acting_arguments(parser: argparse.ArgumentParser, authorise: bool = False) -> None:
    parser.add_argument("--as", dest="as_user", required=True, metavar="USER", help="who is acting")
    parser.add_argument("--pin-stdin", action="store_true",
                        help="read PINs from standard input: line 1 for --as, line 2 for --authorised-by")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--id", dest="entry_id", help="idempotency key: the same id twice posts once")
    if authorise:
        parser.add_argument("--authorised-by", metavar="SUPERVISOR",
                            help="a supervisor authorising this entry over the officer's limit")
        parser.add_argument("--reason", help="why the supervisor authorises it")


def _money_command(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    acting_arguments(parser, authorise=True)
    return parser


def build_parser() -> Parser:
    parser = Parser(prog="cashdesk", description="The council counter's cash desk on a hash-chained ledger.")
    parser.add_argument("--db", metavar="PATH|URL", help="the ledger: a SQLite file, or a postgresql:// URL "
                        "(default: $CASHDESK_DB, else ledger.db in the user data dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _setup_commands(sub)
    _counter_commands(sub)
    from console.finance_parser import finance_commands

    finance_commands(sub)
    from console.banking_commands import add_banking_commands  # here: it imports this module

    add_banking_commands(sub, Parser)
    _audit_commands(sub)
    return parser


def _setup_commands(sub) -> None:
    demo = sub.add_parser("demo", help="create the demo ledger if absent and print its logins")
    demo.add_argument("--no-ui", action="store_true", help="do not start the console")

    init = sub.add_parser("init", help="create a new ledger with its first admin")
    init.add_argument("--office", required=True, help="the office's name")
    init.add_argument("--admin", required=True, metavar="USER", help="the first admin's user name")
    init.add_argument("--pin-stdin", action="store_true", help="read the admin's new PIN from standard input")

    users = sub.add_parser("users", help="add, list, unlock, change or deactivate users").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=Parser)
    add = users.add_parser("add", help="add a user (their PIN is read after yours)")
    add.add_argument("username")
    add.add_argument("--roles", required=True, help="comma-separated: officer,supervisor,finance,auditor,admin")
    add.add_argument("--name", help="the person's full name")
    acting_arguments(add)
    users.add_parser("list", help="every user").add_argument("--json", action="store_true")
    for action, text in (("unlock", "unlock a user locked out by failed PINs"), ("deactivate", "deactivate a user")):
        one = users.add_parser(action, help=text)
        one.add_argument("username")
        acting_arguments(one)
    roles = users.add_parser("roles", help="replace a user's roles")
    roles.add_argument("username")
    roles.add_argument("--roles", required=True)
    acting_arguments(roles)

    codes = sub.add_parser("codes", help="income and cost codes").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=Parser)
    add = codes.add_parser("add", help="add an income or cost code")
    add.add_argument("code")
    add.add_argument("--name", required=True)
    add.add_argument("--type", required=True, choices=("income", "cost"))
    acting_arguments(add)
    retire = codes.add_parser("retire", help="retire a code: it takes no new entries")
    retire.add_argument("code")
    acting_arguments(retire)
    codes.add_parser("list", help="every code").add_argument("--json", action="store_true")

    settings = sub.add_parser("settings", help="chained settings").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=Parser)
    put = settings.add_parser("set", help="change a setting (daily_limit_pence, idle_lock_seconds, ...)")
    put.add_argument("key")
    put.add_argument("value")
    put.add_argument("--user", help="for daily_limit_pence: one officer's own limit")
    acting_arguments(put)
    settings.add_parser("list", help="every setting in force").add_argument("--json", action="store_true")

    warrants = sub.add_parser("warrants", help="travel-warrant stock").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=Parser)
    receive = warrants.add_parser("receive", help="receive a range of numbered forms into stock")
    receive.add_argument("--first", required=True, type=positive_int)
    receive.add_argument("--last", required=True, type=positive_int)
    acting_arguments(receive)
    spoil = warrants.add_parser("spoil", help="record an unused form destroyed")
    spoil.add_argument("serial", type=positive_int)
    spoil.add_argument("--reason", required=True)
    acting_arguments(spoil)

    debtors = sub.add_parser("debtors", help="debts the council is owed").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=Parser)
    imp = debtors.add_parser("import", help="import debts from CSV: debtor_ref,name,amount,code,description")
    imp.add_argument("file")
    acting_arguments(imp)
    debtors.add_parser("list", help="every debtor and balance").add_argument("--json", action="store_true")


def _counter_commands(sub) -> None:
    session = sub.add_parser("session", help="the officer's session").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=Parser)
    opened = session.add_parser("open", help="open today's till with a float")
    opened.add_argument("--float", dest="float_pence", type=amount, help="the float in pounds, e.g. 50.00")
    opened.add_argument("--notes", help="notes by pound value x number, e.g. 20x2,10x1")
    opened.add_argument("--coins", help="coins by pence value x number, e.g. 100x5,50x4")
    acting_arguments(opened)

    receipt = _money_command(sub, "receipt", "record a cash or cheque receipt")
    receipt.add_argument("--amount", required=True, type=amount)
    receipt.add_argument("--method", required=True, choices=("cash", "cheque"))
    receipt.add_argument("--code", required=True, help="the income code")
    receipt.add_argument("--payer", required=True)
    receipt.add_argument("--ref", help="the payer's reference")
    receipt.add_argument("--description")

    collect = _money_command(sub, "collect", "record a payment against a debt")
    collect.add_argument("--debtor", required=True, help="the debtor reference")
    collect.add_argument("--amount", required=True, type=amount)
    collect.add_argument("--method", required=True, choices=("cash", "cheque"))
    collect.add_argument("--ref", help="the payer's reference")

    payout = _money_command(sub, "payout", "record a petty-cash payout")
    payout.add_argument("--amount", required=True, type=amount)
    payout.add_argument("--code", required=True, help="the cost code")
    payout.add_argument("--payee", required=True)
    payout.add_argument("--purpose", required=True)
    payout.add_argument("--no-receipt", action="store_true", help="no till receipt is held for it")

    warrant = _money_command(sub, "warrant", "issue the next travel warrant from stock")
    warrant.add_argument("--recipient", required=True)
    warrant.add_argument("--journey", required=True)
    warrant.add_argument("--value", required=True, type=amount)
    warrant.add_argument("--code", required=True, help="the cost code")
    warrant.add_argument("--case", help="the case reference")
    warrant.add_argument("--ticket", choices=("single", "return"), default="single")
    warrant.add_argument("--travel-date", help="YYYY-MM-DD (default: the business date)")
    warrant.add_argument("--purpose")

    count = sub.add_parser("count", help="declare the day's closing count (blind)")
    count.add_argument("--notes", help="notes by pound value x number, e.g. 20x2,10x1")
    count.add_argument("--coins", help="coins by pence value x number, e.g. 200x3,50x1")
    count.add_argument("--cheques", type=whole_number, default=0, help="how many cheques are in the till")
    count.add_argument("--unused-serials", help="warrant serials held unused, e.g. 500010-500050,500060")
    acting_arguments(count)

    for name, text in (("signoff", "sign off an officer's counted day (a supervisor, not the officer)"),
                       ("recount", "send an officer's count back to be done again")):
        close = sub.add_parser(name, help=text)
        close.add_argument("--officer", required=True)
        close.add_argument("--date", required=True, help="the business date, YYYY-MM-DD")
        close.add_argument("--reason", required=(name == "recount"),
                           help="required when the count differs from what was expected")
        acting_arguments(close)

    counts = sub.add_parser("counts", help="days waiting for sign-off, oldest first, expected against counted")
    counts.add_argument("--as", dest="as_user", required=True, metavar="SUPERVISOR")
    counts.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    counts.add_argument("--format", choices=("table", "csv", "json"), default="table")

    reverse = sub.add_parser("reverse", help="reverse one entry, authorised by a supervisor")
    reverse.add_argument("seq", type=positive_int)
    acting_arguments(reverse, authorise=True)


def _audit_commands(sub) -> None:
    verify = sub.add_parser("verify", help="check every hash and link (and anchors)")
    verify.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH")
    verify.add_argument("--anchors", metavar="FILE", help="check every anchor in an anchor log")
    verify.add_argument("--json", action="store_true")
    sub.add_parser("head", help="print SEQ:HASH of the tip")
    replay = sub.add_parser("replay", help="balances by account as of a seq or a time")
    replay.add_argument("--until", metavar="SEQ|TIME")
    replay.add_argument("--json", action="store_true")
    export = sub.add_parser("export", help="the ledger as hledger journal, CSV or JSON lines")
    export.add_argument("--format", required=True, choices=("hledger", "csv", "jsonl"))
    export.add_argument("--until", metavar="SEQ|TIME")
    export.add_argument("--output", "-o", metavar="FILE", type=file_name, help="write here instead of standard output")
    report = sub.add_parser("report", help=", ".join(REPORTS))
    report.add_argument("name", choices=REPORTS)
    report.add_argument("run", nargs="?", metavar="RUN", help="payrun: the pay run")
    report.add_argument("--date", help="YYYY-MM-DD (default today, Europe/London)")
    report.add_argument("--all-dates", action="store_true", help="limits: every date")
    report.add_argument("--from", dest="first_date", help="income, spend: first business date (default: --date)")
    report.add_argument("--to", dest="last_date", help="income, spend: last business date (default: --date)")
    report.add_argument("--officer", help="slip: whose sign-off slip")
    report.add_argument("--format", choices=("table", "csv", "json", "pdf"), default="table")
    report.add_argument("--output", "-o", metavar="FILE", type=file_name, help="write here (required for pdf)")
    simulate = sub.add_parser("simulate", help="write realistic history through the real write path")
    simulate.add_argument("--days", required=True, type=positive_int, help="working days to simulate")
    simulate.add_argument("--officers", type=positive_int, default=4, help="simulated officers (default 4)")
    simulate.add_argument("--seed", type=whole_number, default=1, help="the random seed (default 1)")
    bench = sub.add_parser("bench", help="the benchmark suite (docs/PERFORMANCE.md): ratios against baselines")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--quick", action="store_true", help="small sizes: well under a minute")
    bench.add_argument("--entries", type=positive_int, help="big-ledger entries (default 100,000; quick 3,000)")
    bench.add_argument("--postgres", type=database_url, metavar="URL",
                       help="also measure posting on this PostgreSQL database, in a schema of its own, dropped after")
    serve = sub.add_parser("serve", help="the console in a browser (textual-serve), on loopback by default")
    serve.add_argument("--port", type=port_number, default=8000, help="listen port (default 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    serve.add_argument("--public", action="store_true",
                       help="allow a non-loopback --host (put a TLS reverse proxy in front of it)")
    serve.add_argument("--public-url", type=web_address, metavar="URL",
                       help="the address browsers open, when a reverse proxy stands in front "
                            "(e.g. https://counter.example.council)")
    sub.add_parser("rebuild", help="drop and rebuild every projection from the entries")
    backup = sub.add_parser("backup", help="an online copy that is verified (of a PostgreSQL ledger: a SQLite file)")
    backup.add_argument("dest", type=file_name)
    copy = sub.add_parser("copy", help="copy the ledger whole into a new SQLite file or an empty PostgreSQL database, "
                          "then verify the copy has the same entries and head")
    copy.add_argument("--to", required=True, metavar="PATH|URL", type=file_name,
                      help="a new file, or a postgresql:// URL")


def read_stdin_lines() -> list[str]:
    return sys.stdin.read().splitlines()
