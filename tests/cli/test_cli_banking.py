"""Income reconciliation and reference rules through the real `cashdesk`: `bank import` (its JSON answer,
a refused file, an unreadable one, a 50 MB one), `bank profiles`, `report banking`, `banking resolve`,
`refs set|list` and the reference checks on the counter's commands.

Set-up that is not under test (sessions, bags) goes through the service layer on the same file."""

from __future__ import annotations

import csv
import io

from bank_support import banked, generic_csv
from cli_support import BOOK_DATE, answer, appended, failed, ok, pins, refused, run


def head(book) -> tuple[int, str]:
    with book.ledger.store.reading() as reader:
        return reader.head()


def write(tmp_path, text: str, name: str = "statement.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def bank_import(cli, path: str, *extra: str, who: str = "sam", profile: str = "generic"):
    return cli.acting("bank", "import", path, "--profile", profile, "--as", who, *extra, pins=pins(who))


def test_an_import_answers_its_counts_and_a_second_import_adds_nothing(book, cli, tmp_path):
    banked(book, book.alice, 1250, "B-1")
    banked(book, book.bob, 700, "B-2")
    path = write(tmp_path, generic_csv((BOOK_DATE, "PAYIN", "B-1", "12.50", "112.50"),
                                       (BOOK_DATE, "PAYIN", "CASH B-2 RIV", "6.00", "118.50"),
                                       (BOOK_DATE, "CHARGES", "NOV", "-1.00", "117.50")))
    assert answer(bank_import(cli, path, "--json")) == {
        "outcome": "imported", "imported": 3, "already_present": 0, "confirmed": 1, "mismatched": 1,
        "unexplained": 1}
    before = head(book)
    again = ok(bank_import(cli, path))
    assert again.stdout == ("0 statement lines imported (3 already present): 0 confirmed, 0 mismatched, "
                            "0 unexplained\n")
    assert head(book) == before


def test_a_bad_file_exits_3_naming_every_bad_line_and_changes_nothing(book, cli, tmp_path):
    path = write(tmp_path, generic_csv((BOOK_DATE, "PAYIN", "B-1", "12.50", ""), ("23/11/2026", "X", "R", "1", ""),
                                       (BOOK_DATE, "X", "R", "one", "")) + f"{BOOK_DATE},X,R\n")
    before = head(book)
    message = refused(bank_import(cli, path), "csv_invalid")
    assert message.startswith("line 3: date '23/11/2026' is not a date written YYYY-MM-DD; line 4: amount 'one'")
    assert message.endswith("line 5: 3 fields; the generic profile reads 5")
    assert head(book) == before


def test_a_file_that_cannot_be_read_exits_2(book, cli, tmp_path):
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes(generic_csv((BOOK_DATE, "PAYIN", "B-1", "12.50", "")).encode("utf-16"))
    before = head(book)
    for path, words in ((str(tmp_path / "missing.csv"), "no file"), (str(tmp_path), "cannot read"),
                        (str(utf16), "is not utf-8-sig text")):
        assert words in failed(bank_import(cli, path), 2), path
    assert head(book) == before


def test_a_50_mb_file_is_refused_with_one_line_and_never_read_whole(book, cli, tmp_path):
    path = tmp_path / "huge.csv"
    row = f"{BOOK_DATE},PAYING-IN RIVERSIDE HOUSE COUNTER,REF 0000000000,12.50,\r\n"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeffDate,Description,Reference,Amount,Balance\r\n")
        out.write(row * (50 * 2**20 // len(row) + 1))
    assert path.stat().st_size >= 50 * 2**20
    before = head(book)
    message = refused(bank_import(cli, str(path)), "csv_invalid")
    assert message == "line 100002: a statement holds at most 100,000 lines; split the file by date"
    assert head(book) == before


def test_usage_errors_exit_2(book, cli, tmp_path):
    path = write(tmp_path, generic_csv((BOOK_DATE, "PAYIN", "B-1", "12.50", "")))
    assert "no profile lloyds; known: generic, eight-field" in failed(bank_import(cli, path, profile="lloyds"), 2)
    assert "no rules file" in failed(bank_import(cli, path, "--rules", str(tmp_path / "none.rules")), 2)
    rules = write(tmp_path, "profile x\nfields date\n", "bad.rules")
    assert "bad.rules line 2: fields must name date and amount" in failed(bank_import(cli, path, "--rules", rules), 2)
    assert "--date, --bag" in failed(cli("bank", "--officer", "alice", "--as", "sam"), 2)


def test_an_office_profile_from_rules_and_bank_profiles_lists_where_each_comes_from(book, cli, tmp_path):
    rules = write(tmp_path, "profile office\nskip 1\nfields date, reference, amount\nsign debits-positive\n",
                  "office.rules")
    profiles = answer(cli("bank", "profiles", "--rules", rules, "--json"))
    assert [(row["profile"], row["source"]) for row in profiles] == [
        ("generic", "shipped"), ("eight-field", "shipped"), ("office", rules)]
    path = write(tmp_path, f"Date,Ref,Paid\n{BOOK_DATE},PAYRUN 7,100.00\n")
    assert answer(bank_import(cli, path, "--rules", rules, "--json", profile="office"))["unexplained"] == 1


def test_only_a_supervisor_imports(book, cli, tmp_path):
    path = write(tmp_path, generic_csv((BOOK_DATE, "PAYIN", "B-1", "12.50", "")))
    assert refused(bank_import(cli, path, who="alice"), "role_required") == "alice needs the supervisor role for this"


def test_report_banking_in_json_csv_and_a_table(book, cli, tmp_path):
    banked(book, book.alice, 1250, "B-1")
    banked(book, book.bob, 700, "B-2")
    ok(bank_import(cli, write(tmp_path, generic_csv((BOOK_DATE, "PAYIN", "B-1", "12.00", ""),
                                                    (BOOK_DATE, "BACS", "INV 9", "45.00", "")))))
    rows = answer(cli("report", "banking", "--date", "2026-11-27", "--format", "json"))
    by_bag = {row["bag"]: row for row in rows if row["kind"] == "bag"}
    assert {key: by_bag["B-1"][key] for key in ("bag", "amount_pence", "state", "working_days")} == {
        "bag": "B-1", "amount_pence": 1250, "state": "mismatched", "working_days": 0}
    assert (by_bag["B-2"]["state"], by_bag["B-2"]["working_days"], by_bag["B-2"]["flag"]) == (
        "in_transit", 4, "late: over 3 working days")
    assert [row["amount_pence"] for row in rows if row["kind"] == "statement_line"] == [4500]
    table = list(csv.DictReader(io.StringIO(ok(cli("report", "banking", "--date", "2026-11-27", "--format",
                                                   "csv")).stdout)))
    assert [row["state"] for row in table] == ["mismatched", "in_transit", "unexplained"]
    assert "late: over 3 working days" in ok(cli("report", "banking", "--date", "2026-11-27")).stdout


def test_banking_resolve_by_another_supervisor(book, cli, tmp_path):
    banked(book, book.alice, 1250, "B-1")
    ok(bank_import(cli, write(tmp_path, generic_csv((BOOK_DATE, "PAYIN", "B-1", "12.00", "")))))
    resolve = ("banking", "resolve", "B-1", "--reason", "Bank counted £12.00; slip filed")
    assert refused(cli.acting(*resolve, "--as", "sam", pins=pins("sam")), "own_entry").startswith("sam banked bag B-1")
    assert refused(cli.acting("banking", "resolve", "B-9", "--reason", "x", "--as", "tess", pins=pins("tess")),
                   "bag_unknown") == "no bag B-9 was banked"
    posted = appended(cli.acting(*resolve, "--as", "tess", "--json", pins=pins("tess")))
    with book.ledger.store.reading() as reader:
        body = reader.entry(posted["seq"]).body_dict()
    assert (body["variance_pence"], body["reason"]) == (-50, "Bank counted £12.00; slip filed")


def test_refs_set_and_list_and_the_counter_commands_refuse_a_bad_reference(open_book, cli, tmp_path):
    appended(cli.acting("refs", "set", "case", "--mask", r"CS\d{4}", "--check", "verhoeff", "--as", "adam",
                        "--json", pins=pins("adam")))
    rules = answer(cli("refs", "list", "--json"))
    assert rules[1] == {"type": "case", "mask": r"CS\d{4}", "check": "verhoeff", "seq": rules[1]["seq"]}
    assert rules[0] == {"type": "debtor", "mask": None, "check": None, "seq": None}
    warrant = ("warrant", "--recipient", "Ms A", "--journey", "Leeds to York", "--value", "5", "--code", "TW1",
               "--as", "alice")
    message = refused(cli.acting(*warrant, "--case", "CS2364", pins=pins("alice")), "reference_invalid")
    assert message == r"case reference CS2364 fails the check digit of the case reference rule (mask CS\d{4}, " \
                      "check digit verhoeff)"
    appended(cli.acting(*warrant, "--case", "CS2363", "--json", pins=pins("alice")))
    ok(cli.acting("refs", "set", "debtor", "--mask", r"DR-\d{3}", "--as", "adam", pins=pins("adam")))
    assert "debtor reference DR-1 does not fit" in refused(cli.acting(
        "collect", "--debtor", "DR-1", "--amount", "1", "--method", "cash", "--as", "alice", pins=pins("alice")),
        "reference_invalid")
    debts = write(tmp_path, "debtor_ref,name,amount,code\nDR-123,A,1.00,INC1\nDR-45,B,1.00,INC1\n", "debts.csv")
    assert refused(cli.acting("debtors", "import", debts, "--as", "adam", pins=pins("adam")), "csv_invalid") == (
        r"line 3: debtor reference DR-45 does not fit the debtor reference rule (mask DR-\d{3})")


def test_refs_set_usage_and_refusals(book, cli):
    assert "invalid choice: 'bag'" in failed(cli("refs", "set", "bag", "--mask", "x", "--as", "adam"), 2)
    assert "invalid choice: 'mod10'" in failed(cli("refs", "set", "case", "--mask", "x", "--check", "mod10",
                                                   "--as", "adam"), 2)
    message = refused(cli.acting("refs", "set", "case", "--mask", "CS(", "--as", "adam", pins=pins("adam")),
                      "setting_invalid")
    assert message.startswith("mask CS( is not a regular expression")
    assert refused(cli.acting("refs", "set", "case", "--mask", "x", "--as", "sam", pins=pins("sam")),
                   "role_required") == "sam needs the admin role for this"


def test_the_shipped_rules_file_is_installed_with_the_package():
    """A non-editable install carries ledger/statement-profiles.rules (setuptools package data)."""
    import tomllib
    from importlib import resources
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert "*.rules" in pyproject["tool"]["setuptools"]["package-data"]["ledger"]
    assert resources.files("ledger").joinpath("statement-profiles.rules").is_file()


def test_the_demo_holds_a_statement_for_the_banking_desk(ledger_location):
    db = ledger_location
    ok(run("demo", "--no-ui", db=db))
    rows = answer(run("report", "banking", "--format", "json", db=db))
    states = [row["state"] for row in rows]
    assert states == ["mismatched", "in_transit", "in_transit", "unexplained", "unexplained", "confirmed",
                      "confirmed", "confirmed"]
    assert rows[0]["difference_pence"] == -100
    assert answer(run("verify", "--json", db=db))["ok"] is True
