"""Property tests for ledger.money parsing and plain formatting."""

from hypothesis import given
from hypothesis import strategies as st

from ledger.money import MAX_AMOUNT_PENCE, AmountError, format_plain, parse_amount

in_range_pence = st.integers(min_value=1, max_value=MAX_AMOUNT_PENCE)
above_max_pence = st.integers(min_value=MAX_AMOUNT_PENCE + 1, max_value=10**30)
non_ascii_digits = st.characters(categories=["Nd"]).filter(lambda ch: not ch.isascii())
amount_like_text = st.text(alphabet="0123456789.,£-+eE \t١２")


def with_separators(amount_pence: int) -> str:
    pounds, pence = divmod(amount_pence, 100)
    return f"{pounds:,}.{pence:02d}"


@given(in_range_pence)
def test_plain_round_trips(amount_pence):
    assert parse_amount(format_plain(amount_pence)) == amount_pence


@given(in_range_pence)
def test_pound_sign_round_trips(amount_pence):
    assert parse_amount("£" + format_plain(amount_pence)) == amount_pence


@given(in_range_pence, st.booleans())
def test_thousands_separators_round_trip(amount_pence, pound_sign):
    text = ("£" if pound_sign else "") + with_separators(amount_pence)
    assert parse_amount(text) == amount_pence


def _parses_or_refuses(text):
    try:
        amount_pence = parse_amount(text)
    except AmountError as error:
        message = str(error)
        assert message and "\n" not in message
        return
    assert type(amount_pence) is int
    assert 1 <= amount_pence <= MAX_AMOUNT_PENCE


@given(st.text())
def test_any_text_parses_or_refuses_cleanly(text):
    _parses_or_refuses(text)


@given(amount_like_text)
def test_amount_like_text_parses_or_refuses_cleanly(text):
    _parses_or_refuses(text)


@given(above_max_pence, st.sampled_from(["plain", "pound", "separators"]))
def test_above_max_is_too_large(amount_pence, style):
    text = {
        "plain": format_plain(amount_pence),
        "pound": "£" + format_plain(amount_pence),
        "separators": with_separators(amount_pence),
    }[style]
    try:
        parse_amount(text)
    except AmountError as error:
        assert error.code == "too_large"
    else:
        raise AssertionError(f"{text!r} was accepted")


@given(st.text(), non_ascii_digits, st.text())
def test_non_ascii_digits_are_refused(before, digit, after):
    try:
        parse_amount(before + digit + after)
    except AmountError as error:
        assert error.code == "non_ascii_digits"
    else:
        raise AssertionError("non-ASCII digit was accepted")
