"""The setting-up commands through the real `cashdesk`: init, users, codes, settings, warrants, debtors."""

from __future__ import annotations

from pathlib import Path

from cli_support import (
    BOOK_DATE, answer, appended, balances, entries, failed, head_of, ok, pins, refused, run,
)
from ledger.location import describe

NEW_DEBTORS = "debtor_ref,name,amount,code,description\nDR-5,Mr A Stone,10.00,INC1,Arrears\nDR-6,Ms B Lee,20.50,INC1,\n"


# -- init -------------------------------------------------------------------------------
def test_init_creates_a_ledger_whose_admin_can_act(ledger_location):
    db = ledger_location
    created = ok(run("init", "--office", "Riverside House", "--admin", "root", "--pin-stdin", db=db,
                     stdin="123456\n"))
    assert describe(db) in created.stdout
    verdict = answer(run("verify", "--json", db=db))
    assert verdict["ok"] is True and verdict["entries"] == 2
    assert answer(run("users", "list", "--json", db=db)) == [
        {"username": "root", "roles": "admin", "active": True, "locked": False}]
    appended(run("codes", "add", "FEES", "--name", "Fees", "--type", "income", "--as", "root", "--pin-stdin",
                 "--json", db=db, stdin="123456\n"))


def test_init_refuses_an_existing_ledger_and_leaves_it_alone(ledger_location):
    db = ledger_location
    ok(run("init", "--office", "Riverside", "--admin", "root", "--pin-stdin", db=db, stdin="123456\n"))
    before = head_of(db)
    again = run("init", "--office", "Other", "--admin", "boss", "--pin-stdin", db=db, stdin="654321\n")
    assert again.returncode in (2, 4)
    assert ("already holds a ledger" if isinstance(db, str) else "already exists") in failed(again, again.returncode)
    assert head_of(db) == before
    assert ok(run("verify", db=db))


def test_init_refuses_to_overwrite_a_file_that_is_not_a_ledger(tmp_path: Path):
    """A file's content (SQLite only: a database holding another application's tables is in test_cli_postgres.py)."""
    notes = tmp_path / "notes.txt"
    notes.write_text("the safe combination is in the drawer\n")
    result = run("init", "--office", "Riverside", "--admin", "root", "--pin-stdin", db=notes, stdin="123456\n")
    assert result.returncode in (2, 4)
    assert "already exists" in failed(result, result.returncode)
    assert notes.read_text() == "the safe combination is in the drawer\n"


def test_init_with_a_short_pin_is_refused_and_leaves_no_ledger(ledger_location, tmp_path: Path):
    """No file is left behind; a database keeps the empty tables, which are no ledger, and the next init uses them."""
    db = ledger_location
    for bad_pin in ("12345", "abcdef", ""):
        refused(run("init", "--office", "Riverside", "--admin", "root", "--pin-stdin", db=db,
                    stdin=bad_pin + "\n"), "pin_invalid")
        assert sorted(tmp_path.iterdir()) == [], f"files left behind after PIN {bad_pin!r}"
        assert "no ledger" in failed(run("head", db=db), 2)
    assert "no ledger" in failed(run("serve", "--host", "192.0.2.1", db=db), 2)
    ok(run("init", "--office", "Riverside", "--admin", "root", "--pin-stdin", db=db, stdin="123456\n"))
    assert answer(run("verify", "--json", db=db))["entries"] == 2


def test_init_without_db_creates_the_ledger_in_the_user_data_dir(tmp_path: Path):
    """On a fresh machine `cashdesk init` must work with the default path, as `cashdesk demo` does."""
    data = tmp_path / "data"
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    ok(run("init", "--office", "Riverside", "--admin", "root", "--pin-stdin", env=env, unset=("CASHDESK_DB",),
           stdin="123456\n"))
    assert (data / "cashdesk" / "ledger.db").is_file()


# -- users ------------------------------------------------------------------------------
def test_users_add_reads_the_new_users_pin_from_line_two(cli):
    added = appended(cli.acting("users", "add", "zoe", "--roles", "supervisor,officer", "--name", "Zoe Hart",
                                "--as", "adam", "--json", pins="555555\n123456"))
    users = {row["username"]: row for row in answer(cli("users", "list", "--json"))}
    assert users["zoe"] == {"username": "zoe", "roles": "officer,supervisor", "active": True, "locked": False}
    appended(cli.acting("session", "open", "--float", "10.00", "--as", "zoe", "--json", pins="123456"))
    body = next(row["body"] for row in entries(cli.db) if row["seq"] == added["seq"])
    assert "123456" not in str(body)
    refused(cli.acting("users", "add", "zed", "--roles", "officer", "--as", "adam", pins="555555\n1234"),
            "pin_invalid")
    refused(cli.acting("users", "add", "zoe", "--roles", "officer", "--as", "adam", pins="555555\n123456"),
            "user_exists")
    refused(cli.acting("users", "add", "zed", "--roles", "officer", "--as", "sam", pins="333333\n123456"),
            "role_required")


