"""Reading a bank statement CSV through a profile: streamed, every row checked, the whole file or nothing.

Nothing here touches the ledger: `read_statement` turns a file into `StatementLine`s, or refuses
it (`csv_invalid`, listing every bad line by number), or finds it unreadable as text
(`StatementUnreadable`: the command line's exit 2). The service layer (ledger/bank_reconcile.py)
writes the lines and matches them.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterator

from pydantic import ValidationError

from ledger.records import BODIES, MAX_STATEMENT_PENCE, clean_text, refusal_from
from ledger.refusals import Outcome, Refused
from ledger.statement_profiles import Profile

#: A statement is a day's to a year's lines; a file past these limits is not one (and is never read whole).
MAX_LINES = 100_000
MAX_LINE_CHARACTERS = 4_096
#: Bad lines listed with their problem; any more are listed by number only.
DETAILED_BAD_LINES = 20
_POUNDS = re.compile(r"(?P<sign>[+\-\u2212]?)£?(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<pence>[0-9]{1,2}))?")
_FORMAT_WORDS = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%b": "Mon"}


class StatementUnreadable(Exception):
    """The file cannot be read as text at all: missing, not a file, not in the profile's encoding."""


@dataclass(frozen=True)
class StatementLine:
    """One row of a statement, read and checked."""

    line: int
    account: str
    date: str
    amount_pence: int
    reference: str | None = None
    description: str | None = None
    detail: str | None = None
    type: str | None = None
    balance_pence: int | None = None
    occurrence: int | None = None

    def key(self, profile: str) -> str:
        """The duplicate key: profile, account, date, amount, reference, and the running balance
        (or, without one, which occurrence of that same line in the file this is)."""
        tail = f"balance:{self.balance_pence}" if self.balance_pence is not None else f"occurrence:{self.occurrence}"
        return "\x1f".join((profile, self.account, self.date, str(self.amount_pence), self.reference or "", tail))

    def digest(self, profile: str) -> str:
        return hashlib.sha256(self.key(profile).encode("utf-8")).hexdigest()[:32]

    def body_fields(self, profile: str) -> dict:
        fields = {"profile": profile, "account": self.account, "date": self.date, "amount_pence": self.amount_pence,
                  "reference": self.reference, "description": self.description, "detail": self.detail,
                  "type": self.type, "balance_pence": self.balance_pence, "line": self.line}
        if self.balance_pence is None:
            fields["occurrence"] = self.occurrence
        return fields


@dataclass(frozen=True)
class Statement:
    profile: Profile
    lines: tuple[StatementLine, ...]


def read_statement(path: str | Path, profile: Profile, today: str) -> Statement:
    """Stream the file at `path` through `profile`; lines dated after `today` are bad lines."""
    try:
        stream = open(path, encoding=profile.encoding, newline="")
    except FileNotFoundError:
        raise StatementUnreadable(f"no file {path}") from None
    except OSError as error:
        raise StatementUnreadable(f"cannot read {path}: {error.strerror or error}") from None
    with stream:
        return read_statement_stream(stream, profile, today, str(path))


def read_statement_stream(stream: IO[str], profile: Profile, today: str, name: str = "the statement") -> Statement:
    """Every line of an open text stream (opened with newline=''), or a refusal listing the bad ones."""
    lines, bad = [], []
    reader = csv.reader(_bounded(stream, name), delimiter=profile.separator)
    records = 0
    first_line = 1
    while (record := _next_record(reader, name, profile, first_line)) is not None:
        number, first_line = first_line, reader.line_num + 1
        if not record or record == [""]:
            continue  # a blank line
        records += 1
        if records > MAX_LINES + profile.skip:
            raise Refused(Outcome.CSV_INVALID, f"line {number}: a statement holds at most {MAX_LINES:,} lines; "
                          "split the file by date")
        try:
            if records <= profile.skip:
                _check_header(record, profile, records)
                continue
            lines.append(_line(number, record, profile, today))
        except ValueError as error:
            bad.append((number, str(error)))
    if bad:
        raise Refused(Outcome.CSV_INVALID, bad_lines_message(bad))
    if not lines:
        raise Refused(Outcome.CSV_INVALID, f"{name} holds no statement lines")
    return Statement(profile, _with_occurrences(lines))


def _bounded(stream: IO[str], name: str) -> Iterator[str]:
    """The stream's physical lines, never holding more than one (a file with no line breaks is refused)."""
    number = 0
    while True:
        try:
            text = stream.readline(MAX_LINE_CHARACTERS + 1)
        except UnicodeDecodeError:
            raise StatementUnreadable(f"{name} is not {stream.encoding} text (line {number + 1}); "
                                      "save it as CSV UTF-8 or name its encoding in the profile") from None
        if not text:
            return
        number += 1
        if len(text) > MAX_LINE_CHARACTERS and not text.endswith(("\n", "\r")):
            raise Refused(Outcome.CSV_INVALID, f"line {number} is longer than {MAX_LINE_CHARACTERS:,} characters: "
                          "this is not a bank statement")
        yield text


