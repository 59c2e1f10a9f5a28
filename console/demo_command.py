"""`cashdesk demo`: create the demo ledger when absent and print its logins."""

from __future__ import annotations

from pathlib import Path

from console.settings import resolve_db_path
from ledger import audit
from ledger.anchors import default_anchor_log
from ledger.bank_demo import import_demo_statement
from ledger.book import Ledger
from ledger.demo import LOGINS, build_demo
from ledger.service import Actor
from ledger.store import describe, is_database_url, ledger_exists


def run_demo(args) -> int:
    path = resolve_db_path(args.db)
    if ledger_exists(path):
        ledger = Ledger.open(path)
        print(f"Using the existing ledger at {describe(path)}")
    elif is_database_url(path):  # built in place: an empty database, its tables left empty if it fails
        with build_demo(path) as demo:
            import_demo_statement(demo, Actor("sam", frozenset({"supervisor"})))
        ledger = Ledger.open(path)
        print(f"Created the demo ledger in {describe(path)}")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".building")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm"), default_anchor_log(partial)):
            leftover.unlink(missing_ok=True)
        with build_demo(partial) as demo:  # and a bank statement for the supervisor's banking desk
            import_demo_statement(demo, Actor("sam", frozenset({"supervisor"})))
        default_anchor_log(partial).replace(default_anchor_log(path))
        partial.replace(path)
        ledger = Ledger.open(path)
        print(f"Created the demo ledger at {path}")
    with ledger:
        verdict = audit.verify(ledger.store)
    print(f"{verdict.entries} entries, head {verdict.head}\n")
    print("Logins (user / PIN / roles):")
    for username, (roles, pin, name) in LOGINS.items():
        print(f"  {username:<6} {pin}  {','.join(roles):<11} {name}")
    if not args.no_ui:
        from console.run import run_console

        return run_console(str(path))
    print("\nTry:  cashdesk --db", describe(path), "           (the console)")
    print("      cashdesk session open --float 50.00 --as alice")
    print("      cashdesk receipt --amount 12.50 --method cash --code RECORDS --payer 'J Smith' --as alice")
    print("      cashdesk report limits")
    return 0