def test_five_wrong_pins_lock_the_user_until_an_admin_unlocks(cli):
    before = len(entries(cli.db))
    for _ in range(5):
        refused(cli.acting("session", "open", "--float", "10", "--as", "bob", pins="000000"), "sign_in_failed")
    message = refused(cli.acting("session", "open", "--float", "10", "--as", "bob", pins=pins("bob")),
                      "user_locked")
    assert "bob" in message and "unlock" in message
    users = {row["username"]: row for row in answer(cli("users", "list", "--json"))}
    assert users["bob"]["locked"] is True
    auth = [row for row in entries(cli.db)[before:]]
    assert [row["kind"] for row in auth] == ["sign_in_failed"] * 5 + ["user_locked"]
    assert not any(pin in str(row["body"]) for row in auth for pin in ("000000", "222222"))

    appended(cli.acting("users", "unlock", "bob", "--as", "adam", "--json", pins=pins("adam")))
    appended(cli.acting("session", "open", "--float", "10", "--as", "bob", "--json", pins=pins("bob")))


def test_an_unknown_user_is_refused_without_writing(cli):
    before = head_of(cli.db)
    refused(cli.acting("session", "open", "--float", "10", "--as", "nobody", pins="123456"), "sign_in_failed")
    assert head_of(cli.db) == before


def test_users_roles_and_deactivate(cli):
    refused(cli.acting("warrants", "receive", "--first", "5000", "--last", "5009", "--as", "bob", pins=pins("bob")),
            "role_required")
    appended(cli.acting("users", "roles", "bob", "--roles", "officer,supervisor", "--as", "adam", "--json",
                        pins=pins("adam")))
    appended(cli.acting("warrants", "receive", "--first", "5000", "--last", "5009", "--as", "bob", "--json",
                        pins=pins("bob")))

    appended(cli.acting("users", "deactivate", "bob", "--as", "adam", "--json", pins=pins("adam")))
    users = {row["username"]: row for row in answer(cli("users", "list", "--json"))}
    assert users["bob"]["active"] is False and users["bob"]["roles"] == "officer,supervisor"
    refused(cli.acting("session", "open", "--float", "10", "--as", "bob", pins=pins("bob")), "user_inactive")
    refused(cli.acting("users", "unlock", "nobody", "--as", "adam", pins=pins("adam")), "user_unknown")


# -- codes ------------------------------------------------------------------------------
def test_codes_add_list_and_retire(open_book, cli):
    appended(cli.acting("codes", "add", "dbs1", "--name", "DBS fees", "--type", "income", "--as", "adam", "--json",
                        pins=pins("adam")))
    codes = {row["code"]: row for row in answer(cli("codes", "list", "--json"))}
    assert codes["DBS1"] == {"code": "DBS1", "name": "DBS fees", "type": "income", "active": True}
    appended(cli.acting("receipt", "--amount", "5", "--method", "cash", "--code", "DBS1", "--payer", "A Volunteer",
                        "--as", "alice", "--json", pins=pins("alice")))

    appended(cli.acting("codes", "retire", "DBS1", "--as", "adam", "--json", pins=pins("adam")))
    codes = {row["code"]: row for row in answer(cli("codes", "list", "--json"))}
    assert codes["DBS1"]["active"] is False and codes["INC1"]["active"] is True
    refused(cli.acting("receipt", "--amount", "5", "--method", "cash", "--code", "DBS1", "--payer", "A Volunteer",
                       "--as", "alice", pins=pins("alice")), "code_retired")
    refused(cli.acting("codes", "add", "INC1", "--name", "Again", "--type", "income", "--as", "adam",
                       pins=pins("adam")), "code_exists")
    refused(cli.acting("codes", "retire", "NOPE", "--as", "adam", pins=pins("adam")), "code_unknown")
    failed(cli("codes", "add", "X1", "--name", "X", "--type", "both", "--as", "adam"), 2)


# -- settings ---------------------------------------------------------------------------
def test_a_per_user_daily_limit_changes_the_limit_report_and_the_rule(open_book, cli):
    def alice_row():
        rows = answer(cli("report", "limits", "--date", BOOK_DATE, "--format", "json"))
        return next(row for row in rows if row["officer"] == "alice")

    assert alice_row()["limit_pence"] == 25_000
    appended(cli.acting("settings", "set", "daily_limit_pence", "10000", "--user", "alice", "--as", "adam",
                        "--json", pins=pins("adam")))
    assert {"key": "daily_limit_pence", "user": "alice", "value": 10_000} in answer(cli("settings", "list", "--json"))
    assert alice_row() == {"officer": "alice", "business_date": BOOK_DATE, "used_pence": 0,
                           "limit_pence": 10_000, "headroom_pence": 10_000}
    message = refused(cli.acting("receipt", "--amount", "100.01", "--method", "cash", "--code", "INC1",
                                 "--payer", "P", "--as", "alice", pins=pins("alice")), "officer_limit_exceeded")
    assert "£100.00 headroom" in message
    appended(cli.acting("receipt", "--amount", "100.00", "--method", "cash", "--code", "INC1", "--payer", "P",
                        "--as", "alice", "--json", pins=pins("alice")))

    refused(cli.acting("settings", "set", "daily_limit_pence", "0", "--as", "adam", pins=pins("adam")),
            "setting_invalid")
    refused(cli.acting("settings", "set", "no_such_setting", "5", "--as", "adam", pins=pins("adam")),
            "setting_invalid")
    refused(cli.acting("settings", "set", "daily_limit_pence", "5000", "--as", "alice", pins=pins("alice")),
            "role_required")


