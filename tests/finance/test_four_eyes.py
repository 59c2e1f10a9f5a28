"""Four eyes by identity, authorisation limits, and duplicates by each of the three rules."""

from __future__ import annotations

import pytest

from ledger.names import invoice_key
from ledger.refusals import Outcome, Refused
from ledger.service import Actor
from tests.finance.conftest import invoice, package


def outcome_of(call, *args, **kwargs) -> Outcome:
    with pytest.raises(Refused) as excinfo:
        call(*args, **kwargs)
    return excinfo.value.outcome


def add_user(fin, username: str, roles: tuple[str, ...]) -> Actor:
    fin.ledger.add_user(fin.adam, username, roles, "424242")
    return Actor(username, frozenset(roles))


# -- four eyes -----------------------------------------------------------------------------------
def test_the_keyer_cannot_authorise_their_own_item_but_another_supervisor_can(fin):
    keyer = add_user(fin, "kit", ("finance", "supervisor"))
    fin.ledger.set_setting(fin.adam, "authorisation_limit_pence", 5_000_000, user="kit")
    item = invoice(fin, who="fay").body["item"]
    own = fin.ledger.key_payment(keyer, payee="CAR1", amount_pence=5000, code="EXP1", reason="Birthday").body["item"]
    assert outcome_of(fin.ledger.authorise_item, keyer, own) is Outcome.OWN_ENTRY
    assert outcome_of(fin.ledger.reject_item, keyer, own, "no") is Outcome.OWN_ENTRY
    assert fin.ledger.authorise_item(fin.sam, own).body["postings"]
    assert fin.ledger.authorise_item(keyer, item).outcome is Outcome.APPENDED  # keyed by fay, not kit


def test_whoever_keyed_a_change_or_an_end_cannot_authorise_the_package_or_its_changes(fin):
    changer = add_user(fin, "cas", ("finance", "supervisor"))
    fin.ledger.set_setting(fin.adam, "authorisation_limit_pence", 5_000_000, user="cas")
    package(fin, who="fay")
    change = fin.ledger.change_package(changer, "PKG-0001", from_date="2026-12-07", reward_pence=12000,
                                       reason="skills level 2").body["item"]
    assert outcome_of(fin.ledger.authorise_item, changer, "PKG-0001") is Outcome.OWN_ENTRY
    assert outcome_of(fin.ledger.authorise_item, changer, change) is Outcome.OWN_ENTRY
    fin.ledger.authorise_item(fin.sam, "PKG-0001")
    ender = add_user(fin, "eve", ("finance", "supervisor"))
    fin.ledger.end_package(ender, "PKG-0001", on="2027-06-30", reason="placement plan")
    assert outcome_of(fin.ledger.authorise_item, ender, change) is Outcome.OWN_ENTRY
    assert fin.ledger.authorise_item(fin.sam, change).outcome is Outcome.APPENDED


def test_a_finance_officer_without_the_supervisor_role_cannot_authorise(fin):
    item = invoice(fin, who="fay").body["item"]
    assert outcome_of(fin.ledger.authorise_item, fin.finn, item) is Outcome.ROLE_REQUIRED


def test_the_limit_is_the_authorisers_own_and_exactly_the_limit_is_allowed(fin):
    fin.ledger.set_setting(fin.adam, "authorisation_limit_pence", 12000, user="tess")
    exact = invoice(fin, amount_pence=12000).body["item"]
    over = invoice(fin, invoice_no="B-7", invoice_date="2026-10-01", amount_pence=12001).body["item"]
    assert fin.ledger.authorise_item(fin.tess, exact).body["limit_pence"] == 12000
    assert outcome_of(fin.ledger.authorise_item, fin.tess, over) is Outcome.AUTHORISATION_LIMIT_EXCEEDED
    assert fin.ledger.authorise_item(fin.sam, over).outcome is Outcome.APPENDED


def test_a_package_counts_at_52_weeks_or_to_its_end(fin):
    package(fin)
    package(fin, case_ref="CASE-2", end="2026-11-29")
    with fin.ledger.store.reading() as reader:
        from ledger.packages import item_cost_pence

        full, short = item_cost_pence(reader, reader.item("PKG-0001")), item_cost_pence(reader, reader.item("PKG-0002"))
    assert full == 52 * (21600 + 10000)  # aged 9 to 10: band 5-10 all year
    assert short == 4 * (21600 + 10000)  # 2 to 29 November: exactly four weeks


# -- duplicates ----------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["inv42", "INV 0042", "Inv-42", "inv/000042"])
def test_invoice_numbers_are_compared_normalised(typed):
    assert invoice_key(typed) == invoice_key("INV-0042")


def test_numbers_that_differ_are_not_the_same_invoice():
    assert invoice_key("INV-420") != invoice_key("INV-42")
    assert invoice_key("INV-4-2") == invoice_key("INV-42")  # separators never count


