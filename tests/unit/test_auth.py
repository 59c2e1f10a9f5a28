"""PIN hashing at its production cost (the rest of the suite uses a cheap one)."""

from __future__ import annotations

import json

import pytest

from ledger import auth


@pytest.mark.real_scrypt
def test_production_scrypt_cost_is_strong():
    assert auth.SCRYPT_PARAMS == {"n": 2**14, "r": 8, "p": 1}
    salt, digest, params = auth.hash_pin("123456")
    assert json.loads(params) == {"n": 16384, "p": 1, "r": 8}
    assert len(salt) == 16 and len(digest) == 32
    assert auth.pin_matches("123456", salt, digest, params)
    assert not auth.pin_matches("123457", salt, digest, params)


def test_the_suite_runs_with_cheap_pins_unless_marked():
    """Negative control for the marker: without it the cheap parameters are in force."""
    assert auth.SCRYPT_PARAMS["n"] == 16
