"""Bad input everywhere: hostile text and amounts at the service layer, and malformed command lines.

Service layer (hypothesis): every free-text field a front end passes on (payer, reference,
description, payee, purpose, recipient, journey, reasons, people's and codes' names) is fed control
characters, ESC/OSC sequences, bidi overrides, Rich markup, unicode digits, 100 kB strings and
whatever else hypothesis finds. Each call either appends the text exactly as typed after trimming,
or is refused `text_invalid` and leaves the ledger as it was; no other exception ever escapes, and
nothing that reaches the ledger holds a control character. Amounts of any type and size are
likewise appended or refused `amount_invalid`.

Command line: each command group with missing, extra and malformed arguments, through this
checkout's real `cashdesk`: one line on stderr, a non-zero exit that is not an internal error, no
traceback, and the head unchanged.
"""

from __future__ import annotations

import argparse
import itertools
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from console.parser import build_parser, positive_int, whole_number
from ledger.money import MAX_AMOUNT_PENCE
from ledger.refusals import Outcome, Refused

from reliability_support import cashdesk, cheap_book, head, one_clear_line, raw

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
SAMPLES = ["[bold]J Smith[/bold]", "[link=http://evil]x[/link]", "\x1b[31mred\x1b[0m", "J\x1b]0;owned\x07 Smith",
           "\x9b2J", "Evil\u202eorez", "Tab\there", "Line\nbreak", "NUL\x00byte", "١٢٣ ٤٥", "１２３", "𝟙𝟚𝟛",
           "  padded  ", "\u00a0nbsp\u00a0", "Zoë O’Brien-Ładna", "😀 emoji", "x" * 100_000, " ", "",
           "\u2028sep", "\ufeffbom", "a\u200bzero-width"]
HOSTILE = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from("\x1b\x07\x9b[]();0m abc\u202e\t\r\n"), max_size=30),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=12),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "é", "€", "["]), st.integers(35, 210)),
)
EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
numbers = itertools.count()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """alice at work with a big float and no practical limit; plenty of warrant stock."""
    book = cheap_book(tmp_path_factory.mktemp("bad-input") / "ledger.db")
    book.ledger.set_setting(book.adam, "daily_limit_pence", MAX_AMOUNT_PENCE, user="alice")
    book.ledger.open_session(book.alice, 500_000)
    book.ledger.receive_warrants(book.adam, 100_000, 109_999)
    yield book
    book.ledger.close()


def receipt(book, **text):
    return book.ledger.record_receipt(book.alice, amount_pence=1, method="cash", code="INC1",
                                      **{"payer": "J Smith", **text})


def nothing(book):
    return None


#: field -> (its length limit, what must exist first, the call passing `text` in that field, the body key)
FIELDS = {
    "receipt.payer": (80, nothing, lambda b, _, t: receipt(b, payer=t), "payer"),
    "receipt.reference": (40, nothing, lambda b, _, t: receipt(b, reference=t), "reference"),
    "receipt.description": (200, nothing, lambda b, _, t: receipt(b, description=t), "description"),
    "payout.payee": (80, nothing, lambda b, _, t: b.ledger.record_payout(
        b.alice, amount_pence=1, code="EXP1", payee=t, purpose="Milk"), "payee"),
    "payout.purpose": (200, nothing, lambda b, _, t: b.ledger.record_payout(
        b.alice, amount_pence=1, code="EXP1", payee="Shop", purpose=t), "purpose"),
    "warrant.recipient": (80, nothing, lambda b, _, t: b.ledger.issue_warrant(
        b.alice, recipient=t, journey="A to B", value_pence=1, code="TW1"), "recipient"),
    "warrant.journey": (200, nothing, lambda b, _, t: b.ledger.issue_warrant(
        b.alice, recipient="R", journey=t, value_pence=1, code="TW1"), "journey"),
    "reverse.reason": (200, lambda b: receipt(b).seq, lambda b, seq, t: b.ledger.reverse(
        b.sam, seq=seq, reason=t, authoriser=b.sam), "reason"),
    "spoil.reason": (200, lambda b: _stock_serial(b), lambda b, serial, t: b.ledger.spoil_warrant(
        b.sam, serial=serial, reason=t), "reason"),
    "user.name": (80, lambda b: f"user{next(numbers)}", lambda b, username, t: b.ledger.add_user(
        b.adam, username, ("officer",), "123456", name=t), "name"),
    "code.name": (80, lambda b: f"C{next(numbers)}", lambda b, code, t: b.ledger.add_code(
        b.adam, code, t, "income"), "name"),
}


