"""How references and names are compared: the forms that make `INV-0042` and `inv42` the same invoice."""

from __future__ import annotations

import re
import unicodedata

_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def invoice_key(text: str) -> str:
    """Case-folded, only letters and digits, each run of digits without its leading zeros
    (runs as typed, so `2024/0100` is `2024100`).

    >>> invoice_key("INV-0042") == invoice_key("inv42")
    True
    >>> invoice_key("2024/100")
    '2024100'
    """
    folded = _LEADING_ZEROS.sub("", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def name_key(text: str) -> str:
    """A payee's name for spotting the same person twice: case, spaces and punctuation ignored."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
