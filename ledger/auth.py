"""PINs: scrypt hashing with a per-user salt, and the lockout threshold."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re

from ledger.refusals import Outcome, Refused

LOCKOUT_FAILURES = 5
PIN_PATTERN = re.compile(r"[0-9]{6,12}")
#: scrypt cost: n=2**14, r=8, p=1 (16 MiB, tens of milliseconds): the parameters are stored
#: beside each hash, so raising them later leaves old PINs verifiable.
SCRYPT_PARAMS = {"n": 2**14, "r": 8, "p": 1}


def check_new_pin(pin: str) -> None:
    if not PIN_PATTERN.fullmatch(pin or ""):
        raise Refused(Outcome.PIN_INVALID, "a PIN must be 6 to 12 digits (0-9 only)")


def hash_pin(pin: str) -> tuple[bytes, bytes, str]:
    """(salt, hash, params-as-JSON) for a new PIN."""
    salt = os.urandom(16)
    params = dict(SCRYPT_PARAMS)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=params["n"], r=params["r"], p=params["p"], dklen=32)
    return salt, digest, json.dumps(params, sort_keys=True)


def pin_matches(pin: str, salt: bytes, pin_hash: bytes, params: str) -> bool:
    cost = json.loads(params)
    digest = hashlib.scrypt(
        pin.encode(), salt=salt, n=cost["n"], r=cost["r"], p=cost["p"], dklen=len(pin_hash)
    )
    return hmac.compare_digest(digest, pin_hash)
