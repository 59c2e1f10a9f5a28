"""End of day through the real `cashdesk`: the blind count, the supervisor's list, every sign-off refusal,
the anchor and its log, recount, the closed day, banking, and the reports in every format.

Set-up that is not under test (sessions, receipts) goes through the service layer on the same file,
to keep the number of processes down; every act under test is a real `cashdesk` run.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from cli_support import BOOK_DATE, answer, appended, failed, head_of, ok, pins, refused
from book_support import START
from ledger import reports
from ledger.location import sidecar_path


def cash(pence: int) -> dict[int, int]:
    notes, rest = divmod(pence, 1000)
    return {value: n for value, n in ((1000, notes), (100, rest // 100), (1, rest % 100)) if n}


def take(book, who, pence: int, method: str = "cash"):
    return book.ledger.record_receipt(getattr(book, who), amount_pence=pence, method=method, code="INC1",
                                      payer="J Smith")


def declare(book, who, pence: int, cheques: int = 0):
    return book.ledger.declare_count(getattr(book, who), denominations=cash(pence), cheques_counted=cheques)


def signoff(cli, officer: str, supervisor: str = "sam", *extra: str, date: str = BOOK_DATE):
    return cli.acting("signoff", "--officer", officer, "--date", date, "--as", supervisor, *extra,
                      pins=pins(supervisor))


def bank(cli, officer: str, bag: str, *extra: str):
    return cli.acting("bank", "--officer", officer, "--date", BOOK_DATE, "--bag", bag, "--as", "sam", *extra,
                      pins=pins("sam"))


def head(book) -> tuple[int, str]:
    with book.ledger.store.reading() as reader:
        return reader.head()


def body_at(book, seq: int) -> dict:
    """An entry's body, read from the same file (cheaper than another `cashdesk export`)."""
    with book.ledger.store.reading() as reader:
        return reader.entry(seq).body_dict()


# -- the count --------------------------------------------------------------------------
def test_the_count_is_blind_in_text_and_in_json(open_book, cli):
    take(open_book, "alice", 1234)                       # £62.34 expected: never shown
    open_book.ledger.open_session(open_book.bob, 3000)
    take(open_book, "bob", 777)                          # £37.77 expected: never shown
    plain = ok(cli.acting("count", "--notes", "20x3", "--coins", "100x2", "--as", "alice", pins=pins("alice")))
    as_json = ok(cli.acting("count", "--notes", "10x3", "--as", "bob", "--json", pins=pins("bob")))
    assert "count_declared" in plain.stdout
    assert set(json.loads(as_json.stdout)) == {"outcome", "seq", "entry_id"}
    for shown, expected_pence in ((plain.stdout, 6234), (as_json.stdout, 3777)):
        pounds = f"{expected_pence // 100}.{expected_pence % 100:02d}"
        assert str(expected_pence) not in shown and pounds not in shown
        assert "expected" not in shown and "variance" not in shown


def test_counts_lists_the_days_waiting_oldest_first_with_expected_against_counted(book, cli):
    L = book.ledger

    def on(day: int):
        book.clock.now = START + timedelta(days=day)

    on(-4)
    L.open_session(book.tess, 1000)
    declare(book, "tess", 1000)
    L.sign_off(book.sam, officer="tess", business_date="2026-11-19")      # signed off: not waiting
    on(-3)
    L.open_session(book.alice, 5000)
    take(book, "alice", 1000)
    declare(book, "alice", 5900)
    on(-2)
    L.open_session(book.bob, 3000)                                        # still open: no figures
    on(0)
    L.open_session(book.alice, 5000)
    take(book, "alice", 234)
    declare(book, "alice", 5234)
    L.open_session(book.tess, 2000)
    declare(book, "tess", 2050)

    rows = answer(cli.acting("counts", "--as", "sam", "--format", "json", pins=pins("sam")))
    assert [(row["business_date"], row["officer"], row["state"]) for row in rows] == [
        ("2026-11-20", "alice", "counted"), ("2026-11-21", "bob", "open"),
        ("2026-11-23", "alice", "counted"), ("2026-11-23", "tess", "counted")]
    figures = [(r.get("cash_pence_expected"), r.get("cash_pence_counted"), r.get("cash_pence_variance")) for r in rows]
    assert figures == [(6000, 5900, -100), (None, None, None), (5234, 5234, 0), (2000, 2050, 50)]

    as_tess = {(row["business_date"], row["officer"]): row
               for row in answer(cli.acting("counts", "--as", "tess", "--format", "json", pins=pins("tess")))}
    assert "cash_pence_expected" not in as_tess[("2026-11-23", "tess")]      # her own count stays blind
    assert as_tess[("2026-11-20", "alice")]["cash_pence_expected"] == 6000


