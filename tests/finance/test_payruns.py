"""Pay runs on a real ledger: cut-offs to the second, the file and its hash, overpayments recovered."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from ledger.refusals import Outcome, Refused
from tests.finance.conftest import RUN1, RUN2, after_cutoff, at, invoice, package

#: RUN1's cut-off, 17:00 on Monday 30 November 2026 in London (GMT), as UTC.
CUTOFF1 = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def authorise_at(fin, item: str, moment: datetime) -> None:
    clock, fin.ledger.clock = fin.ledger.clock, FixedClock(moment)
    try:
        fin.ledger.authorise_item(fin.sam, item)
    finally:
        fin.ledger.clock = clock


def close(fin, run_fields: dict, reason: str | None = "checked") -> dict:
    run = fin.ledger.schedule_payrun(fin.sam, **run_fields).body["run"] if run_fields is RUN1 else run_fields["run"]
    after_cutoff(fin, RUN1)
    return fin.ledger.close_payrun(fin.sam, run, reason).body


def creditors_movement(fin, seq: int) -> int:
    with fin.ledger.store.reading() as reader:
        body = reader.entry(seq).body_dict()
    return sum(p["amount_pence"] for p in body["postings"] if p["account"].startswith("Liabilities:Creditors:"))


def test_authorised_a_second_before_the_cutoff_joins_the_run_a_second_after_waits(fin):
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    fin.ledger.schedule_payrun(fin.sam, **RUN2)
    before = invoice(fin, invoice_no="A-1").body["item"]
    after = invoice(fin, invoice_no="A-2", amount_pence=3300).body["item"]
    authorise_at(fin, before, CUTOFF1 - timedelta(seconds=1))
    authorise_at(fin, after, CUTOFF1.replace(second=1))
    after_cutoff(fin, RUN1)
    plan = fin.ledger.preview_payrun(run)
    assert [line["item"] for line in plan.lines] == [before]
    assert [(note["kind"], note["item"]) for note in plan.exceptions] == [("missed_deadline", after)]
    assert [line["item"] for line in fin.ledger.preview_payrun("PR-0002").lines] == [after]


def test_before_the_cutoff_an_unauthorised_item_is_awaiting_not_late(fin):
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    item = invoice(fin).body["item"]
    assert [n["kind"] for n in fin.ledger.preview_payrun(run).exceptions] == ["awaiting_authorisation"]
    after_cutoff(fin, RUN1)
    notes = fin.ledger.preview_payrun(run).exceptions
    assert [(n["kind"], n["item"]) for n in notes] == [("missed_deadline", item)]


def test_the_exported_file_is_byte_identical_and_its_hash_is_in_the_ledger(fin):
    invoice(fin)
    fin.ledger.authorise_item(fin.sam, "INV-0001")
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    closed = close(fin, RUN1)
    first, second = fin.ledger.export_payrun("PR-0001"), fin.ledger.export_payrun("PR-0001")
    assert first == second
    assert hashlib.sha256(first).hexdigest() == closed["export_sha256"]
    text = first.decode()
    assert text.splitlines()[-1] == "TRAILER,PR-0001,2026-12-04,2,1384.00"  # £120 + 4 weeks at £316


def test_the_runs_total_is_the_creditors_movement_when_it_is_paid(fin):
    invoice(fin)
    fin.ledger.authorise_item(fin.sam, "INV-0001")
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    closed = close(fin, RUN1)
    paid = fin.ledger.mark_paid(fin.sam, "PR-0001", paid_on="2026-12-04")
    assert creditors_movement(fin, paid.seq) == closed["total_pence"] == 138400
    with fin.ledger.store.reading() as reader:
        assert reader.account_balance_pence("Liabilities:Creditors:CAR1") == 0
        assert reader.account_balance_pence("Liabilities:Creditors:PRV1") == 0
        assert reader.account_balance_pence("Assets:Bank") == -138400


def test_a_package_line_crosses_a_birthday_and_a_rate_change_as_one_amount(fin):
    fin.ledger.set_rates(fin.adam, from_date="2026-11-16", weekly_pence={
        "0-2": 20000, "3-4": 20700, "5-10": 22800, "11-15": 26000, "16-17": 30300})
    package(fin, dob="2016-11-09")  # turns 10 on 9 November: still 5-10; 11 a year later
    package(fin, case_ref="CASE-2", dob="2015-11-20")  # turns 11 on 20 November: band 11-15 from that day
    for item in ("PKG-0001", "PKG-0002"):
        fin.ledger.authorise_item(fin.sam, item)
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    lines = {line["item"]: line for line in fin.ledger.preview_payrun(run).lines}
    # PKG-0001: 14 days at 216+100, then 14 days at 228+100
    assert lines["PKG-0001"]["amount_pence"] == round((14 * 31600 + 14 * 32800) / 7)
    # PKG-0002: 2-15 Nov 216+100 (14 days), 16-19 Nov 228+100 (4), 20-29 Nov 260+100 (10)
    exact = (14 * 31600 + 4 * 32800 + 10 * 36000) / 7
    assert lines["PKG-0002"]["amount_pence"] == round(exact)
    assert (lines["PKG-0002"]["first"], lines["PKG-0002"]["last"]) == ("2026-11-02", "2026-11-29")


def test_the_next_run_pays_a_package_from_the_day_after_it_was_paid_to(fin):
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    close(fin, RUN1)
    second = fin.ledger.schedule_payrun(fin.sam, **RUN2).body["run"]
    line = fin.ledger.preview_payrun(second).lines[0]
    assert (line["first"], line["last"], line["amount_pence"]) == ("2026-11-30", "2026-12-06", 31600)


def test_an_end_back_dated_into_a_paid_period_is_recovered_never_below_zero_and_the_rest_is_a_debt(fin):
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    package(fin, case_ref="CASE-2", reward_pence=0)  # the same carer's other child: £216 a week
    fin.ledger.authorise_item(fin.sam, "PKG-0002")
    close(fin, RUN1)  # both paid to 29 November
    ended = fin.ledger.end_package(fin.fay, "PKG-0001", on="2026-11-08", reason="placement ended")
    overpaid = 21 * 31600 // 7  # 9 to 29 November: 21 days at £316 a week = £948
    assert ended.as_json()["overpaid_pence"] == overpaid == 94800
    with fin.ledger.store.reading() as reader:
        assert reader.debtor("OP-PKG-0001")["raised_pence"] == overpaid
    second = fin.ledger.schedule_payrun(fin.sam, **RUN2).body["run"]
    lines = fin.ledger.preview_payrun(second).lines
    assert [(line["kind"], line["amount_pence"]) for line in lines] == [("package", 21600), ("recovery", -21600)]
    after_cutoff(fin, RUN2)
    fin.ledger.close_payrun(fin.sam, second)
    with fin.ledger.store.reading() as reader:
        debtor = reader.debtor("OP-PKG-0001")
    assert debtor["raised_pence"] - debtor["collected_pence"] == overpaid - 21600


def test_an_end_inside_unpaid_days_records_no_overpayment(fin):
    package(fin)
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    ended = fin.ledger.end_package(fin.fay, "PKG-0001", on="2026-11-20", reason="moved on")
    assert "overpaid_pence" not in ended.as_json()
    run = fin.ledger.schedule_payrun(fin.sam, **RUN1).body["run"]
    line = fin.ledger.preview_payrun(run).lines[0]
    assert (line["first"], line["last"]) == ("2026-11-02", "2026-11-20")


def test_a_closed_run_is_final(fin):
    close(fin, RUN1)
    with pytest.raises(Refused) as excinfo:
        fin.ledger.close_payrun(fin.sam, "PR-0001", "again")
    assert excinfo.value.outcome is Outcome.RUN_NOT_OPEN


def test_schedule_refuses_a_cutoff_that_does_not_exist_in_london(fin):
    with pytest.raises(Refused) as excinfo:
        fin.ledger.schedule_payrun(fin.sam, pay_date="2027-03-31", cutoff="2027-03-28 01:30", period_end="2027-03-28")
    assert excinfo.value.outcome is Outcome.TEXT_INVALID and "clocks go forward" in excinfo.value.message


def test_preview_of_a_closed_run_shows_what_was_closed(fin):
    invoice(fin)
    fin.ledger.authorise_item(fin.sam, "INV-0001")
    close(fin, RUN1)
    at(fin, datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc))
    invoice(fin, invoice_no="LATE-1", amount_pence=700)
    fin.ledger.authorise_item(fin.sam, "INV-0002")
    assert [line["item"] for line in fin.ledger.preview_payrun("PR-0001").lines] == ["INV-0001"]


# -- the bank statement pays a run (DESIGN §10) ----------------------------------------------------
def import_debit(fin, reference: str, amount: str) -> dict:
    import io

    from ledger.statement_profiles import load_profiles

    text = f"Date,Description,Reference,Amount,Balance\n2026-11-30,BACS RUN,{reference},-{amount},\n"
    result = fin.ledger.import_statement(fin.sam, io.StringIO(text, newline=""), load_profiles()["generic"])
    with fin.ledger.store.reading() as reader:
        return {"states": dict(result.states), "run": reader.payrun("PR-0001")["state"]}


def closed_with_invoice(fin) -> None:
    invoice(fin)
    fin.ledger.authorise_item(fin.sam, "INV-0001")
    close(fin, RUN1)  # total £120.00


def test_a_statement_debit_naming_the_run_with_its_total_marks_it_paid(fin):
    closed_with_invoice(fin)
    assert import_debit(fin, "CASHDESK PR-0001 PAYMENTS", "120.00") == {"states": {"paid": 1}, "run": "paid"}
    with fin.ledger.store.reading() as reader:
        assert reader.account_balance_pence("Liabilities:Creditors:PRV1") == 0
        assert reader.account_balance_pence("Assets:Bank") == -12000


def test_the_run_id_with_another_amount_or_an_open_run_explains_nothing(fin):
    closed_with_invoice(fin)
    assert import_debit(fin, "PR-0001", "119.99") == {"states": {"unexplained": 1}, "run": "closed"}
    assert import_debit(fin, "PR-00012", "120.00")["run"] == "closed"  # another id, not PR-0001
    fin.ledger.mark_paid(fin.sam, "PR-0001", paid_on="2026-12-04")
    assert import_debit(fin, "PR-0001 again", "120.00") == {"states": {"unexplained": 1}, "run": "paid"}