def _next_record(reader, name: str, profile: Profile, line: int) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as error:
        raise StatementUnreadable(f"{name} line {line} cannot be read as {profile.name} CSV ({error})") from None


def _check_header(record: list[str], profile: Profile, number: int) -> None:
    if number == 1 and profile.header and tuple(cell.strip().casefold() for cell in record) != profile.header:
        raise ValueError(f"the header is {','.join(record)!r}; the {profile.name} profile reads "
                         f"{','.join(profile.header)!r}")


def _line(number: int, record: list[str], profile: Profile, today: str) -> StatementLine:
    if len(record) != len(profile.fields):
        raise ValueError(f"{len(record)} fields; the {profile.name} profile reads {len(profile.fields)}")
    # Runs of spaces, tabs and line breaks inside a field read as one space; other control characters are refused.
    cells = {name: " ".join(value.split()) for name, value in zip(profile.fields, record) if name != "_"}
    reference = cells.get("reference") or None
    if reference and len(reference) > profile.reference_max_length:
        raise ValueError(f"reference {reference!r} is longer than {profile.reference_max_length} characters")
    balance = cells.get("balance")
    line = StatementLine(
        line=number, account=_text("account", cells.get("account", profile.account), 40),
        date=_date(cells["date"], profile.date_format, today),
        amount_pence=_pence("amount", cells["amount"]) * profile.sign,
        reference=_text("reference", reference, 140) if reference else None,
        description=_optional("description", cells, 200), detail=_optional("detail", cells, 200),
        type=_optional("type", cells, 20), balance_pence=_pence("balance", balance, zero=True) if balance else None)
    try:
        BODIES["statement_line_imported"](**{**line.body_fields(profile.name), "occurrence": 1})
    except ValidationError as error:
        raise ValueError(refusal_from(error).message) from None
    return line


def _text(field: str, value: str, limit: int) -> str:
    try:
        return clean_text(value, limit=limit)
    except ValueError as error:
        raise ValueError(f"{field} {error}") from None


def _optional(field: str, cells: dict[str, str], limit: int) -> str | None:
    value = cells.get(field)
    return _text(field, value, limit) if value else None


def _date(text: str, date_format: str, today: str) -> str:
    day = _parsed_date(text, date_format)
    if day > today:
        raise ValueError(f"date {day} is after today ({today})")
    return day


@lru_cache(maxsize=4096)
def _parsed_date(text: str, date_format: str) -> str:
    """A statement holds few distinct dates: each is parsed once."""
    try:
        return datetime.strptime(text, date_format).date().isoformat()
    except ValueError:
        shown = date_format
        for code, word in _FORMAT_WORDS.items():
            shown = shown.replace(code, word)
        raise ValueError(f"date {text!r} is not a date written {shown}") from None


def _pence(field: str, text: str, zero: bool = False) -> int:
    """Signed pounds (`-1,234.50`, `£12`, `+3.5`) to integer pence; no float, no exponent."""
    match = _POUNDS.fullmatch(text.replace(" ", ""))
    if match is None:
        raise ValueError(f"{field} {text!r} is not an amount in pounds")
    pounds = match["pounds"].replace(",", "").lstrip("0")
    if len(pounds) > len(str(MAX_STATEMENT_PENCE // 100)):
        raise ValueError(f"{field} {text!r} is too large")
    pence = int(pounds or "0") * 100 + int((match["pence"] or "0").ljust(2, "0"))
    if abs(pence) > MAX_STATEMENT_PENCE or (pence == 0 and not zero):
        raise ValueError(f"{field} {text!r} is {'too large' if pence else 'zero'}")
    return -pence if match["sign"] in ("-", "\u2212") else pence


def _with_occurrences(lines: list[StatementLine]) -> tuple[StatementLine, ...]:
    """Lines without a running balance are told apart by which occurrence of the same line they are."""
    seen: Counter = Counter()
    numbered = []
    for line in lines:
        if line.balance_pence is None:
            seen[(line.account, line.date, line.amount_pence, line.reference)] += 1
            line = StatementLine(**{**line.__dict__, "occurrence": seen[(line.account, line.date, line.amount_pence,
                                                                          line.reference)]})
        numbered.append(line)
    return tuple(numbered)


def bad_lines_message(bad: list[tuple[int, str]]) -> str:
    """`line 3: …; line 7: …` for the first few; every further bad line by number, in runs."""
    shown = "; ".join(f"line {number}: {problem}" for number, problem in bad[:DETAILED_BAD_LINES])
    rest = [number for number, _ in bad[DETAILED_BAD_LINES:]]
    if not rest:
        return shown
    return f"{shown}; and {len(rest):,} more bad lines: {_runs(rest)}"


def _runs(numbers: list[int]) -> str:
    runs, start = [], numbers[0]
    for previous, current in zip(numbers, numbers[1:] + [None]):
        if current != previous + 1:
            runs.append(str(start) if start == previous else f"{start}-{previous}")
            start = current
    return ", ".join(runs)
