"""Reference rules: every check-digit scheme against a good reference, one digit changed and two digits
swapped; masks; the rule as a chained entry; and every act that takes such a reference refusing a bad one."""

from __future__ import annotations

import pytest

from ledger.debtors import parse_debtor_csv
from ledger.references import ReferenceRule, check_reference, passes_check, rules_from
from ledger.refusals import Outcome, Refused

#: scheme -> a reference its check digits make good (python-stdnum's own examples where it has them).
GOOD = {
    "luhn": "79927398713",
    "mod_11_10": "794906",
    "mod_97_10": "3214282912345698765432161182",
    "iso11649": "RF18539007547034",
    "verhoeff": "2363",
    "damm": "5724",
}


def one_digit_changed(reference: str) -> str:
    position = max(index for index, ch in enumerate(reference) if ch.isdigit())
    changed = str((int(reference[position]) + 1) % 10)
    return reference[:position] + changed + reference[position + 1:]


def two_digits_swapped(reference: str) -> str:
    """The first two adjacent, different digits, swapped (the typist's commonest slip)."""
    position = next(index for index in range(len(reference) - 1) if reference[index] != reference[index + 1]
                    and reference[index].isdigit() and reference[index + 1].isdigit())
    return reference[:position] + reference[position + 1] + reference[position] + reference[position + 2:]


@pytest.mark.parametrize("scheme", GOOD)
def test_each_scheme_accepts_a_good_reference_and_refuses_a_changed_digit_and_a_swap(scheme):
    good = GOOD[scheme]
    assert passes_check(scheme, good)
    assert not passes_check(scheme, one_digit_changed(good)), one_digit_changed(good)
    assert not passes_check(scheme, two_digits_swapped(good)), two_digits_swapped(good)


@pytest.mark.parametrize("scheme", GOOD)
def test_each_scheme_as_a_rule_names_itself_when_it_refuses(scheme):
    rule = ReferenceRule("case", r"[A-Z0-9]+", scheme)
    assert rule.problem(GOOD[scheme]) is None
    problem = rule.problem(two_digits_swapped(GOOD[scheme]))
    assert problem == (f"case reference {two_digits_swapped(GOOD[scheme])} fails the check digit of the case "
                       f"reference rule (mask [A-Z0-9]+, check digit {scheme})")


def test_numeric_schemes_read_the_digits_and_the_mask_the_whole_reference():
    rule = ReferenceRule("debtor", r"DR-\d{6}", "luhn")
    assert rule.problem("DR-799270") is None  # 799270 passes Luhn
    assert "fails the check digit" in rule.problem("DR-799271")
    assert "does not fit" in rule.problem("DR-79927")  # five digits: the mask answers first
    assert "does not fit" in rule.problem("dr-799270")  # masks are case-sensitive, as typed
    assert "does not fit" in rule.problem("XDR-799270")  # the whole reference, not a part of it
    assert not passes_check("luhn", "DR-")  # no digits at all never passes a check


def test_a_missing_reference_fits_and_no_rule_means_no_check():
    rules = {"case": ReferenceRule("case", r"CS\d{6}")}
    assert check_reference(rules, "case", None) is None
    assert check_reference(rules, "case", "   ") is None
    assert check_reference(rules, "debtor", "anything at all") is None
    refusal = check_reference(rules, "case", "CS12")
    assert isinstance(refusal, Refused) and refusal.outcome is Outcome.REFERENCE_INVALID
    assert refusal.message == r"case reference CS12 does not fit the case reference rule (mask CS\d{6})"
    with pytest.raises(ValueError):
        check_reference(rules, "bag", "B-1")  # a caller's bug, said loudly


# -- the rule as a chained entry --------------------------------------------------------------------
def test_an_admin_sets_a_rule_and_a_later_one_replaces_it(book):
    first = book.ledger.set_reference_rule(book.adam, "case", r"CS\d{6}", "damm")
    assert first.entry.kind == "reference_rule_set"
    assert first.body == {"type": "case", "mask": r"CS\d{6}", "check": "damm"}
    book.ledger.set_reference_rule(book.adam, "case", r"CS-\d+")
    with book.ledger.store.reading() as reader:
        rules = rules_from(reader)
    assert rules == {"case": ReferenceRule("case", r"CS-\d+", None)}
    book.ledger.store.rebuild()
    with book.ledger.store.reading() as reader:
        assert rules_from(reader) == rules


@pytest.mark.parametrize("ref_type, mask, scheme, words", [
    ("case", r"CS(\d", None, "is not a regular expression"),
    ("case", "", None, "a mask is 1 to 200 characters"),
    ("case", "x" * 201, None, "a mask is 1 to 200 characters"),
    ("case", r"CS\d+", "mod_10", "there is no check-digit scheme mod_10"),
    ("bag", r"B-\d+", None, "there is no reference type bag"),
])
def test_a_bad_rule_is_refused_as_a_setting(book, ref_type, mask, scheme, words):
    with pytest.raises(Refused) as refused:
        book.ledger.set_reference_rule(book.adam, ref_type, mask, scheme)
    assert refused.value.outcome is Outcome.SETTING_INVALID and words in refused.value.message


