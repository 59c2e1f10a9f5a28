"""What each command does: read PINs, call the service layer once, print the answer."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import datetime, time, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from console.parser import UsageError, read_stdin_lines
from console.settings import resolve_db_path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.book import Ledger
    from ledger.service import Actor, Posted
    from ledger.store import SqliteStore

LONDON = ZoneInfo("Europe/London")


class Pins:
    """PINs in order: from standard input lines with --pin-stdin, else asked on the terminal."""

    def __init__(self, from_stdin: bool) -> None:
        self.lines = read_stdin_lines() if from_stdin else None

    def next(self, whose: str) -> str:
        if self.lines is not None:
            if not self.lines:
                raise UsageError(f"cashdesk: standard input has no PIN line for {whose}")
            return self.lines.pop(0).strip()
        if not sys.stdin.isatty():
            raise UsageError("cashdesk: no terminal to ask for the PIN on: use --pin-stdin")
        return getpass.getpass(f"PIN for {whose}: ")


def open_ledger(args, read_only: bool = False) -> "Ledger":
    """The service layer over the ledger (for any command that writes or needs the rules);
    `read_only` for a command that only reads, so it works where the ledger may not be written."""
    from ledger.book import Ledger

    return Ledger.open(resolve_db_path(args.db), read_only=read_only)


def open_store(args, read_only: bool = False) -> "SqliteStore":
    """Just the store, for the auditor's commands: no service layer is imported."""
    from ledger.store import open_store as open_file

    return open_file(resolve_db_path(args.db), read_only=read_only)


def parse_date(text: str) -> str:
    """--date YYYY-MM-DD, or a usage error."""
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"cashdesk: {text!r} is not a date (YYYY-MM-DD)") from None


def acting(ledger: Ledger, args, pins: Pins | None = None) -> tuple[Actor, Actor | None]:
    """The actor of --as and, where given, the supervisor of --authorised-by, both PIN-checked."""
    pins = pins or Pins(args.pin_stdin)
    actor = ledger.authenticate(args.as_user, pins.next(args.as_user))
    supervisor = getattr(args, "authorised_by", None)
    authoriser = ledger.authenticate(supervisor, pins.next(supervisor)) if supervisor else None
    return actor, authoriser


def print_posted(args, posted: Posted) -> int:
    if getattr(args, "json", False):
        print(json.dumps(posted.as_json()))
        return 0
    answer = posted.as_json()
    extra = "".join(f", {key.replace('_', ' ')} {answer[key]}" for key in ("receipt_no", "serial") if key in answer)
    verb = "recorded" if posted.outcome.value == "appended" else "already recorded"
    print(f"{verb}: {posted.entry.kind} at seq {posted.seq}{extra}")
    return 0


def print_rows(rows: list[dict], output_format: str) -> int:
    if output_format == "json":
        print(json.dumps(rows))
    elif output_format == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        from console.formatting import table

        print(table(rows))
    return 0


def london_today() -> str:
    return datetime.now(LONDON).date().isoformat()


def parse_until(text: str | None) -> tuple[int | None, str | None]:
    """--until SEQ or TIME (ISO 8601; a bare date means the end of that London day)."""
    if text is None:
        return None, None
    if text.isascii() and text.isdigit():
        return int(text), None
    try:
        if len(text) == 10:
            moment = datetime.combine(datetime.fromisoformat(text).date(), time.max, LONDON)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=LONDON)
    except ValueError:
        raise UsageError(f"cashdesk: --until {text!r} is neither a seq nor a time like 2026-11-23T17:00:00Z") from None
    from ledger.chain import format_recorded_at

    return None, format_recorded_at(moment.astimezone(timezone.utc))


def read_text_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"cashdesk: no file {path}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cashdesk: {path} is not UTF-8 text") from None


AUDIT_COMMANDS = ("verify", "head", "replay", "export", "rebuild", "backup", "copy")


def run(args) -> int:
    key = args.command if getattr(args, "action", None) is None else f"{args.command} {args.action}"
    if key in AUDIT_COMMANDS:
        from console.audit_commands import HANDLERS
    else:
        from console.handlers import HANDLERS
    return HANDLERS[key](args)
