"""Debtor CSV files: parse every row, and refuse the whole file listing each bad row by line."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from pydantic import ValidationError

from ledger.money import AmountError, parse_amount
from ledger.records import BODIES, CODE, clean_text, refusal_from
from ledger.refusals import Outcome, Refused

COLUMNS = ("debtor_ref", "name", "amount", "code", "description")
REQUIRED = ("debtor_ref", "name", "amount", "code")


@dataclass(frozen=True)
class DebtorRow:
    line: int
    debtor_ref: str
    name: str
    amount_pence: int
    code: str
    description: str | None

    def body_fields(self) -> dict:
        return {"debtor_ref": self.debtor_ref, "name": self.name, "amount_pence": self.amount_pence,
                "code": self.code, "description": self.description}


def debt_entry_id(row: DebtorRow) -> str:
    """The same row imported twice is one debt: its entry_id is a digest of its content."""
    fields = (row.debtor_ref, row.name, str(row.amount_pence), row.code, row.description or "")
    return "debt-" + hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:32]


def parse_debtor_csv(text: str) -> list[DebtorRow]:
    """Rows of a debtor file with header debtor_ref,name,amount,code[,description]."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise Refused(Outcome.CSV_INVALID, f"line 1: the header lacks {', '.join(missing)} "
                      f"(expected {','.join(COLUMNS)})")
    rows, bad = [], []
    for record in reader:
        line = reader.line_num
        try:
            rows.append(_row(line, {k.strip(): (v or "") for k, v in record.items() if k}))
        except ValueError as error:
            bad.append(f"line {line}: {error}")
    if bad:
        raise Refused(Outcome.CSV_INVALID, "; ".join(bad))
    if not rows:
        raise Refused(Outcome.CSV_INVALID, "the file holds no debts")
    return rows


def _row(line: int, record: dict[str, str]) -> DebtorRow:
    try:
        amount_pence = parse_amount(record["amount"])
    except AmountError as error:
        raise ValueError(str(error)) from None
    code = record["code"].strip().upper()
    if not CODE.fullmatch(code):
        raise ValueError(f"code {record['code']!r} is not a valid code")
    description = record.get("description", "").strip() or None
    row = DebtorRow(line, _text("debtor_ref", record, 40), _text("name", record, 80), amount_pence, code,
                    clean_text(description, limit=200) if description else None)
    try:
        BODIES["debt_raised"](**row.body_fields())
    except ValidationError as error:
        raise ValueError(refusal_from(error).message) from None
    return row


def _text(field: str, record: dict[str, str], limit: int) -> str:
    try:
        return clean_text(record.get(field, ""), limit=limit)
    except ValueError as error:
        raise ValueError(f"{field.replace('_', ' ')} {error}") from None
