"""Money as integer pence: parse typed amounts strictly, format them plainly."""

from __future__ import annotations

import re

MAX_AMOUNT_PENCE = 100_000_000

AMOUNT_ERROR_CODES = frozenset(
    {
        "empty",
        "zero",
        "negative",
        "too_many_decimals",
        "exponent",
        "not_a_number",
        "non_ascii_digits",
        "misplaced_separator",
        "too_large",
        "malformed",
    }
)

_MINUS_SIGNS = "-\u2212"  # hyphen-minus and the typographic minus sign
_PREFIX_CHARS = "£+" + _MINUS_SIGNS
_BODY_CHARS = frozenset("0123456789.,")
_GROUPED_POUNDS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_EXPONENT = re.compile(r"[0-9.,]*[0-9][0-9.,]*[eE][+-]?[0-9]+")
_MAX_POUNDS_DIGITS = len(str(MAX_AMOUNT_PENCE // 100))


class AmountError(ValueError):
    """A typed amount that is not acceptable money.

    ``str(error)`` is one short line for a person; ``error.code`` is one of
    ``AMOUNT_ERROR_CODES`` for programs.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self):
        return (type(self), (self.code, str(self)))


def parse_amount(text: str, /) -> int:
    """Return the pence in a typed amount of pounds, or raise AmountError.

    Accepted: ``12``, ``12.5``, ``12.50``, ``£12.50``, ``1,234.50``, with
    surrounding whitespace. Thousands separators must sit in 3-digit groups.
    ``.5`` is accepted as 50 pence. Refused (code in brackets): empty (empty),
    0 (zero), a minus sign (negative), 3+ decimals (too_many_decimals),
    ``1e3`` (exponent), letters/NaN/inf (not_a_number), digits other than
    ASCII 0-9 (non_ascii_digits), bad grouping like ``1,23`` or ``,123``
    (misplaced_separator), more than £1,000,000.00 (too_large), and a leading
    ``+``, two ``£``, a lone ``.``, a trailing ``12.``, inner spaces or other
    symbols (malformed). Digits are combined as integers: no float, no Decimal.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_amount needs a str, not {type(text).__name__}")
    text = text.strip()
    _check_not_empty(text)
    negative, body = _split_prefix(text)
    _check_characters(body)
    pounds_text, frac_text = _split_point(body)
    if negative:
        raise AmountError("negative", "amount cannot be negative")
    return _to_pence(pounds_text.replace(",", "").lstrip("0"), frac_text)


def format_plain(amount_pence: int, /) -> str:
    """Return pence as plain pounds for exports and the CLI: ``-1234.50``."""
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int):
        raise TypeError(f"format_plain needs int pence, not {type(amount_pence).__name__}")
    sign = "-" if amount_pence < 0 else ""
    pounds, pence = divmod(abs(amount_pence), 100)
    return f"{sign}{pounds}.{pence:02d}"


def _check_not_empty(text: str) -> None:
    if not text:
        raise AmountError("empty", "amount is empty")
    if any(ch.isnumeric() and not ch.isascii() for ch in text):
        raise AmountError("non_ascii_digits", "amount must use the digits 0-9")
    if text.count("£") > 1:
        raise AmountError("malformed", "amount has more than one £ sign")


def _split_prefix(text: str) -> tuple[bool, str]:
    """Return (has a minus sign, the rest) after leading £ and sign characters."""
    end = 0
    while end < len(text) and text[end] in _PREFIX_CHARS:
        end += 1
    prefix, body = text[:end], text[end:]
    if "+" in prefix:
        raise AmountError("malformed", "amount cannot start with a plus sign")
    minus_count = sum(prefix.count(sign) for sign in _MINUS_SIGNS)
    if minus_count > 1:
        raise AmountError("malformed", "amount has more than one minus sign")
    if not body:
        raise AmountError("malformed", "amount has no digits")
    return minus_count == 1, body


def _check_characters(body: str) -> None:
    if _EXPONENT.fullmatch(body):
        raise AmountError("exponent", "amount must be written in plain digits (no exponent)")
    for ch in body:
        if ch in _BODY_CHARS:
            continue
        if ch.isspace():
            raise AmountError("malformed", "amount has a space inside it")
        if ch == "£":
            raise AmountError("malformed", "amount must have the £ sign at the start")
        if ch.isalpha() or ch == "∞":
            raise AmountError("not_a_number", "amount is not a number")
        raise AmountError("malformed", f"amount has an unexpected character {_show(ch)}")


def _split_point(body: str) -> tuple[str, str]:
    """Return (pounds digits with separators, pence digits) after checking layout."""
    if body.count(".") > 1:
        raise AmountError("malformed", "amount has more than one decimal point")
    pounds_text, point, frac_text = body.partition(".")
    if not pounds_text.strip(",") and not frac_text:
        raise AmountError("malformed", "amount has no digits")
    if point and not frac_text:
        raise AmountError("malformed", "amount has a trailing decimal point")
    if "," in frac_text or ("," in pounds_text and not _GROUPED_POUNDS.fullmatch(pounds_text)):
        raise AmountError("misplaced_separator", "amount has a misplaced thousands separator")
    if len(frac_text) > 2:
        raise AmountError("too_many_decimals", "amount has more than 2 decimal places")
    return pounds_text, frac_text


def _to_pence(pounds_digits: str, frac_digits: str) -> int:
    # Length check first: it keeps int() away from huge digit strings.
    if len(pounds_digits) > _MAX_POUNDS_DIGITS:
        _raise_too_large()
    amount_pence = int(pounds_digits or "0") * 100 + int(frac_digits.ljust(2, "0"))
    if amount_pence == 0:
        raise AmountError("zero", "amount must be more than zero")
    if amount_pence > MAX_AMOUNT_PENCE:
        _raise_too_large()
    return amount_pence


def _raise_too_large() -> None:
    pounds, pence = divmod(MAX_AMOUNT_PENCE, 100)
    raise AmountError("too_large", f"amount is above the £{pounds:,}.{pence:02d} maximum")


def _show(ch: str) -> str:
    return f'"{ch}"' if ch.isprintable() else f"U+{ord(ch):04X}"