def _stock_serial(book) -> int:
    with book.ledger.store.reading() as reader:
        return reader.next_stock_serial()


def control_free(text: str) -> bool:
    """No C0/C1 control character, no DEL, no bidi or zero-width format character."""
    return not any(unicodedata.category(ch) in ("Cc", "Cf") or ch in BIDI for ch in text)


def check_text(desk, field: str, text: str) -> None:
    """Appended with the text exactly as typed (trimmed), or refused text_invalid leaving no trace."""
    limit, prepare, act, key = FIELDS[field]
    ready = prepare(desk)
    before = head(desk.path)
    try:
        posted = act(desk, ready, text)
    except Refused as refusal:
        assert refusal.outcome is Outcome.TEXT_INVALID, (field, refusal.outcome, refusal.message)
        assert "\n" not in refusal.message
        assert head(desk.path) == before, "a refused write left something behind"
        plain = text.strip()
        assert not (plain and len(plain) <= limit and plain.isprintable()), f"plain text refused: {refusal.message}"
        return
    assert posted.outcome is Outcome.APPENDED
    stored = posted.entry.body_dict()[key]
    assert stored == text.strip(), "the ledger stored something other than what was typed (trimmed)"
    assert control_free(stored) and 0 < len(stored) <= limit
    assert head(desk.path)[0] == before[0] + 1


@pytest.mark.parametrize("field", FIELDS)
@EXAMPLES
@given(text=HOSTILE)
def test_hostile_text_is_stored_exactly_or_refused_text_invalid(desk, field, text):
    check_text(desk, field, text)


@pytest.mark.parametrize("field", FIELDS)
def test_every_named_hostile_sample_in_every_field(desk, field):
    for text in SAMPLES:
        check_text(desk, field, text)


def test_markup_and_unicode_digits_are_kept_verbatim(desk):
    """Rich markup is text like any other: stored as typed (the console must escape it on display)."""
    for text in ("[bold]J Smith[/bold]", "١٢٣ ٤٥", "Zoë O’Brien-Ładna"):
        assert receipt(desk, payer=text).entry.body_dict()["payer"] == text


@EXAMPLES
@given(amount=st.one_of(st.integers(), st.integers(-10, MAX_AMOUNT_PENCE + 10), st.floats(allow_nan=True),
                        st.booleans(), st.decimals(allow_nan=False), st.text(max_size=8), st.none()))
def test_amounts_of_any_type_and_size_are_appended_or_refused_amount_invalid(desk, amount):
    before = head(desk.path)
    try:
        posted = desk.ledger.record_receipt(desk.alice, amount_pence=amount, method="cash", code="INC1",
                                            payer="J Smith")
    except Refused as refusal:
        assert refusal.outcome in (Outcome.AMOUNT_INVALID, Outcome.OFFICER_LIMIT_EXCEEDED), refusal
        assert head(desk.path) == before
        assert not (type(amount) is int and 1 <= amount <= MAX_AMOUNT_PENCE
                    and refusal.outcome is Outcome.AMOUNT_INVALID)
        return
    assert type(amount) is int and 1 <= amount <= MAX_AMOUNT_PENCE
    assert posted.entry.body_dict()["amount_pence"] == amount


# -- the command line -----------------------------------------------------------------------------
ADAM, ALICE, SAM = "555555\n", "111111\n", "333333\n"
RECEIPT = ("receipt", "--amount", "5", "--method", "cash", "--code", "INC1", "--payer", "P", "--as", "alice",
           "--pin-stdin")