def test_same_payee_and_number_at_any_date_is_a_duplicate(fin):
    invoice(fin)
    message = str(pytest.raises(Refused, invoice, fin, invoice_no="inv42", invoice_date="2024-01-01",
                                amount_pence=99).value)
    assert "possible_duplicate" in message and "INV-0001" in message and "same payee and invoice number" in message


def test_same_number_and_amount_under_another_payee_is_a_duplicate(fin):
    invoice(fin, payee="PRV1")
    refused = pytest.raises(Refused, invoice, fin, payee="CAR2").value
    assert refused.outcome is Outcome.POSSIBLE_DUPLICATE and "under payee PRV1" in refused.message
    assert invoice(fin, payee="CAR2", amount_pence=12001).outcome is Outcome.APPENDED  # another amount: not caught


def test_same_payee_and_amount_within_fourteen_days_is_a_duplicate(fin):
    invoice(fin, invoice_date="2026-11-01")
    refused = pytest.raises(Refused, invoice, fin, invoice_no="X-1", invoice_date="2026-11-15").value
    assert refused.outcome is Outcome.POSSIBLE_DUPLICATE and "within 14 days" in refused.message
    assert invoice(fin, invoice_no="X-2", invoice_date="2026-11-16").outcome is Outcome.APPENDED  # 15 days


def test_a_confirmed_duplicate_is_keyed_and_shown_to_the_authoriser(fin):
    invoice(fin)
    posted = invoice(fin, invoice_no="inv42", confirm_duplicate="re-issued after a credit note")
    assert posted.body["duplicate_of"] == "INV-0001"
    exceptions = fin.ledger.authorise_item(fin.sam, posted.body["item"]).body["exceptions"]
    assert [note["kind"] for note in exceptions] == ["confirmed_duplicate"]
    assert "re-issued after a credit note" in exceptions[0]["message"]


def test_a_rejected_invoice_does_not_block_its_correction(fin):
    item = invoice(fin).body["item"]
    fin.ledger.reject_item(fin.sam, item, "wrong cost code")
    assert invoice(fin, code="FOST").outcome is Outcome.APPENDED


def test_an_abnormal_amount_is_an_exception_for_the_authoriser(fin):
    for number in range(10):
        invoice(fin, invoice_no=f"N-{number}", invoice_date=f"2026-0{1 + number % 9}-01",
                amount_pence=10000 + number * 10, confirm_duplicate="monthly respite invoice")
    usual = invoice(fin, invoice_no="N-10", amount_pence=10050, confirm_duplicate="monthly").body["item"]
    high = invoice(fin, invoice_no="N-11", amount_pence=90000, confirm_duplicate="monthly").body["item"]
    kinds = lambda item: [n["kind"] for n in fin.ledger.authorise_item(fin.sam, item).body["exceptions"]]
    assert "abnormal_amount" not in kinds(usual)
    assert "abnormal_amount" in kinds(high)


def test_a_creditor_number_is_held_once_and_alike_names_are_an_exception(fin):
    fin.ledger.add_payee(fin.fay, "CAR3", name="jo  CARER", kind="carer", creditor="C0009")
    item = fin.ledger.key_payment(fin.fay, payee="CAR3", amount_pence=2500, code="EXP1", reason="Festival").body["item"]
    notes = fin.ledger.authorise_item(fin.sam, item).body["exceptions"]
    assert [note["kind"] for note in notes] == ["payee_name_alike"] and "CAR1" in notes[0]["message"]


# -- reference rules (DESIGN §10) reach the finance desk -------------------------------------------
def test_payee_creditor_and_case_references_follow_the_admins_rules(fin):
    fin.ledger.set_reference_rule(fin.adam, "payee", r"(CAR|PRV)\d+")
    fin.ledger.set_reference_rule(fin.adam, "creditor", r"C\d{4}", "luhn")
    fin.ledger.set_reference_rule(fin.adam, "case", r"CASE-\d+")
    for payee, creditor in (("CARER-9", "C0042"), ("CAR9", "C0043")):
        refused = pytest.raises(Refused, fin.ledger.add_payee, fin.fay, payee, name="Kim", kind="carer",
                                creditor=creditor).value
        assert refused.outcome is Outcome.REFERENCE_INVALID
    assert fin.ledger.add_payee(fin.fay, "CAR9", name="Kim", kind="carer", creditor="C0042").outcome is Outcome.APPENDED
    refused = pytest.raises(Refused, fin.ledger.key_payment, fin.fay, payee="CAR9", amount_pence=100, code="EXP1",
                            reason="Festival", case_ref="CH-1").value
    assert refused.outcome is Outcome.REFERENCE_INVALID
    assert fin.ledger.key_payment(fin.fay, payee="CAR9", amount_pence=100, code="EXP1", reason="Festival",
                                  case_ref="CASE-1").outcome is Outcome.APPENDED