# -- sign-off ---------------------------------------------------------------------------
def test_every_signoff_refusal_then_the_anchor_and_its_log_line(open_book, cli):
    L = open_book.ledger
    L.open_session(open_book.tess, 1000)
    L.open_session(open_book.bob, 3000)
    take(open_book, "bob", 500)
    declare(open_book, "bob", 3000)                                      # £5.00 short
    declare(open_book, "tess", 1000)                                     # tess counts her own day
    before = head(open_book)

    assert "tess" in refused(signoff(cli, "tess", "tess"), "own_entry")
    assert "alice" in refused(signoff(cli, "alice"), "not_counted")
    assert "£5.00 short" in refused(signoff(cli, "bob"), "variance_reason_required")
    assert head(open_book) == before

    signed = appended(signoff(cli, "bob", "sam", "--reason", "Counted twice, not found", "--json"))
    assert signed["anchor"] == head_of(cli.db) == f"{signed['seq']}:{head(open_book)[1]}"
    assert body_at(open_book, signed["seq"])["cash_pence_variance"] == -500
    log = sidecar_path(cli.db, ".anchors").read_text().splitlines()
    assert log[-1].startswith(signed["anchor"] + "\t")
    assert log[-1].split("\t")[1:4] == [BOOK_DATE, "bob", "sam"]

    assert "already signed off" in refused(signoff(cli, "bob", "sam", "--reason", "again"), "day_closed")
    assert len(sidecar_path(cli.db, ".anchors").read_text().splitlines()) == len(log)


def test_a_recount_then_a_new_count_is_signed_off_and_the_day_takes_no_more(book, cli):
    # The CLI's clock is the wall clock: put the day on today's date so that the closed day is the
    # officer's today (a later day would rightly answer no_open_session instead).
    book.clock.now = datetime.now(timezone.utc)
    day = book.ledger.london_date()
    book.ledger.open_session(book.alice, 5000)
    take(book, "alice", 1234)
    declare(book, "alice", 6000)
    appended(cli.acting("recount", "--officer", "alice", "--date", day, "--reason", "Count the coins again",
                        "--as", "sam", "--json", pins=pins("sam")))
    appended(cli.acting("count", "--notes", "20x3", "--coins", "200x1,10x3,2x2", "--as", "alice", "--json",
                        pins=pins("alice")))
    signed = appended(signoff(cli, "alice", "sam", "--json", date=day))
    body = body_at(book, signed["seq"])
    assert (body["cash_pence_expected"], body["cash_pence_counted"], body["cash_pence_variance"]) == (6234, 6234, 0)
    late = cli.acting("receipt", "--amount", "1.00", "--method", "cash", "--code", "INC1", "--payer", "Late Payer",
                      "--as", "alice", pins=pins("alice"))
    assert day in refused(late, "day_closed")
    assert head(book)[0] == signed["seq"]


