"""The auditor's commands: verify, head, replay, export, rebuild, backup. Light imports: `verify` starts fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from console.commands import open_store, parse_until
from console.parser import UsageError
from ledger import audit
from ledger.anchors import read_anchors


def verify(args) -> int:
    anchors = list(args.anchor)
    with open_store(args, read_only=True) as store:
        try:
            if args.anchors:
                anchors += read_anchors(Path(args.anchors))
            verdict = audit.verify(store, anchors)
        except FileNotFoundError:
            raise UsageError(f"cashdesk verify: no anchor log {args.anchors}") from None
        except ValueError as error:
            raise UsageError(f"cashdesk verify: {error}") from None
    if args.json:
        print(json.dumps({"ok": verdict.ok, "entries": verdict.entries, "head": verdict.head,
                          "first_bad_seq": verdict.first_bad_seq, "problem": verdict.problem}))
    elif verdict.ok:
        checked = f", {len(anchors)} anchors match" if anchors else ""
        print(f"ok: {verdict.entries} entries verified{checked}; head {verdict.head}")
    if not verdict.ok:
        print(f"verification failed at seq {verdict.first_bad_seq}: {verdict.problem}", file=sys.stderr)
        return 1
    return 0


def head(args) -> int:
    with open_store(args, read_only=True) as store, store.reading() as reader:
        seq, digest = reader.head()
    print(f"{seq}:{digest}")
    return 0


def replay(args) -> int:
    until_seq, until_time = parse_until(args.until)
    with open_store(args, read_only=True) as store:
        result = audit.replay(store, until_seq, until_time)
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    rows = [{"account": account, "balance_pence": pence} for account, pence in result.balances.items()]
    print(f"balances as of seq {result.as_of_seq}")
    from console.commands import print_rows

    return print_rows(rows, "table")


def export(args) -> int:
    until_seq, until_time = parse_until(args.until)
    with open_store(args, read_only=True) as store:
        if args.output is None:
            audit.EXPORTERS[args.format](store, sys.stdout, until_seq, until_time)
        else:
            audit.export_file(store, args.format, args.output, until_seq, until_time)
    return 0


def rebuild(args) -> int:
    with open_store(args) as store:
        count = store.rebuild()
    print(f"rebuilt every projection from {count} entries")
    return 0


def backup(args) -> int:
    """A file the ledger can be restored from: SQLite's online backup, or a PostgreSQL ledger copied to SQLite."""
    with open_store(args, read_only=True) as store:
        if store.kind != "sqlite":
            return _copy(store, args.dest, "backed up to")
        dest = store.backup(args.dest)
    from ledger.store import open_store as open_file

    with open_file(dest) as copy:
        verdict = audit.verify(copy)
    if not verdict.ok:
        print(f"backup {dest} does not verify at seq {verdict.first_bad_seq}: {verdict.problem}", file=sys.stderr)
        return 1
    print(f"backed up to {dest}: {verdict.entries} entries verified; head {verdict.head}")
    return 0


def copy(args) -> int:
    from console.settings import resolve_db_path

    with open_store(args, read_only=True) as store:
        return _copy(store, resolve_db_path(args.to), "copied to")


def _copy(store, target, verb: str) -> int:
    from ledger.copying import copy_ledger

    copied = copy_ledger(store, target)
    print(f"{verb} {copied.target}: {copied.entries} entries verified; head {copied.head}, as the source's")
    return 0


HANDLERS = {"verify": verify, "head": head, "replay": replay, "export": export, "rebuild": rebuild,
            "backup": backup, "copy": copy}
