"""Reading statements through profiles: the shipped samples, BOM and Windows line endings, every kind of
bad row listed by line number, limits that keep a huge or binary file from being read whole, and the
rules file of profiles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bank_support import EIGHT_FIELD_HEADER, generic_csv, statement

from ledger import statements
from ledger.refusals import Outcome, Refused
from ledger.location import sidecar_path
from ledger.statement_profiles import OFFICE_RULES_SUFFIX, ProfileError, load_profiles, parse_rules
from ledger.statements import StatementUnreadable, read_statement

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TODAY = "2026-11-23"


def refused_lines(text: str, profile: str = "generic") -> str:
    with pytest.raises(Refused) as refused:
        statement(text, profile)
    assert refused.value.outcome is Outcome.CSV_INVALID
    return refused.value.message


@pytest.mark.parametrize("profile", ["generic", "eight-field"])
def test_each_shipped_profile_reads_its_sample_file(profile):
    read = read_statement(EXAMPLES / f"statement-{profile}.csv", load_profiles()[profile], TODAY)
    assert [(line.line, line.date, line.amount_pence) for line in read.lines] == [
        (2, "2026-11-19", 1650), (3, "2026-11-19", 5050), (4, "2026-11-20", 4500), (5, "2026-11-20", -1250),
        (6, "2026-11-20", -184000)]
    assert read.lines[-1].reference == "PAYRUN 2026-47" and read.lines[-1].balance_pence == 1_075_950


def test_the_eight_field_layout_keeps_account_name_type_and_detail():
    read = read_statement(EXAMPLES / "statement-eight-field.csv", load_profiles()["eight-field"], TODAY)
    first = read.lines[0]
    assert (first.account, first.description, first.type, first.detail, first.reference) == (
        "40-12-34 71234567", "RIVERSIDE HOUSE", "CR", "PAYING-IN AT COUNTER", "BAG2611180001")


def test_a_bom_and_windows_line_endings_read_the_same_lines_with_the_same_keys(tmp_path):
    plain = generic_csv((TODAY, "PAYIN", "B-1", "12.50", "100.00"), (TODAY, "FEES", "", "-1.00", "99.00"))
    windows = tmp_path / "windows.csv"
    windows.write_bytes(b"\xef\xbb\xbf" + plain.replace("\n", "\r\n").encode("utf-8"))
    unix = tmp_path / "unix.csv"
    unix.write_text(plain, encoding="utf-8")
    profile = load_profiles()["generic"]
    from_windows, from_unix = read_statement(windows, profile, TODAY), read_statement(unix, profile, TODAY)
    assert from_windows.lines == from_unix.lines
    assert [line.key("generic") for line in from_windows.lines] == [line.key("generic") for line in from_unix.lines]


def test_a_bom_file_with_a_bad_row_still_counts_lines_from_the_first(tmp_path):
    path = tmp_path / "bad.csv"
    text = generic_csv((TODAY, "PAYIN", "B-1", "12.50", ""), (TODAY, "PAYIN", "B-2", "twelve", ""))
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    with pytest.raises(Refused) as refused:
        read_statement(path, load_profiles()["generic"], TODAY)
    assert refused.value.message == "line 3: amount 'twelve' is not an amount in pounds"


def test_a_utf16_file_cannot_be_read_and_says_so(tmp_path):
    path = tmp_path / "excel-unicode.csv"
    path.write_bytes(generic_csv((TODAY, "PAYIN", "B-1", "12.50", "")).encode("utf-16"))
    with pytest.raises(StatementUnreadable) as unreadable:
        read_statement(path, load_profiles()["generic"], TODAY)
    assert "is not utf-8-sig text (line 1)" in str(unreadable.value)


def test_every_bad_row_is_listed_by_line_number_and_nothing_is_returned():
    message = refused_lines(generic_csv(
        (TODAY, "PAYIN", "B-1", "12.50", ""),
        ("23/11/2026", "PAYIN", "B-2", "12.50", ""),       # line 3: not an ISO date
        (TODAY, "PAYIN", "B-3", "12.5O", ""),              # line 4: a letter O
        (TODAY, "PAYIN", "B-4", "12.50"),                  # line 5: (padded) fine
        ("2026-11-24", "PAYIN", "B-5", "1.00", ""),        # line 6: tomorrow
        (TODAY, "PAYIN", "B-6", "0.00", ""),               # line 7: zero
        (TODAY, "PAYIN", "B-7", "1.001", ""),              # line 8: three decimals
        (TODAY, "PAYIN\x1b[31m", "B-8", "1.00", ""),        # line 9: a control character
    ) + "2026-11-23,PAYIN,B-9,1.00\n")                      # line 10: four fields
    assert message == (
        "line 3: date '23/11/2026' is not a date written YYYY-MM-DD; "
        "line 4: amount '12.5O' is not an amount in pounds; "
        "line 6: date 2026-11-24 is after today (2026-11-23); "
        "line 7: amount '0.00' is zero; "
        "line 8: amount '1.001' is not an amount in pounds; "
        "line 9: description contains control characters; "
        "line 10: 4 fields; the generic profile reads 5")


def test_the_wrong_profile_is_told_by_its_header():
    text = generic_csv((TODAY, "PAYIN", "B-1", "12.50", ""))
    message = refused_lines(text.replace("Date,", "Post Date,", 1), "generic")
    assert message.startswith("line 1: the header is 'Post Date,Description,Reference,Amount,Balance'; "
                              "the generic profile reads 'date,description,reference,amount,balance'")


def test_the_eight_field_reference_is_at_most_18_characters():
    text = (f"{EIGHT_FIELD_HEADER}\n"
            "23/11/2026,1,RIVERSIDE,CR,1.00,BAG-1 PAID IN AT COUNTER,X,1.00\n")
    assert refused_lines(text, "eight-field") == (
        "line 2: reference 'BAG-1 PAID IN AT COUNTER' is longer than 18 characters")


@pytest.mark.parametrize("typed, pence", [
    ("12.50", 1250), ("-12.50", -1250), ("+3.5", 350), ("£1,234.56", 123456), ("-£0.01", -1),
    ("\u22122.00", -200), ("1 000.00", 100000), ("12", 1200),
])
def test_signed_amounts_in_pounds(typed, pence):
    assert statement(generic_csv((TODAY, "X", "R", f'"{typed}"', ""))).lines[0].amount_pence == pence


@pytest.mark.parametrize("typed", ["1,23", "1e3", "NaN", "12.", ".50", "--1", "£", "١٢"])
def test_amounts_that_are_not_pounds_are_bad_rows(typed):
    assert "is not an amount in pounds" in refused_lines(generic_csv((TODAY, "X", "R", f'"{typed}"', "")))


def test_a_quoted_field_may_hold_commas_and_line_breaks_and_line_numbers_stay_true():
    text = generic_csv((TODAY, '"PAYIN, COUNTER\nTWO"', "B-1", "1.00", ""), (TODAY, "X", "B-2", "x", ""))
    assert refused_lines(text) == "line 4: amount 'x' is not an amount in pounds"
    good = statement(text.replace(",x,", ",2.00,"))
    assert good.lines[0].description == "PAYIN, COUNTER TWO" and good.lines[1].line == 4


def test_identical_lines_without_a_balance_are_told_apart_by_occurrence():
    read = statement(generic_csv(*[(TODAY, "FEE", "", "-1.00", "")] * 3, (TODAY, "FEE", "", "-2.00", "")))
    assert [line.occurrence for line in read.lines] == [1, 2, 3, 1]
    assert len({line.key("generic") for line in read.lines}) == 4


def test_more_than_twenty_bad_lines_are_still_every_one_named():
    rows = [(TODAY, "X", "R", "bad", "")] * 25 + [(TODAY, "X", "R", "1.00", "")] + [(TODAY, "X", "R", "bad", "")] * 2
    message = refused_lines(generic_csv(*rows))
    assert message.count("is not an amount in pounds") == 20
    assert message.endswith("; and 7 more bad lines: 22-26, 28-29")


class EndlessStatement:
    """A statement stream that never ends, counting the lines taken from it."""

    encoding = "utf-8"

    def __init__(self) -> None:
        self.lines_read = 0

    def readline(self, limit: int = -1) -> str:
        self.lines_read += 1
        return "Date,Description,Reference,Amount,Balance\n" if self.lines_read == 1 else f"{TODAY},X,R,1.00,\n"


def test_a_statement_past_the_line_limit_is_refused_without_reading_on(monkeypatch):
    monkeypatch.setattr(statements, "MAX_LINES", 3)
    endless = EndlessStatement()
    with pytest.raises(Refused) as refused:
        statements.read_statement_stream(endless, load_profiles()["generic"], TODAY)
    assert refused.value.message == "line 5: a statement holds at most 3 lines; split the file by date"
    assert endless.lines_read == 5


def test_a_file_with_no_line_breaks_is_refused_at_its_first_line():
    stream = io.StringIO("x" * 100_000, newline="")
    with pytest.raises(Refused) as refused:
        statements.read_statement_stream(stream, load_profiles()["generic"], TODAY)
    assert refused.value.message == "line 1 is longer than 4,096 characters: this is not a bank statement"


def test_a_nul_byte_is_a_bad_row_and_a_spreadsheet_file_is_unreadable(tmp_path):
    assert refused_lines(generic_csv((TODAY, "X\x00", "R", "1.00", ""))) == (
        "line 2: description contains control characters")
    workbook = tmp_path / "statement.xlsx"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U0#\xf4\x00\x00\x00L\x02")
    with pytest.raises(StatementUnreadable) as unreadable:
        read_statement(workbook, load_profiles()["generic"], TODAY)
    assert "save it as CSV UTF-8" in str(unreadable.value)


def test_a_file_of_only_a_header_holds_no_lines():
    assert refused_lines(generic_csv()) == "the statement holds no statement lines"


# -- the rules file ----------------------------------------------------------------------------------
OFFICE_RULES = """
# the office's own bank
profile lloyds-ish
description  semicolons, debits positive
skip 2
separator ;
fields date, _, reference, amount
date-format %d.%m.%Y
sign debits-positive
account 30-99-50 00112233

