"""The counter through the real `cashdesk`: sessions, money, reversals, the limit, the day's close, --id."""

from __future__ import annotations

from cli_support import (
    BOOK_DATE, answer, appended, balances, entries, failed, head_of, ok, pins, refused,
)

ALICE = pins("alice")
ALICE_AND_SAM = pins("alice", "sam")


def receipt(cli, amount: str, *extra: str, method: str = "cash", who: str = "alice", pin: str = ALICE):
    return cli.acting("receipt", "--amount", amount, "--method", method, "--code", "INC1", "--payer", "J Smith",
                      "--as", who, "--json", *extra, pins=pin)


def limits_row(cli, officer: str = "alice") -> dict:
    rows = answer(cli("report", "limits", "--date", BOOK_DATE, "--format", "json"))
    return next(row for row in rows if row["officer"] == officer)


def body_of(cli, seq: int) -> dict:
    return next(row["body"] for row in entries(cli.db) if row["seq"] == seq)


# -- sessions ---------------------------------------------------------------------------
def test_session_open_with_a_float(cli):
    opened = appended(cli.acting("session", "open", "--float", "50.00", "--as", "bob", "--json", pins=pins("bob")))
    assert balances(cli.db) == {"Assets:Till:bob": 5000, "Assets:Safe": -5000,
                                "Assets:Debtors:DR-1": 10_000, "Assets:Debtors:DR-2": 4_000, "Income:INC1": -14_000}
    assert body_of(cli, opened["seq"])["float_pence"] == 5000
    refused(cli.acting("session", "open", "--float", "10", "--as", "bob", pins=pins("bob")), "session_already_open")


def test_session_open_by_denomination(cli):
    opened = appended(cli.acting("session", "open", "--notes", "20x2,10x1", "--coins", "100x3,50x2", "--as", "bob",
                                 "--json", pins=pins("bob")))
    body = body_of(cli, opened["seq"])
    assert body["float_pence"] == 5400
    assert body["denominations"] == {"2000": 2, "1000": 1, "100": 3, "50": 2}
    assert balances(cli.db)["Assets:Till:bob"] == 5400


def test_session_open_needs_one_way_of_giving_the_float(cli):
    head = head_of(cli.db)
    assert "not both" in failed(cli.acting("session", "open", "--float", "5", "--notes", "5x1", "--as", "bob",
                                           pins=pins("bob")), 2)
    assert "--float" in failed(cli.acting("session", "open", "--as", "bob", pins=pins("bob")), 2)
    assert "7x1" in failed(cli.acting("session", "open", "--notes", "7x1", "--as", "bob", pins=pins("bob")), 2)
    assert head_of(cli.db) == head


# -- money ------------------------------------------------------------------------------
def test_receipts_are_numbered_and_posted_by_method(open_book, cli):
    first = appended(receipt(cli, "12.50"))
    refused(receipt(cli, "300"), "officer_limit_exceeded")
    second = appended(receipt(cli, "£5", method="cheque"))
    assert (first["receipt_no"], second["receipt_no"]) == (1, 2)
    money = balances(cli.db)
    assert money["Assets:Till:alice"] == 5000 + 1250
    assert money["Assets:Cheques:alice"] == 500
    assert money["Income:INC1"] == -14_000 - 1750
    plain = ok(cli.acting("receipt", "--amount", "1", "--method", "cash", "--code", "INC1", "--payer", "J Smith",
                          "--as", "alice", pins=ALICE))
    assert "receipt no 3" in plain.stdout


def test_collect_allows_part_payment_and_refuses_overpayment(open_book, cli):
    def collect(amount: str):
        return cli.acting("collect", "--debtor", "DR-1", "--amount", amount, "--method", "cash", "--as", "alice",
                          "--json", pins=ALICE)

    def owed() -> int:
        return next(row["balance_pence"] for row in answer(cli("debtors", "list", "--json"))
                    if row["debtor_ref"] == "DR-1")

    appended(collect("40.00"))
    assert owed() == 6000
    message = refused(collect("60.01"), "overpayment")
    assert "£60.00" in message
    assert owed() == 6000
    appended(collect("60"))
    assert owed() == 0
    assert "Assets:Debtors:DR-1" not in balances(cli.db)
    refused(cli.acting("collect", "--debtor", "DR-99", "--amount", "1", "--method", "cash", "--as", "alice",
                       pins=ALICE), "debtor_unknown")


