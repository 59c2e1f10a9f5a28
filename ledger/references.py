"""Reference rules: per type of reference, an admin's mask (a regular expression) and check-digit scheme.

`check_reference(rules_or_reader, type, value)` is the one check every command and form calls
(the counter's receipt, collection and warrant; debtor imports; the finance desk's payee and
creditor references). A rule is a chained `reference_rule_set` entry; with no rule for a type,
any reference the record itself allows is taken.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stdnum import damm, iso11649, luhn, verhoeff
from stdnum.iso7064 import mod_11_10, mod_97_10

from ledger import mask_safety
from ledger.records import CHECK_SCHEMES, REFERENCE_TYPES, Body
from ledger.refusals import Outcome, Refused
from ledger.service import Actor, LedgerCore, Posted

if TYPE_CHECKING:
    from ledger.store import Reader, Writer

ADMIN = ("admin",)
MAX_MASK_CHARACTERS = 200
#: scheme -> (its python-stdnum module, which characters of the reference it reads). Numeric
#: schemes read the reference's digits (so `DR-10231` is checked as 10231); the ISO 7064 97-10
#: and ISO 11649 schemes read its letters and digits, upper-cased (spaces and dashes dropped).
SCHEMES = {
    "luhn": (luhn, "digits"), "mod_11_10": (mod_11_10, "digits"), "verhoeff": (verhoeff, "digits"),
    "damm": (damm, "digits"), "mod_97_10": (mod_97_10, "alphanumeric"), "iso11649": (iso11649, "alphanumeric"),
}
assert set(SCHEMES) == set(CHECK_SCHEMES), "records.CHECK_SCHEMES and SCHEMES must name the same schemes"


def checked_characters(scheme: str, value: str) -> str:
    """The part of a reference a scheme computes over (see SCHEMES)."""
    if SCHEMES[scheme][1] == "digits":
        return "".join(ch for ch in value if "0" <= ch <= "9")
    return "".join(ch for ch in value.upper() if ch.isascii() and ch.isalnum())


def passes_check(scheme: str, value: str) -> bool:
    """True when the reference's check digit(s) are right under `scheme`."""
    module, _ = SCHEMES[scheme]
    characters = checked_characters(scheme, value)
    return len(characters) >= 2 and module.is_valid(characters)


@dataclass(frozen=True)
class ReferenceRule:
    """One type's rule. `problem(value)` says in words why a reference does not fit, or None."""

    ref_type: str
    mask: str
    scheme: str | None = None

    def describe(self) -> str:
        check = f", check digit {self.scheme}" if self.scheme else ""
        return f"the {self.ref_type} reference rule (mask {self.mask}{check})"

    def problem(self, value: str) -> str | None:
        value = value.strip()
        if re.fullmatch(self.mask, value) is None:
            return f"{self.ref_type} reference {value} does not fit {self.describe()}"
        if self.scheme and not passes_check(self.scheme, value):
            return f"{self.ref_type} reference {value} fails the check digit of {self.describe()}"
        return None


Rules = Mapping[str, ReferenceRule]


def rules_from(reader: Reader) -> dict[str, ReferenceRule]:
    """Every rule in force, by reference type."""
    return {row["type"]: ReferenceRule(row["type"], row["mask"], row["scheme"]) for row in reader.reference_rules()}


def check_reference(source: Rules | Reader, ref_type: str, value: str | None) -> Refused | None:
    """`reference_invalid` naming the rule when `value` does not fit its type's rule, else None.

    `source` is the rules already read (a mapping, as the console holds them) or a reader or
    writer inside a transaction. An absent value (an optional reference left empty) always fits.
    """
    if ref_type not in REFERENCE_TYPES:
        raise ValueError(f"unknown reference type {ref_type!r}")  # a caller's bug, not a person's typing
    if value is None or not value.strip():
        return None
    rules = source if isinstance(source, Mapping) else rules_from(source)
    rule = rules.get(ref_type)
    problem = rule.problem(value) if rule else None
    return Refused(Outcome.REFERENCE_INVALID, problem) if problem else None


def checked_mask(mask: str) -> str:
    """A mask as a rule takes it, or a SETTING_INVALID refusal saying what is wrong with it."""
    mask = mask.strip()
    if not mask or len(mask) > MAX_MASK_CHARACTERS:
        raise Refused(Outcome.SETTING_INVALID, f"a mask is 1 to {MAX_MASK_CHARACTERS} characters")
    try:
        parsed = mask_safety.parse(mask)
        re.compile(mask)
    except re.error as error:
        raise Refused(Outcome.SETTING_INVALID, f"mask {mask} is not a regular expression: {error}") from None
    problem = mask_safety.backtracking_problem(parsed)
    if problem:
        raise Refused(Outcome.SETTING_INVALID, f"mask {mask} {problem}; the check could take minutes on some "
                      "references, with every terminal waiting")
    return mask


class ReferenceOps(LedgerCore):
    """`reference_rule_set`: an admin gives a type of reference its mask and check-digit scheme."""

    def set_reference_rule(self, actor: Actor, ref_type: str, mask: str, scheme: str | None = None,
                           entry_id: str | None = None) -> Posted:
        def fields() -> dict:
            if ref_type not in REFERENCE_TYPES:
                raise Refused(Outcome.SETTING_INVALID,
                              f"there is no reference type {ref_type}; known: {', '.join(REFERENCE_TYPES)}")
            if scheme is not None and scheme not in SCHEMES:
                raise Refused(Outcome.SETTING_INVALID,
                              f"there is no check-digit scheme {scheme}; known: {', '.join(SCHEMES)}")
            return {"type": ref_type, "mask": checked_mask(mask), "check": scheme}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            return self.london_date(), {}

        return self._post(actor, "reference_rule_set", ADMIN, fields, decide, entry_id)