# -- banking ----------------------------------------------------------------------------
def test_banking_only_after_sign_off_only_once_and_one_bag_once(open_book, cli):
    L = open_book.ledger
    take(open_book, "alice", 1234)
    declare(open_book, "alice", 6234)
    assert "not signed off" in refused(bank(cli, "alice", "BAG-7"), "not_signed_off")
    L.sign_off(open_book.sam, officer="alice", business_date=BOOK_DATE)

    banked = appended(bank(cli, "alice", "BAG-7", "--json"))
    body = body_at(open_book, banked["seq"])
    assert (body["amount_pence"], body["float_pence"], body["bag"]) == (1234, 5000, "BAG-7")
    assert sorted((p["account"], p["amount_pence"]) for p in body["postings"]) == [
        ("Assets:CashInTransit", 1234), ("Assets:Safe", 5000), ("Assets:Till:alice", -6234)]
    with L.store.reading() as reader:
        assert reader.account_balance_pence("Assets:Till:alice", BOOK_DATE) == 0

    assert str(banked["seq"]) in refused(bank(cli, "alice", "BAG-8"), "already_banked")
    L.open_session(open_book.bob, 3000)
    take(open_book, "bob", 500)
    declare(open_book, "bob", 3500)
    L.sign_off(open_book.tess, officer="bob", business_date=BOOK_DATE)
    before = head(open_book)
    assert "BAG-7" in refused(bank(cli, "bob", "BAG-7"), "bag_used")
    assert head(open_book) == before


# -- reports ----------------------------------------------------------------------------
@pytest.fixture
def closed_day(open_book):
    """alice's whole day: money of every kind, a spoiled form, counted, signed off and banked."""
    L, b = open_book.ledger, open_book
    take(b, "alice", 1234)
    take(b, "alice", 2000, "cheque")
    L.collect_debt(b.alice, debtor_ref="DR-1", amount_pence=1500, method="cash")
    L.record_payout(b.alice, amount_pence=300, code="EXP1", payee="Co-op", purpose="Tea")
    L.issue_warrant(b.alice, recipient="Ms T Ojo", journey="Leeds to York", value_pence=800, code="TW1")
    L.spoil_warrant(b.alice, serial=1003, reason="torn")
    declare(b, "alice", 7400, cheques=1)
    L.sign_off(b.sam, officer="alice", business_date=BOOK_DATE, reason="34p short")
    L.bank(b.sam, officer="alice", business_date=BOOK_DATE, bag="BAG-1")
    return b


LIBRARY = {
    "daily": lambda store: reports.daily(store, BOOK_DATE),
    "reconciliation": lambda store: reports.reconciliation(store, BOOK_DATE),
    "limits": lambda store: reports.limits(store, BOOK_DATE),
    "warrants": reports.warrants,
    "debtors": reports.debtors,
    "income": lambda store: reports.income(store, BOOK_DATE, BOOK_DATE),
}


@pytest.mark.parametrize("name", LIBRARY)
def test_report_as_json_is_a_list_of_the_reports_rows(closed_day, cli, name):
    rows = answer(cli("report", name, "--date", BOOK_DATE, "--format", "json"))
    assert isinstance(rows, list) and rows and all(isinstance(row, dict) for row in rows)
    assert rows == json.loads(json.dumps(LIBRARY[name](closed_day.ledger.store)))


def test_report_as_csv_has_a_header_and_one_line_per_row(closed_day, cli):
    text = ok(cli("report", "daily", "--date", BOOK_DATE, "--format", "csv")).stdout
    parsed = list(csv.reader(io.StringIO(text)))
    library = reports.daily(closed_day.ledger.store, BOOK_DATE)
    assert parsed[0] == list(library[0])
    assert len(parsed) == 1 + len(library)
    assert [int(line[parsed[0].index("seq")]) for line in parsed[1:]] == [row["seq"] for row in library]


def test_daily_report_and_sign_off_slip_as_pdf(closed_day, cli, tmp_path):
    daily_pdf, slip_pdf = tmp_path / "daily.pdf", tmp_path / "slip.pdf"
    ok(cli("report", "daily", "--date", BOOK_DATE, "--format", "pdf", "-o", str(daily_pdf)))
    ok(cli("report", "slip", "--officer", "alice", "--date", BOOK_DATE, "--format", "pdf", "-o", str(slip_pdf)))
    for pdf in (daily_pdf, slip_pdf):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 500


def test_a_pdf_needs_an_output_file(closed_day, cli, tmp_path):
    line = failed(cli("report", "daily", "--date", BOOK_DATE, "--format", "pdf"), 2)
    assert "--output" in line
