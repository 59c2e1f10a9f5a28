"""Bank statement profiles: how to read one bank's CSV layout, from a rules file in the style of hledger's.

The profiles shipped with cashdesk live in ledger/statement-profiles.rules (package data); an
office may add or replace profiles in a file beside the ledger (`LEDGER.bank-rules`, shared by
every terminal on the host) or in a file named on the command line. docs/BANKING.md describes
the directives.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

#: The columns a profile may name; `_` (or an empty name) is a column that is not read.
FIELD_NAMES = ("date", "account", "description", "type", "amount", "reference", "detail", "balance")
SHIPPED = "statement-profiles.rules"
PROFILE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
SEPARATORS = {",": ",", ";": ";", "|": "|", "TAB": "\t", "tab": "\t"}
SIGNS = {"credits-positive": 1, "debits-positive": -1}


class ProfileError(ValueError):
    """A rules file that cannot be read as profiles: where, and what is wrong."""


@dataclass(frozen=True)
class Profile:
    """One statement layout."""

    name: str
    fields: tuple[str, ...]
    date_format: str = "%Y-%m-%d"
    skip: int = 0
    header: tuple[str, ...] | None = None
    separator: str = ","
    encoding: str = "utf-8-sig"
    sign: int = 1
    account: str = "main"
    reference_max_length: int = 140
    description: str = ""
    source: str = "shipped"

    def column(self, name: str) -> int | None:
        return self.fields.index(name) if name in self.fields else None


@dataclass
class _Draft:
    name: str
    line: int
    values: dict = field(default_factory=dict)


#: The office's own rules file sits beside the ledger, like its anchor log (ledger.location.sidecar_path).
OFFICE_RULES_SUFFIX = ".bank-rules"


def load_profiles(*extra: str | Path | None) -> dict[str, Profile]:
    """The shipped profiles, then each extra rules file that exists (a later profile of the same name wins)."""
    text = resources.files("ledger").joinpath(SHIPPED).read_text(encoding="utf-8")
    profiles = parse_rules(text, "shipped")
    for path in extra:
        if path is None or not Path(path).is_file():
            continue
        try:
            user_text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise ProfileError(f"cannot read the bank rules file {path}: {error}") from None
        profiles.update(parse_rules(user_text, str(path)))
    return profiles


def parse_rules(text: str, source: str) -> dict[str, Profile]:
    """Every profile of one rules file; a ProfileError names the file and line of the first problem."""
    drafts: list[_Draft] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;*":
            continue
        directive, _, value = line.partition(" ")
        directive, value = directive.strip().lower(), value.strip()
        where = f"{source} line {number}"
        if directive == "profile":
            if not PROFILE_NAME.fullmatch(value):
                raise ProfileError(f"{where}: {value!r} is not a profile name (a-z, 0-9, _ -)")
            drafts.append(_Draft(value, number))
        elif not drafts:
            raise ProfileError(f"{where}: {directive} comes before any `profile NAME` line")
        else:
            key, checked = _directive(directive, value, where)
            drafts[-1].values[key] = checked
    return {draft.name: _profile(draft, source) for draft in drafts}


def _directive(directive: str, value: str, where: str):
    """One directive's value, checked; the keys are Profile's field names."""
    if directive == "fields":
        names = tuple(name.strip().lower() or "_" for name in value.split(","))
        unknown = [name for name in names if name != "_" and name not in FIELD_NAMES]
        if unknown:
            raise ProfileError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(FIELD_NAMES)}, _)")
        named = [name for name in names if name != "_"]
        if len(named) != len(set(named)) or not {"date", "amount"} <= set(named):
            raise ProfileError(f"{where}: fields must name date and amount, each field once")
        return ("fields", names)
    if directive in ("skip", "reference-max-length"):
        if not value.isascii() or not value.isdigit() or int(value) > 1000:
            raise ProfileError(f"{where}: {directive} takes a whole number")
        return (directive.replace("-", "_"), int(value))
    if directive == "date-format":
        return ("date_format", _date_format(value, where))
    if directive == "separator":
        if value not in SEPARATORS:
            raise ProfileError(f"{where}: separator is one of , ; | TAB")
        return ("separator", SEPARATORS[value])
    if directive == "sign":
        if value not in SIGNS:
            raise ProfileError(f"{where}: sign is credits-positive or debits-positive")
        return ("sign", SIGNS[value])
    if directive == "encoding":
        return ("encoding", _encoding(value, where))
    if directive == "header":
        return ("header", tuple(name.strip().casefold() for name in value.split(",")))
    if directive in ("account", "description"):
        if not value:
            raise ProfileError(f"{where}: {directive} needs a value")
        return (directive, value)
    raise ProfileError(f"{where}: unknown directive {directive!r}")


def _date_format(value: str, where: str) -> str:
    try:
        datetime(2026, 11, 23).strftime(value)
        datetime.strptime(datetime(2026, 11, 23).strftime(value), value)
    except ValueError:
        raise ProfileError(f"{where}: {value!r} is not a date format (e.g. %d/%m/%Y)") from None
    has_month = "%m" in value or "%b" in value
    if "%d" not in value or not has_month or ("%Y" not in value and "%y" not in value):
        raise ProfileError(f"{where}: date-format must give the day, month and year")
    return value


def _encoding(value: str, where: str) -> str:
    try:
        name = codecs.lookup(value).name
    except LookupError:
        raise ProfileError(f"{where}: unknown encoding {value!r}") from None
    return "utf-8-sig" if name in ("utf-8", "utf-8-sig") else name


def _profile(draft: _Draft, source: str) -> Profile:
    values = draft.values
    where = f"{source} line {draft.line}"
    if "fields" not in values:
        raise ProfileError(f"{where}: profile {draft.name} has no fields line")
    if values.get("header") and not values.get("skip"):
        raise ProfileError(f"{where}: profile {draft.name} checks a header line, so it must skip 1 or more")
    if values.get("header") and len(values["header"]) != len(values["fields"]):
        raise ProfileError(f"{where}: profile {draft.name}'s header and fields have different numbers of columns")
    return Profile(name=draft.name, source=source, **values)