# -- warrant stock ----------------------------------------------------------------------
def test_warrants_receive_and_spoil(open_book, cli):
    def register():
        return {row["serial"]: row["status"] for row in answer(cli("report", "warrants", "--format", "json"))}

    assert register() == {serial: "stock" for serial in range(1000, 1010)}
    appended(cli.acting("warrants", "receive", "--first", "2000", "--last", "2004", "--as", "adam", "--json",
                        pins=pins("adam")))
    assert list(register().values()).count("stock") == 15
    refused(cli.acting("warrants", "receive", "--first", "1005", "--last", "1010", "--as", "adam",
                       pins=pins("adam")), "serial_range_overlaps")
    refused(cli.acting("warrants", "receive", "--first", "3010", "--last", "3005", "--as", "adam",
                       pins=pins("adam")), "range_invalid")

    appended(cli.acting("warrants", "spoil", "1000", "--reason", "Torn in the printer", "--as", "adam", "--json",
                        pins=pins("adam")))
    assert register()[1000] == "spoiled"
    refused(cli.acting("warrants", "spoil", "1000", "--reason", "Again", "--as", "adam", pins=pins("adam")),
            "serial_used")
    refused(cli.acting("warrants", "spoil", "9999", "--reason", "Never had it", "--as", "adam",
                       pins=pins("adam")), "serial_unknown")
    issued = appended(cli.acting("warrant", "--recipient", "R Adeyemi", "--journey", "Leeds to York", "--value",
                                 "12", "--code", "TW1", "--as", "alice", "--json", pins=pins("alice")))
    assert issued["serial"] == 1001
    assert register()[1001] == "issued"


# -- debtors ----------------------------------------------------------------------------
def test_importing_the_same_debtor_file_twice_adds_no_debt(cli, tmp_path: Path):
    csv_file = tmp_path / "debts.csv"
    csv_file.write_text(NEW_DEBTORS)
    first = answer(cli.acting("debtors", "import", str(csv_file), "--as", "adam", "--json", pins=pins("adam")))
    assert (first["imported"], first["already_present"]) == (2, 0)
    listed = answer(cli("debtors", "list", "--json"))
    head = head_of(cli.db)

    second = answer(cli.acting("debtors", "import", str(csv_file), "--as", "adam", "--json", pins=pins("adam")))
    assert (second["imported"], second["already_present"]) == (0, 2)
    again = ok(cli.acting("debtors", "import", str(csv_file), "--as", "adam", pins=pins("adam")))
    assert "imported 0" in again.stdout
    assert answer(cli("debtors", "list", "--json")) == listed
    assert head_of(cli.db) == head
    owed = {row["debtor_ref"]: row["balance_pence"] for row in listed}
    assert owed == {"DR-1": 10_000, "DR-2": 4_000, "DR-5": 1_000, "DR-6": 2_050}
    assert balances(cli.db)["Assets:Debtors:DR-6"] == 2_050

    csv_file.write_text("debtor_ref,name,amount,code,description\r\n" + "DR-7,Mr C Twice,15.00,INC1,Fees\r\n" * 2)
    twice = answer(cli.acting("debtors", "import", str(csv_file), "--as", "adam", "--json", pins=pins("adam")))
    assert (twice["imported"], twice["already_present"]) == (1, 1)
    assert balances(cli.db)["Assets:Debtors:DR-7"] == 1_500


def test_a_debtor_file_with_bad_rows_is_refused_whole(cli, tmp_path: Path):
    csv_file = tmp_path / "debts.csv"
    csv_file.write_text("debtor_ref,name,amount,code,description\n"
                        "DR-7,Mr C Good,10.00,INC1,Fine\n"
                        "DR-8,Ms D Bad,12.345,INC1,Three decimals\n"
                        "DR-9,Mr E Good,11.00,INC1,Fine\n"
                        "DR-10,,5.00,INC1,No name\n")
    listed, head = answer(cli("debtors", "list", "--json")), head_of(cli.db)
    message = refused(cli.acting("debtors", "import", str(csv_file), "--as", "adam", pins=pins("adam")),
                      "csv_invalid")
    assert "line 3" in message and "line 5" in message
    assert "line 2" not in message and "line 4" not in message
    assert answer(cli("debtors", "list", "--json")) == listed
    assert head_of(cli.db) == head

    csv_file.write_text("debtor_ref,name,amount,code,description\nDR-7,Mr C Good,10.00,NOPE,Unknown code\n")
    assert "line 2" in refused(cli.acting("debtors", "import", str(csv_file), "--as", "adam", pins=pins("adam")),
                               "csv_invalid")
    assert head_of(cli.db) == head