CASES = {
    "unknown-command": (("frobnicate",), ""),
    "init-missing-admin": (("init", "--office", "X"), ""),
    "init-over-an-existing-ledger": (("init", "--office", "X", "--admin", "eve", "--pin-stdin"), "987654\n"),
    "users-no-action": (("users",), ""),
    "users-add-missing-roles": (("users", "add", "carl", "--as", "adam", "--pin-stdin"), ADAM + "777777\n"),
    "users-add-unknown-role": (("users", "add", "carl", "--roles", "officer,wizard", "--as", "adam",
                                "--pin-stdin"), ADAM + "777777\n"),
    "codes-add-bad-type": (("codes", "add", "NEW", "--name", "N", "--type", "asset", "--as", "adam"), ""),
    "settings-set-missing-value": (("settings", "set", "daily_limit_pence", "--as", "adam"), ""),
    "settings-set-not-a-number": (("settings", "set", "daily_limit_pence", "lots", "--as", "adam", "--pin-stdin"),
                                  ADAM),
    "warrants-receive-letters": (("warrants", "receive", "--first", "abc", "--last", "5", "--as", "adam"), ""),
    "warrants-receive-backwards": (("warrants", "receive", "--first", "9", "--last", "5", "--as", "adam",
                                    "--pin-stdin"), ADAM),
    "debtors-import-missing-file": (("debtors", "import", "/nonexistent/debts.csv", "--as", "adam", "--pin-stdin"),
                                    ADAM),
    "session-open-no-float": (("session", "open", "--as", "bob", "--pin-stdin"), "222222\n"),
    "session-open-bad-notes": (("session", "open", "--notes", "20xx", "--as", "bob", "--pin-stdin"), "222222\n"),
    "receipt-extra-argument": ((*RECEIPT, "surplus"), ALICE),
    "receipt-unicode-digit-amount": ((*RECEIPT[:1], "--amount", "٥", *RECEIPT[3:]), ALICE),
    "receipt-unknown-code": ((*RECEIPT[:5], "--code", "NOPE", *RECEIPT[7:]), ALICE),
    "collect-bad-method": (("collect", "--debtor", "DR-1", "--amount", "5", "--method", "bitcoin", "--as", "alice"),
                           ""),
    "payout-missing-purpose": (("payout", "--amount", "5", "--code", "EXP1", "--payee", "Shop", "--as", "alice"), ""),
    "warrant-bad-travel-date": (("warrant", "--recipient", "R", "--journey", "A to B", "--value", "5", "--code",
                                 "TW1", "--travel-date", "tomorrow", "--as", "alice", "--pin-stdin"), ALICE),
    "reverse-seq-not-a-number": (("reverse", "abc", "--reason", "x", "--as", "sam"), ""),
    "reverse-unknown-seq": (("reverse", "99999", "--reason", "Keyed twice", "--as", "alice", "--authorised-by",
                             "sam", "--pin-stdin"), ALICE + SAM),
    "count-not-a-note": (("count", "--notes", "7x1", "--as", "alice", "--pin-stdin"), ALICE),
    "count-unicode-digit-cheques": (("count", "--coins", "100x5", "--cheques", "٣", "--as", "alice", "--pin-stdin"),
                                    ALICE),
    "count-negative-cheques": (("count", "--coins", "100x5", "--cheques", "-1", "--as", "alice", "--pin-stdin"),
                               ALICE),
    "count-superscript-serial": (("count", "--coins", "100x5", "--unused-serials", "²", "--as", "alice",
                                  "--pin-stdin"), ALICE),
    "signoff-impossible-date": (("signoff", "--officer", "alice", "--date", "2026-13-45", "--as", "sam",
                                 "--pin-stdin"), SAM),
    "recount-missing-reason": (("recount", "--officer", "alice", "--date", "2026-11-23", "--as", "sam"), ""),
    "bank-missing-bag": (("bank", "--officer", "alice", "--date", "2026-11-23", "--as", "sam"), ""),
    "counts-not-a-supervisor": (("counts", "--as", "alice", "--pin-stdin"), ALICE),
    "verify-bad-anchor": (("verify", "--anchor", "junk"), ""),
    "replay-bad-until": (("replay", "--until", "last tuesday"), ""),
    "export-unknown-format": (("export", "--format", "xml"), ""),
    "report-bad-date": (("report", "daily", "--date", "23/11/2026"), ""),
    "backup-missing-dest": (("backup",), ""),
    "backup-into-a-missing-folder": (("backup", "/nonexistent/copy.db"), ""),
    "simulate-zero-days": (("simulate", "--days", "0"), ""),
    "simulate-unicode-digit-seed": (("simulate", "--days", "1", "--seed", "٣"), ""),
    "settings-set-double-minus": (("settings", "set", "idle_lock_seconds", "--as", "adam", "--pin-stdin", "--",
                                   "--5"), ADAM),
    "head-extra-argument": (("head", "surplus"), ""),
}