def test_payout_comes_out_of_the_till(open_book, cli):
    def payout(amount: str, code: str = "EXP1"):
        return cli.acting("payout", "--amount", amount, "--code", code, "--payee", "Riverside Co-op",
                          "--purpose", "Milk for the contact room", "--as", "alice", "--json", pins=ALICE)

    appended(payout("5.00"))
    money = balances(cli.db)
    assert (money["Expenses:EXP1"], money["Assets:Till:alice"]) == (500, 4500)
    refused(payout("45.01"), "insufficient_cash")
    refused(payout("1", code="INC1"), "code_wrong_type")
    refused(payout("1", code="NOPE"), "code_unknown")


def test_warrants_take_the_next_serial(open_book, cli):
    def warrant():
        return appended(cli.acting("warrant", "--recipient", "R Adeyemi", "--journey", "Leeds to York", "--value",
                                   "10", "--code", "TW1", "--case", "CS123456", "--as", "alice", "--json",
                                   pins=ALICE))

    first, second = warrant(), warrant()
    assert (first["serial"], second["serial"]) == (1000, 1001)
    body = body_of(cli, first["seq"])
    assert (body["serial"], body["value_pence"], body["travel_date"]) == (1000, 1000, BOOK_DATE)
    money = balances(cli.db)
    assert (money["Expenses:TravelWarrants:TW1"], money["Liabilities:WarrantsPayable"]) == (2000, -2000)


# -- reversals --------------------------------------------------------------------------
def test_reverse_with_a_supervisor(open_book, cli):
    posted = appended(receipt(cli, "20.00"))
    assert limits_row(cli)["used_pence"] == 2000
    assert "--reason" in failed(cli.acting("reverse", str(posted["seq"]), "--as", "alice", "--authorised-by", "sam",
                                           pins=ALICE_AND_SAM), 2)
    refused(cli.acting("reverse", str(posted["seq"]), "--reason", "Wrong code", "--as", "alice", pins=ALICE),
            "authoriser_not_supervisor")

    reversal = appended(cli.acting("reverse", str(posted["seq"]), "--reason", "Keyed against the wrong code",
                                   "--as", "alice", "--authorised-by", "sam", "--json", pins=ALICE_AND_SAM))
    body = body_of(cli, reversal["seq"])
    assert (body["reversed_seq"], body["authorised_by"]) == (posted["seq"], "sam")
    assert balances(cli.db)["Assets:Till:alice"] == 5000
    assert limits_row(cli)["used_pence"] == 0
    refused(cli.acting("reverse", str(posted["seq"]), "--reason", "Again", "--as", "alice", "--authorised-by", "sam",
                       pins=ALICE_AND_SAM), "already_reversed")
    refused(cli.acting("reverse", "9999", "--reason", "Nothing", "--as", "alice", "--authorised-by", "sam",
                       pins=ALICE_AND_SAM), "entry_unknown")


def test_a_supervisor_who_is_also_the_officer_cannot_reverse_their_own_entry(cli):
    appended(cli.acting("session", "open", "--float", "20", "--as", "tess", "--json", pins=pins("tess")))
    posted = appended(receipt(cli, "5", who="tess", pin=pins("tess")))
    head = head_of(cli.db)
    refused(cli.acting("reverse", str(posted["seq"]), "--reason", "Mine", "--as", "tess", "--authorised-by", "tess",
                       pins=pins("tess", "tess")), "own_entry")
    refused(cli.acting("reverse", str(posted["seq"]), "--reason", "Mine", "--as", "tess", pins=pins("tess")),
            "own_entry")
    assert head_of(cli.db) == head