@pytest.mark.parametrize("mask, words", [
    (r"(A+)+", "repeats a part that itself varies in length"),  # 24 A's and a ! took 0.76 s; 40 would take hours
    (r"CS(\d?)*", "repeats a part that itself varies in length"),
    (r"(?:AB|A)+\d", "repeats a choice of alternatives"),
    (r"(\d)\1\d+", "refers back to a group"),
    (r"\d*\d*\d*\d*\d*X", "has 5 repeats of varying length"),  # 8 of them took 3 s on 40 digits
    ("(A|)" * 40, "has 40 repeats of varying length (*, +, ?, {m,n}) or groups of alternatives"),  # minutes
    ("(?:A|.)" * 5 + "X", "has 5 repeats"),  # 24 of them: 0.36 s, doubling with each one more
    (r"-?-?-?-?-?X", "has 5 repeats"),  # optional characters next to each other are choices
    (r"(?i)a?A?a?A?a?X", "has 5 repeats"),  # a and A are one letter here: not plain separators
])
def test_a_mask_that_could_backtrack_for_minutes_is_refused(book, mask, words):
    """The check runs inside the write lock, with every terminal waiting on it: a mask whose matching can
    explode on some reference is refused when it is set."""
    with pytest.raises(Refused) as refused:
        book.ledger.set_reference_rule(book.adam, "case", mask)
    assert refused.value.outcome is Outcome.SETTING_INVALID and words in refused.value.message


@pytest.mark.parametrize("mask", [r"DR-\d{5}", r"[A-Z]{2}\d{6}[A-D]", r"CASE-[0-9]{4,8}", r"(?:[A-Z]{2}-)+\d+",
                                  r"RF\d{2}[A-Z0-9]{1,21}", r"(?:PO|SO)\d{6}", r"\d+-\d+-\d+-\d+",
                                  r"(?:\d{4}-?){3}\d{4}", r"GB\d{2}-?[A-Z]{4}-?\d{4}-?\d{4}-?\d{4}-?\d{2}",
                                  r"RF\d{2}(?:-?[0-9A-Z]{4}){0,5}(?:-?[0-9A-Z]{1,4})?"])
def test_the_masks_references_need_are_taken(book, mask):
    """Negative control for the guard: fixed repeats inside a repeat, one choice, four varying repeats, and
    optional separators that nothing beside them could match (each matches a 40-character miss in microseconds)."""
    assert book.ledger.set_reference_rule(book.adam, "case", mask).outcome is Outcome.APPENDED


def test_only_an_admin_sets_rules(book):
    with pytest.raises(Refused) as refused:
        book.ledger.set_reference_rule(book.sam, "case", r"CS\d+")
    assert refused.value.outcome is Outcome.ROLE_REQUIRED


# -- every act that takes such a reference today --------------------------------------------------
def refused_reference(call, *args, **kwargs) -> str:
    with pytest.raises(Refused) as refused:
        call(*args, **kwargs)
    assert refused.value.outcome is Outcome.REFERENCE_INVALID, refused.value
    return refused.value.message


def test_the_receipt_reference_case_reference_and_debtor_reference_are_checked(open_book):
    ledger, alice, adam = open_book.ledger, open_book.alice, open_book.adam
    ledger.set_reference_rule(adam, "receipt", r"R\d{6}", "luhn")
    ledger.set_reference_rule(adam, "case", r"CS\d{4}", "verhoeff")
    ledger.set_reference_rule(adam, "debtor", r"DR-\d")
    receipt = dict(amount_pence=100, method="cash", code="INC1", payer="P")
    assert "receipt reference R799271" in refused_reference(ledger.record_receipt, alice, reference="R799271",
                                                            **receipt)
    assert ledger.record_receipt(alice, reference="R799270", **receipt).outcome is Outcome.APPENDED
    assert ledger.record_receipt(alice, **receipt).outcome is Outcome.APPENDED  # no reference: nothing to check
    warrant = dict(recipient="R", journey="A to B", value_pence=100, code="TW1")
    assert "case reference CS2364" in refused_reference(ledger.issue_warrant, alice, case_ref="CS2364", **warrant)
    assert ledger.issue_warrant(alice, case_ref="CS2363", **warrant).outcome is Outcome.APPENDED
    ledger.set_reference_rule(adam, "debtor", r"DR-\d{3}")
    assert "debtor reference DR-1" in refused_reference(ledger.collect_debt, alice, debtor_ref="DR-1",
                                                        amount_pence=100, method="cash")


def test_a_debt_import_names_every_row_whose_reference_breaks_the_rule_and_imports_none(book):
    book.ledger.set_reference_rule(book.adam, "debtor", r"DR-\d{5}", "luhn")
    rows = parse_debtor_csv("debtor_ref,name,amount,code\nDR-79921,A,1.00,INC1\nDR-12345,B,2.00,INC1\n"
                            "DR-1234,C,3.00,INC1\n")
    with pytest.raises(Refused) as refused:
        book.ledger.import_debts(book.adam, rows)
    assert refused.value.outcome is Outcome.CSV_INVALID
    message = refused.value.message
    assert message.startswith("line 3: debtor reference DR-12345 fails the check digit") and "; line 4: " in message
    assert "line 2" not in message
    with book.ledger.store.reading() as reader:
        assert reader.debtor("DR-79921") is None, "a good row of a refused file was imported"