@pytest.fixture(scope="module")
def cli_book(tmp_path_factory):
    book = cheap_book(tmp_path_factory.mktemp("bad-cli") / "ledger.db")
    book.ledger.open_session(book.alice, 5000)
    book.ledger.close()
    return book.path


def test_cashdesk_head_is_the_files_head(cli_book):
    result = cashdesk(cli_book, "head")
    assert result.returncode == 0 and result.stdout.strip() == "{}:{}".format(*head(cli_book))


@pytest.mark.parametrize("case", CASES)
def test_a_malformed_command_gets_one_clear_line_and_changes_nothing(cli_book, case):
    args, stdin = CASES[case]
    before = head(cli_book)
    result = cashdesk(cli_book, *args, stdin=stdin)
    line = one_clear_line(result)
    assert result.returncode in (2, 3, 4), (result.returncode, line)
    assert "\x1b" not in line
    assert head(cli_book) == before
    conn = raw(cli_book)
    try:
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == before[0]
    finally:
        conn.close()


# -- whole numbers on the command line ------------------------------------------------------------
#: Python's int() turns each of these into a number; none is a count typed in ASCII digits.
NOT_WHOLE_NUMBERS = ("٣", "３", "𝟛", "߃", " 3", "3 ", "\t3", "+3", "-3", "1_000", "9" * 19)


def _arguments(parser: argparse.ArgumentParser):
    """Every argument of every command and subcommand."""
    for action in parser._actions:
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _arguments(sub)


def test_no_command_line_argument_is_parsed_with_a_bare_int_or_float():
    typed = {action.dest: action.type for action in _arguments(build_parser()) if action.type is not None}
    assert {"cheques", "seed", "serial", "first", "port"} <= set(typed), "control: the walk reaches subcommands"
    assert [dest for dest, kind in typed.items() if kind in (int, float)] == []


@pytest.mark.parametrize("parse, lowest", [(positive_int, 1), (whole_number, 0)])
def test_whole_numbers_are_ascii_digits_only(parse, lowest):
    for text in NOT_WHOLE_NUMBERS:
        with pytest.raises(argparse.ArgumentTypeError, match="is not a whole number"):
            parse(text)
    assert parse("007") == 7 and parse(str(lowest)) == lowest
    with pytest.raises(argparse.ArgumentTypeError):
        parse(str(lowest - 1))
    assert all(isinstance(int(text), int) for text in NOT_WHOLE_NUMBERS), "negative control: int() takes them all"


@given(text=st.text(max_size=8))
@settings(max_examples=200, deadline=None)
def test_a_whole_number_is_taken_only_from_ascii_digits(text):
    try:
        number = whole_number(text)
    except argparse.ArgumentTypeError:
        assert re.fullmatch(r"[0-9]{1,18}", text) is None
        return
    assert re.fullmatch(r"[0-9]{1,18}", text) and number == int(text)
