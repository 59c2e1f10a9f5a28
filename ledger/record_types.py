"""The building blocks of every entry body: checked text, patterns, money, postings, the Body base."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ledger.money import MAX_AMOUNT_PENCE

ROLES = ("officer", "supervisor", "finance", "auditor", "admin")
USERNAME = re.compile(r"[a-z][a-z0-9._-]{0,31}")
CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Debtor and case references become parts of account names: no spaces, no colons.
REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,39}")


#: Unicode categories never accepted in typed text: controls, formats (bidi overrides), surrogates,
#: private use, line and paragraph separators.
REFUSED_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")


def clean_text(value: str, *, limit: int) -> str:
    """Trim; refuse empty, over-long, or control/format characters (escapes, bidi overrides)."""
    text = value.strip()
    if not text:
        raise ValueError("is empty")
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    # isprintable() is False for every refused category (and for some allowed ones, such as a
    # no-break space): only then is each character looked at.
    if not text.isprintable() and any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in text):
        raise ValueError("contains control characters")
    return text


def _text(limit: int):
    return Annotated[str, AfterValidator(lambda v: clean_text(v, limit=limit))]


def _pattern(pattern: re.Pattern, what: str):
    def check(value: str) -> str:
        value = value.strip()
        if not pattern.fullmatch(value):
            raise ValueError(f"is not a valid {what}")
        return value

    return Annotated[str, AfterValidator(check)]


Name = _text(80)
Reference = _text(40)
Reason = _text(200)
Description = _text(200)
Username = _pattern(USERNAME, "user name (lower-case letters, digits, . _ -; up to 32)")
CodeName = _pattern(CODE, "code (capitals, digits, _ -; up to 16)")
IsoDate = _pattern(DATE, "date (YYYY-MM-DD)")
BagNumber = _pattern(re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}"), "bag number (letters, digits, -; up to 20)")
Ref = _pattern(REF, "reference (letters, digits, / . _ -; up to 40, no spaces)")
Pence = Annotated[int, Field(gt=0, le=MAX_AMOUNT_PENCE)]
Method = Literal["cash", "cheque"]


class Posting(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    account: str
    amount_pence: int


class Body(BaseModel):
    """Common configuration: frozen, no unknown fields, strict types."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)

    def dump(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)

    def dump_with(self, derived: dict) -> dict:
        """`self.model_copy(update=derived).dump()` without building the copy (a receipt's hot path): the
        fields the ledger fills in are mostly numbers, text and postings, put straight into the dump. Any
        other value, or a name that is not a field, takes the copy."""
        body, fields, added = self.dump(), type(self).model_fields, False
        for key, value in derived.items():
            if key not in fields:
                return self.model_copy(update=derived).dump()
            added = added or key not in body
            if value is None:
                body.pop(key, None)
            elif type(value) in _PLAIN:
                body[key] = value
            elif type(value) is tuple and all(type(item) is Posting for item in value):
                body[key] = [{"account": item.account, "amount_pence": item.amount_pence} for item in value]
            else:
                return self.model_copy(update=derived).dump()
        return {key: body[key] for key in fields if key in body} if added else body  # the fields' order, as a dump's


#: Values `Body.dump_with` puts into a dump as they are (JSON gives them back the same).
_PLAIN = (int, str, bool)


class Override(Body):
    supervisor: Username
    reason: Reason