# -- the daily limit --------------------------------------------------------------------
def test_exactly_the_limit_is_accepted_and_a_penny_more_refused(open_book, cli):
    appended(receipt(cli, "250.00"))
    message = refused(receipt(cli, "0.01"), "officer_limit_exceeded")
    assert "£0.00 headroom" in message and "£250.00" in message
    assert limits_row(cli) == {"officer": "alice", "business_date": BOOK_DATE, "used_pence": 25_000,
                               "limit_pence": 25_000, "headroom_pence": 0}


def test_the_limit_is_cumulative_over_every_kind(open_book, cli):
    appended(receipt(cli, "100.00"))
    appended(cli.acting("collect", "--debtor", "DR-1", "--amount", "40", "--method", "cash", "--as", "alice",
                        "--json", pins=ALICE))
    appended(cli.acting("warrant", "--recipient", "R Adeyemi", "--journey", "Leeds to York", "--value", "9.99",
                        "--code", "TW1", "--as", "alice", "--json", pins=ALICE))
    appended(cli.acting("payout", "--amount", "50", "--code", "EXP1", "--payee", "Co-op", "--purpose", "Tea",
                        "--as", "alice", "--json", pins=ALICE))
    assert limits_row(cli)["headroom_pence"] == 5001
    message = refused(receipt(cli, "50.02"), "officer_limit_exceeded")
    assert "£50.01 headroom" in message and "£199.99 used" in message
    appended(receipt(cli, "50.01"))
    assert limits_row(cli)["headroom_pence"] == 0


def test_a_supervisor_may_authorise_one_entry_over_the_limit(open_book, cli):
    appended(receipt(cli, "250"))
    refused(receipt(cli, "30", "--authorised-by", "sam", pin=ALICE_AND_SAM), "override_reason_required")
    refused(receipt(cli, "30", "--authorised-by", "bob", "--reason", "Urgent", pin=pins("alice", "bob")),
            "authoriser_not_supervisor")
    refused(receipt(cli, "30", "--authorised-by", "sam", "--reason", "Urgent", pin="111111\n000000"),
            "sign_in_failed")
    over = appended(receipt(cli, "30", "--authorised-by", "sam", "--reason", "Care leaver's deposit, urgent",
                            pin=ALICE_AND_SAM))
    exported = [row for row in entries(cli.db) if row["seq"] == over["seq"]]
    assert exported[0]["body"]["override"] == {"supervisor": "sam", "reason": "Care leaver's deposit, urgent"}
    refused(receipt(cli, "0.01"), "officer_limit_exceeded")


def test_report_limits_formats(open_book, cli):
    appended(receipt(cli, "250"))
    rows = answer(cli("report", "limits", "--date", BOOK_DATE, "--format", "json"))
    assert isinstance(rows, list) and rows
    assert all(set(row) == {"officer", "business_date", "used_pence", "limit_pence", "headroom_pence"}
               for row in rows)
    table = ok(cli("report", "limits", "--date", BOOK_DATE, "--format", "table")).stdout
    alice_line = next(line for line in table.splitlines() if line.startswith("alice"))
    assert "£250.00" in alice_line and "£0.00" in alice_line and "25000" not in alice_line
    assert answer(cli("report", "limits", "--date", "2026-11-20", "--format", "json")) == []
    bad_date = cli("report", "limits", "--date", "23/11/2026")
    assert bad_date.returncode in (2, 3) and "23/11/2026" in failed(bad_date, bad_date.returncode)