profile generic
fields date, amount, reference
"""


def test_an_office_rules_file_adds_a_profile_and_replaces_a_shipped_one(tmp_path):
    ledger_path = tmp_path / "ledger.db"
    sidecar_path(ledger_path, OFFICE_RULES_SUFFIX).write_text(OFFICE_RULES, encoding="utf-8")
    profiles = load_profiles(sidecar_path(ledger_path, OFFICE_RULES_SUFFIX))
    assert profiles["eight-field"].source == "shipped"
    assert profiles["generic"].fields == ("date", "amount", "reference")
    office = profiles["lloyds-ish"]
    text = "Statement for 30-99-50\nDate;Payee;Ref;Amount\n23.11.2026;SHOP;CARD 1;4.20\n22.11.2026;X;B-1;-10\n"
    read = statements.read_statement_stream(io.StringIO(text, newline=""), office, TODAY)
    assert [(line.date, line.amount_pence, line.account) for line in read.lines] == [
        ("2026-11-23", -420, "30-99-50 00112233"), ("2026-11-22", 1000, "30-99-50 00112233")]


@pytest.mark.parametrize("rules, words", [
    ("skip 1\n", "line 1: skip comes before any `profile NAME` line"),
    ("profile Big Bank\n", "is not a profile name"),
    ("profile x\nfields date, amount\ncolour red\n", "line 3: unknown directive 'colour'"),
    ("profile x\nfields date, payee\n", "unknown field 'payee'"),
    ("profile x\nfields date, reference\n", "fields must name date and amount"),
    ("profile x\nfields date, amount, date\n", "fields must name date and amount, each field once"),
    ("profile x\nfields date, amount\ndate-format %Y\n", "date-format must give the day, month and year"),
    ("profile x\nfields date, amount\nseparator tabs\n", "separator is one of"),
    ("profile x\nfields date, amount\nencoding klingon\n", "unknown encoding 'klingon'"),
    ("profile x\nfields date, amount\nheader Date,Amount\n", "must skip 1 or more"),
    ("profile x\nskip 1\nfields date, amount\nheader Date\n", "different numbers of columns"),
    ("profile x\nskip 1\n", "profile x has no fields line"),
])
def test_a_bad_rules_file_names_its_line(rules, words):
    with pytest.raises(ProfileError) as error:
        parse_rules(rules, "office.rules")
    assert words in str(error.value) and str(error.value).startswith("office.rules line")
