"""Unit tests for ledger.money: every acceptance and every refusal code."""

import pickle

import pytest

from ledger.money import (
    AMOUNT_ERROR_CODES,
    MAX_AMOUNT_PENCE,
    AmountError,
    format_plain,
    parse_amount,
)


@pytest.mark.parametrize(
    ("text", "expected_pence"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("12.05", 1205),
        ("£12.50", 1250),
        ("1,234.50", 123_450),
        ("£1,234.50", 123_450),
        ("12,345", 1_234_500),
        ("123,456.78", 12_345_678),
        ("1,000,000", MAX_AMOUNT_PENCE),
        ("  12.50  ", 1250),
        ("\t£7\n", 700),
        (".5", 50),
        (".05", 5),
        ("0.01", 1),
        ("0012.50", 1250),
        ("1000000", MAX_AMOUNT_PENCE),
        ("1,000,000.00", MAX_AMOUNT_PENCE),
        ("£1,000,000.00", MAX_AMOUNT_PENCE),
        ("999,999.99", MAX_AMOUNT_PENCE - 1),
    ],
)
def test_parse_amount_accepts(text, expected_pence):
    assert parse_amount(text) == expected_pence


@pytest.mark.parametrize(
    ("text", "code", "keyword"),
    [
        ("", "empty", "empty"),
        ("   ", "empty", "empty"),
        ("\t\n", "empty", "empty"),
        ("0", "zero", "more than zero"),
        ("0.00", "zero", "more than zero"),
        ("£0", "zero", "more than zero"),
        ("0,000", "misplaced_separator", "thousands separator"),
        ("-5", "negative", "negative"),
        ("-0.01", "negative", "negative"),
        ("£-5", "negative", "negative"),
        ("-£5", "negative", "negative"),
        ("\u22125", "negative", "negative"),
        ("-5000000", "negative", "negative"),
        ("12.345", "too_many_decimals", "2 decimal places"),
        ("12.500", "too_many_decimals", "2 decimal places"),
        (".123", "too_many_decimals", "2 decimal places"),
        ("1e3", "exponent", "exponent"),
        ("1E3", "exponent", "exponent"),
        ("1.5e-3", "exponent", "exponent"),
        ("2e+2", "exponent", "exponent"),
        ("nan", "not_a_number", "not a number"),
        ("NaN", "not_a_number", "not a number"),
        ("inf", "not_a_number", "not a number"),
        ("-Infinity", "not_a_number", "not a number"),
        ("∞", "not_a_number", "not a number"),
        ("abc", "not_a_number", "not a number"),
        ("12abc", "not_a_number", "not a number"),
        ("twelve", "not_a_number", "not a number"),
        ("١٢", "non_ascii_digits", "0-9"),
        ("１２", "non_ascii_digits", "0-9"),
        ("1２", "non_ascii_digits", "0-9"),
        ("£१२.५०", "non_ascii_digits", "0-9"),
        ("²", "non_ascii_digits", "0-9"),
        ("1,23", "misplaced_separator", "thousands separator"),
        ("12,34.5", "misplaced_separator", "thousands separator"),
        (",123", "misplaced_separator", "thousands separator"),
        ("1,,234", "misplaced_separator", "thousands separator"),
        ("1234,567", "misplaced_separator", "thousands separator"),
        ("1,234,", "misplaced_separator", "thousands separator"),
        ("12.3,4", "misplaced_separator", "thousands separator"),
        ("1000000.01", "too_large", "maximum"),
        ("1,000,001", "too_large", "maximum"),
        ("1,234,567", "too_large", "maximum"),  # grouping fine, value too big
        ("99999999999999999999", "too_large", "maximum"),
        ("9" * 5000, "too_large", "maximum"),
        ("+5", "malformed", "plus"),
        ("£+5", "malformed", "plus"),
        ("££5", "malformed", "£"),
        ("£5£", "malformed", "£"),
        ("5£", "malformed", "£"),
        (".", "malformed", "no digits"),
        ("£", "malformed", "no digits"),
        ("-", "malformed", "no digits"),
        ("12.", "malformed", "trailing decimal point"),
        ("1.2.3", "malformed", "decimal point"),
        ("--5", "malformed", "minus"),
        ("£ 5", "malformed", "space"),
        ("1 234", "malformed", "space"),
        ("$5", "malformed", '"$"'),
        ("12-3", "malformed", '"-"'),
        ("1\x002", "malformed", "U+0000"),
    ],
)
def test_parse_amount_refuses(text, code, keyword):
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.code == code
    message = str(caught.value)
    assert keyword in message
    assert message.startswith("amount ")
    assert "\n" not in message and len(message) <= 60


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "amount is empty"),
        ("0", "amount must be more than zero"),
        ("-1", "amount cannot be negative"),
        ("1.234", "amount has more than 2 decimal places"),
        ("1e3", "amount must be written in plain digits (no exponent)"),
        ("nan", "amount is not a number"),
        ("١٢", "amount must use the digits 0-9"),
        ("1,23", "amount has a misplaced thousands separator"),
        ("1000000.01", "amount is above the £1,000,000.00 maximum"),
        ("12.", "amount has a trailing decimal point"),
    ],
)
def test_refusal_messages_read_plainly(text, message):
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert str(caught.value) == message


def test_every_code_is_reachable_and_listed():
    samples = ["", "0", "-1", "1.234", "1e3", "x", "١", "1,23", "1000001", "+1"]
    codes = set()
    for text in samples:
        with pytest.raises(AmountError) as caught:
            parse_amount(text)
        codes.add(caught.value.code)
    assert codes == AMOUNT_ERROR_CODES


def test_amount_error_is_a_value_error_and_pickles():
    with pytest.raises(ValueError):
        parse_amount("abc")
    error = AmountError("zero", "amount must be more than zero")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, str(copy)) == (error.code, str(error))


@pytest.mark.parametrize("value", [None, 12, 12.5, b"12"])
def test_parse_amount_needs_str(value):
    with pytest.raises(TypeError):
        parse_amount(value)


@pytest.mark.parametrize(
    ("amount_pence", "expected"),
    [
        (0, "0.00"),
        (1, "0.01"),
        (50, "0.50"),
        (1250, "12.50"),
        (123_450, "1234.50"),
        (MAX_AMOUNT_PENCE, "1000000.00"),
        (-5, "-0.05"),
        (-123_450, "-1234.50"),
    ],
)
def test_format_plain(amount_pence, expected):
    assert format_plain(amount_pence) == expected


@pytest.mark.parametrize("value", [12.5, True, "1250", None])
def test_format_plain_needs_int(value):
    with pytest.raises(TypeError):
        format_plain(value)


def test_max_amount():
    assert MAX_AMOUNT_PENCE == 100_000_000


def test_module_imports_no_ui_library():
    import ast
    import pathlib

    import ledger.money

    tree = ast.parse(pathlib.Path(ledger.money.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"babel", "textual", "rich"}