# -- the day's close --------------------------------------------------------------------
def test_count_and_signoff_print_the_anchor_of_the_head(open_book, cli):
    posted = appended(receipt(cli, "12.50"))
    appended(cli.acting("count", "--notes", "20x3", "--coins", "200x1,50x1", "--as", "alice", "--json", pins=ALICE))
    refused(cli.acting("signoff", "--officer", "alice", "--date", BOOK_DATE, "--as", "alice", pins=ALICE),
            "role_required")
    signed = appended(cli.acting("signoff", "--officer", "alice", "--date", BOOK_DATE, "--as", "sam", "--json",
                                 pins=pins("sam")))
    assert signed["anchor"] == head_of(cli.db)
    assert signed["anchor"].startswith(f"{signed['seq']}:")
    body = body_of(cli, signed["seq"])
    assert (body["cash_pence_expected"], body["cash_pence_counted"], body["cash_pence_variance"]) == (6250, 6250, 0)
    ok(cli("verify", "--anchor", signed["anchor"]))

    refused(cli.acting("reverse", str(posted["seq"]), "--reason", "Too late", "--as", "alice", "--authorised-by",
                       "sam", pins=ALICE_AND_SAM), "day_closed")
    refused(cli.acting("signoff", "--officer", "alice", "--date", BOOK_DATE, "--as", "sam", pins=pins("sam")),
            "day_closed")


def test_a_variance_needs_a_reason_and_is_posted(open_book, cli):
    appended(receipt(cli, "12.50"))
    appended(cli.acting("count", "--notes", "20x3", "--as", "alice", "--json", pins=ALICE))
    message = refused(cli.acting("signoff", "--officer", "alice", "--date", BOOK_DATE, "--as", "sam",
                                 pins=pins("sam")), "variance_reason_required")
    assert "£2.50 short" in message
    appended(cli.acting("signoff", "--officer", "alice", "--date", BOOK_DATE, "--reason", "Counted twice, not found",
                        "--as", "sam", "--json", pins=pins("sam")))
    money = balances(cli.db)
    assert (money["Expenses:CashVariance"], money["Assets:Till:alice"]) == (250, 6000)


def test_a_recount_sends_the_count_back(open_book, cli):
    appended(cli.acting("count", "--notes", "20x1", "--as", "alice", "--json", pins=ALICE))
    failed(cli.acting("recount", "--officer", "alice", "--date", BOOK_DATE, "--as", "sam", pins=pins("sam")), 2)
    appended(cli.acting("recount", "--officer", "alice", "--date", BOOK_DATE, "--reason", "Count the coins again",
                        "--as", "sam", "--json", pins=pins("sam")))
    refused(cli.acting("signoff", "--officer", "alice", "--date", BOOK_DATE, "--as", "sam", pins=pins("sam")),
            "not_counted")
    appended(cli.acting("count", "--notes", "50x1", "--as", "alice", "--json", pins=ALICE))
    signed = appended(cli.acting("signoff", "--officer", "alice", "--date", BOOK_DATE, "--as", "sam", "--json",
                                 pins=pins("sam")))
    assert body_of(cli, signed["seq"])["cash_pence_variance"] == 0


# -- idempotency ------------------------------------------------------------------------
def test_the_same_id_twice_posts_once(open_book, cli):
    first = appended(receipt(cli, "12.50", "--id", "till-1:receipt-7"))
    head = head_of(cli.db)
    again = answer(receipt(cli, "12.50", "--id", "till-1:receipt-7"))
    assert again == {**first, "outcome": "already_recorded"}
    assert head_of(cli.db) == head
    assert "already recorded" in ok(cli.acting("receipt", "--amount", "12.50", "--method", "cash", "--code", "INC1",
                                               "--payer", "J Smith", "--id", "till-1:receipt-7", "--as", "alice",
                                               pins=ALICE)).stdout

    message = refused(receipt(cli, "12.51", "--id", "till-1:receipt-7"), "entry_id_reused")
    assert str(first["seq"]) in message
    refused(cli.acting("payout", "--amount", "1", "--code", "EXP1", "--payee", "Co-op", "--purpose", "Tea",
                       "--id", "till-1:receipt-7", "--as", "alice", pins=ALICE), "entry_id_reused")
    assert head_of(cli.db) == head
    assert limits_row(cli)["used_pence"] == 1250
