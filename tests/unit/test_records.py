"""Records: text cleaning, frozen strict models that forbid unknown fields, and validation errors
turned into named refusals."""

from __future__ import annotations

import pydantic
import pytest

from ledger.records import BODIES, Posting, ReceiptRecorded, clean_text, make_body, validated
from ledger.refusals import Outcome, Refused


def receipt_fields(**changes) -> dict:
    return {"method": "cash", "code": "INC1", "payer": "Mr A Payer", "amount_pence": 1250, **changes}


# -- clean_text ------------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "kept"), [
    ("  Mr A Payer  ", "Mr A Payer"),
    ("\tRent arrears\n", "Rent arrears"),
    ("Zoë O’Brien-Łukasz", "Zoë O’Brien-Łukasz"),
    ("café 42 £5", "café 42 £5"),
])
def test_clean_text_trims_and_keeps_ordinary_text(typed, kept):
    assert clean_text(typed, limit=40) == kept


@pytest.mark.parametrize("typed", ["", "   ", "\t\n"])
def test_clean_text_refuses_empty_text(typed):
    with pytest.raises(ValueError, match="is empty"):
        clean_text(typed, limit=40)


def test_clean_text_limits_the_length_after_trimming():
    assert clean_text("  " + "x" * 40 + "  ", limit=40) == "x" * 40
    with pytest.raises(ValueError, match="longer than 40 characters"):
        clean_text("x" * 41, limit=40)


@pytest.mark.parametrize("typed", [
    "\x1b[31mRED", "nul\x00byte", "evil\u202eexe.txt", "bell\x07", "line\u2028break", "zero\u200bwidth",
    "tab\tinside", "new\nline",
], ids=["ansi-escape", "nul", "bidi-override", "bell", "line-separator", "zero-width-space",
        "inner-tab", "inner-newline"])
def test_clean_text_refuses_control_and_format_characters(typed):
    with pytest.raises(ValueError, match="control characters"):
        clean_text(typed, limit=40)


# -- models ----------------------------------------------------------------------------------
@pytest.mark.parametrize("model", BODIES.values(), ids=BODIES.keys())
def test_every_body_is_frozen_strict_and_forbids_extra_fields(model):
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"
    assert model.model_config.get("strict") is True


def test_a_record_cannot_be_changed_once_made():
    record = ReceiptRecorded(**receipt_fields())
    with pytest.raises(pydantic.ValidationError):
        record.amount_pence = 1
    with pytest.raises(pydantic.ValidationError):
        Posting(account="Assets:Safe", amount_pence=1).amount_pence = 2
    assert record.amount_pence == 1250


def test_a_record_refuses_a_field_it_does_not_know():
    with pytest.raises(pydantic.ValidationError, match="extra"):
        ReceiptRecorded(**receipt_fields(amount_pounds=12.5))


@pytest.mark.parametrize("amount", ["1250", 12.5, 1250.0, True])
def test_amounts_are_strict_integers(amount):
    with pytest.raises(pydantic.ValidationError):
        ReceiptRecorded(**receipt_fields(amount_pence=amount))


def test_a_body_dump_leaves_out_what_was_not_given():
    body = make_body("receipt_recorded", **receipt_fields(reference=None))
    assert "reference" not in body and "override" not in body
    assert body["payer"] == "Mr A Payer"


# -- make_body and validated: a bad field becomes a named refusal -----------------------------
@pytest.mark.parametrize(("changes", "outcome", "message"), [
    ({"payer": "   "}, Outcome.TEXT_INVALID, "payer is empty"),
    ({"payer": "Mr \x1b[31mRed"}, Outcome.TEXT_INVALID, "payer contains control characters"),
    ({"description": "x" * 201}, Outcome.TEXT_INVALID, "description is longer than 200 characters"),
    ({"code": "inc 1"}, Outcome.TEXT_INVALID, "code is not a valid code"),
    ({"method": "card"}, Outcome.TEXT_INVALID, "method "),
    ({"amount_pence": 0}, Outcome.AMOUNT_INVALID, "amount pence "),
    ({"amount_pence": 100_000_001}, Outcome.AMOUNT_INVALID, "amount pence "),
    ({"override": {"supervisor": "sam", "reason": ""}}, Outcome.TEXT_INVALID, "override.reason is empty"),
])
def test_make_body_names_the_outcome_and_the_field(changes, outcome, message):
    with pytest.raises(Refused) as excinfo:
        make_body("receipt_recorded", **receipt_fields(**changes))
    assert excinfo.value.outcome is outcome
    assert excinfo.value.message.startswith(message)
    assert "_" not in excinfo.value.message.split()[0], "the field name should read as words"


def test_validated_gives_the_same_refusal_as_make_body():
    with pytest.raises(Refused) as excinfo:
        validated(ReceiptRecorded, **receipt_fields(payer=""))
    assert (excinfo.value.outcome, excinfo.value.message) == (Outcome.TEXT_INVALID, "payer is empty")


def test_a_float_may_be_zero_but_not_negative():
    assert make_body("session_opened", officer="alice", float_pence=0)["float_pence"] == 0
    with pytest.raises(Refused) as excinfo:
        make_body("session_opened", officer="alice", float_pence=-1)
    assert excinfo.value.outcome is Outcome.AMOUNT_INVALID
    assert excinfo.value.message.startswith("float pence")


@pytest.mark.parametrize("username", ["Alice", "al ice", "1alice", "a" * 33, "alice\x00"])
def test_user_names_are_lower_case_words(username):
    with pytest.raises(Refused) as excinfo:
        make_body("user_added", username=username, roles=("officer",))
    assert excinfo.value.outcome is Outcome.TEXT_INVALID
    assert excinfo.value.message.startswith("username is not a valid user name")


# -- a request with what the ledger fills in ---------------------------------------------------
POSTINGS = (Posting(account="Assets:Till:alice", amount_pence=1250), Posting(account="Income:INC1", amount_pence=-1250))


@pytest.mark.parametrize(("kind", "fields", "derived"), [
    ("receipt_recorded", receipt_fields(), {"receipt_no": 7, "postings": POSTINGS}),
    ("receipt_recorded", receipt_fields(reference="R1"), {"receipt_no": 7, "postings": ()}),
    ("receipt_recorded", receipt_fields(reference="R1"), {"reference": None, "postings": POSTINGS}),
    # travel_date was not asked for: it is filled in, in its place among the fields
    ("warrant_issued", {"recipient": "Ann", "journey": "A to B", "ticket": "single", "value_pence": 900,
                        "code": "TRAVEL"}, {"serial": 12, "travel_date": "2026-11-24", "postings": POSTINGS}),
    # a value that is neither a number, text nor postings takes the model's own copy
    ("session_opened", {"officer": "alice", "float_pence": 500}, {"denominations": {"500": 1}, "postings": POSTINGS}),
])
def test_dump_with_gives_what_a_copy_of_the_request_dumps(kind, fields, derived):
    request = validated(BODIES[kind], **fields)
    body = request.dump_with(derived)
    copied = request.model_copy(update=derived).dump()
    assert body == copied
    assert list(body) == list(copied)  # the same order of keys too


def test_dump_with_leaves_the_request_as_it_was():
    request = validated(ReceiptRecorded, **receipt_fields())
    request.dump_with({"receipt_no": 7, "postings": POSTINGS})
    assert request.receipt_no == 0 and request.postings == ()
