"""Whether an admin's reference mask could make Python's backtracking matcher run away on one reference.

The check of a reference runs inside the ledger's write lock, with every terminal waiting on it, so a mask is
looked at once, when it is set, on the stdlib's own parse of it (`re._parser`, named sre_parse before 3.11):

- a repeat of varying length inside a repeat (`(A+)+`: 24 letters and a `!` took 0.76 s, doubling per letter);
- a choice of alternatives inside a repeat (`(A|AB)+`);
- a back-reference (`\\1`);
- more than MAX_CHOICE_POINTS repeats of varying length or groups of alternatives in all: k of them can try
  about n^k ways (or 2^k) to split an n-character reference that does not fit (eight `\\d*` in a row took 3 s
  on 40 digits; forty `(A|)` in a row ran for minutes on 13 letters).

An optional single character whose characters cannot be matched by what comes just before or after it (the
`-` of `\\d{4}-?\\d{4}`) is not a choice the matcher can get wrong, and is not counted.
"""

from __future__ import annotations

import re
import re._parser as regex_parser
from collections.abc import Iterator

#: Repeats of varying length (*, +, ?, {m,n}) and groups of alternatives a mask may hold.
MAX_CHOICE_POINTS = 4
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
#: Characters are told apart up to 127; every character beyond counts as one (-1), so that sets overlap there.
_BEYOND = -1
_ALL = frozenset(range(128)) | {_BEYOND}
_DIGITS = frozenset(range(ord("0"), ord("9") + 1))
_WORD = _DIGITS | frozenset(range(ord("A"), ord("Z") + 1)) | frozenset(range(ord("a"), ord("z") + 1)) | {ord("_"),
                                                                                                        _BEYOND}
_SPACE = frozenset(map(ord, " \t\n\r\f\v")) | {_BEYOND}
_CATEGORIES = {"CATEGORY_DIGIT": _DIGITS, "CATEGORY_NOT_DIGIT": _ALL - _DIGITS, "CATEGORY_WORD": _WORD,
               "CATEGORY_NOT_WORD": (_ALL - _WORD) | {_BEYOND}, "CATEGORY_SPACE": _SPACE,
               "CATEGORY_NOT_SPACE": _ALL - _SPACE | {_BEYOND}}


def parse(mask: str):
    """The stdlib's parse of a mask (raises re.error as re.compile does)."""
    return regex_parser.parse(mask)


def backtracking_problem(parsed) -> str | None:
    """What in a parsed mask could make matching one reference take exponential or high-polynomial time, in
    words for the admin, or None (as for `DR-\\d{5}`, `[A-Z]{2}\\d{6}[A-D]`, `CASE-[0-9]{4,8}`)."""
    global_flags = parsed.state.flags
    exempt = not (global_flags & re.IGNORECASE or _scoped_ignore_case(parsed.data))
    risks = list(_risks(list(parsed.data), False, frozenset(), frozenset(), exempt))
    if "nested" in risks:
        return "repeats a part that itself varies in length (as (A+)+ does): repeat it once, as A+"
    if "alternation" in risks:
        return "repeats a choice of alternatives (as (A|AB)+ does): write the repeated part without |"
    if "backreference" in risks:
        return "refers back to a group (\\1): a mask cannot"
    if risks.count("choice") > MAX_CHOICE_POINTS:
        return (f"has {risks.count('choice')} repeats of varying length (*, +, ?, {{m,n}}) or groups of "
                f"alternatives (|); at most {MAX_CHOICE_POINTS}")
    return None


def _risks(items: list, inside_repeat: bool, before: frozenset, after: frozenset, exempt: bool) -> Iterator[str]:
    """The risks of a sequence; `before` and `after` are the characters that may come just before and after it;
    `exempt`: plain separators are not counted (not when letters match either case: then `a?A` would look plain)."""
    for index, (op, argument) in enumerate(items):
        name = str(op)
        if name in _REPEATS:
            low, high, sub = argument
            sub = list(sub)
            previous = _edge(items[index - 1]) if index else before
            following = _edge(items[index + 1]) if index + 1 < len(items) else after
            if low != high and not (exempt and _plain_separator(low, high, sub, previous, following)):
                yield "choice"
                if inside_repeat:
                    yield "nested"
            repeated = high > 1
            yield from _risks(sub, inside_repeat or repeated,
                              previous | (_edge(sub[-1]) if repeated and sub else frozenset()),
                              following | (_edge(sub[0]) if repeated and sub else frozenset()), exempt)
        elif name in ("GROUPREF", "GROUPREF_EXISTS"):
            yield "backreference"
        else:
            if name == "BRANCH":
                yield "choice"
                if inside_repeat:
                    yield "alternation"
            for sequence in _inside(name, argument):
                yield from _risks(sequence, inside_repeat, _ALL, _ALL, exempt)


def _inside(name: str, argument) -> list[list]:
    """The sequences inside an item other than a repeat: a choice's alternatives, a group's, a look-around's."""
    if name == "BRANCH":
        return [list(branch) for branch in argument[1]]
    if name == "SUBPATTERN":
        return [list(argument[3])]
    if name == "ATOMIC_GROUP":
        return [list(argument)]
    if name in ("ASSERT", "ASSERT_NOT"):
        return [list(argument[1])]
    return []


def _plain_separator(low: int, high: int, sub: list, before: frozenset, after: frozenset) -> bool:
    """An optional single character (`-?`) that nothing just before or after it could match instead."""
    if (low, high) != (0, 1) or len(sub) != 1:
        return False
    characters = _characters(*sub[0])
    return characters is not None and not characters & before and not characters & after


def _edge(item) -> frozenset:
    """The characters an item can start or end with: its own for one character, or one repeated at least once;
    every character for anything else (it could be empty, or longer)."""
    op, argument = item
    if str(op) in _REPEATS and argument[0] >= 1 and len(argument[2]) == 1:
        return _characters(*argument[2][0]) or _ALL
    return _characters(op, argument) or _ALL


def _scoped_ignore_case(items) -> bool:
    """Whether a group turns IGNORECASE on inside the mask, as (?i:...) does."""
    for op, argument in items:
        name = str(op)
        if name == "SUBPATTERN" and argument[1] & re.IGNORECASE:
            return True
        inner = [argument[2]] if name in _REPEATS else _inside(name, argument)
        if any(_scoped_ignore_case(sequence) for sequence in inner):
            return True
    return False


def _characters(op, argument) -> frozenset | None:
    """The characters a one-character item matches, or None when it is not one character."""
    name = str(op)
    if name == "LITERAL":
        return frozenset({argument if argument < 128 else _BEYOND})
    if name in ("NOT_LITERAL", "ANY"):
        return _ALL
    if name != "IN":
        return None
    found: set[int] = set()
    for part, value in argument:
        part = str(part)
        if part == "NEGATE":
            return _ALL
        if part == "LITERAL":
            found.add(value if value < 128 else _BEYOND)
        elif part == "RANGE":
            low, high = value
            found.update(range(low, min(high, 127) + 1))
            if high >= 128:
                found.add(_BEYOND)
        elif part == "CATEGORY":
            found.update(_CATEGORIES.get(str(value), _ALL))
        else:
            return _ALL
    return frozenset(found)
