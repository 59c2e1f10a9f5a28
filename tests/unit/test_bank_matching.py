"""Matching statement lines to bags: by the bag number in the reference and the exact amount, never by
the amount alone; the same statement twice adds nothing; mismatches resolved by another supervisor;
and the seam where the pay run's matcher plugs in."""

from __future__ import annotations

import io

import pytest
from bank_support import bag_state, balances, banked, generic_csv, import_csv
from book_support import TODAY

from ledger.bank_reconcile import ImportedLine, bag_named
from ledger.book import Ledger
from ledger.refusals import Outcome, Refused
from ledger.statement_profiles import load_profiles


def head(book) -> int:
    with book.ledger.store.reading() as reader:
        return reader.head()[0]


def kinds_after(book, seq: int) -> list[str]:
    with book.ledger.store.reading() as reader:
        return [entry.kind for entry in reader.iter_entries() if entry.seq > seq]


def test_an_exact_match_confirms_the_bag_and_moves_it_to_the_bank(book):
    banked(book, book.alice, 1250, "B-1")
    before = head(book)
    result = import_csv(book, generic_csv((TODAY, "PAYIN", "B-1", "12.50", "1012.50")))
    assert result.as_json() == {"outcome": "imported", "imported": 1, "already_present": 0, "confirmed": 1,
                                "mismatched": 0, "unexplained": 0}
    assert kinds_after(book, before) == ["statement_line_imported", "banking_confirmed"]
    assert bag_state(book, "B-1") == "confirmed"
    assert balances(book)["Assets:Bank"] == 1250 and "Assets:CashInTransit" not in balances(book)


def test_the_bag_number_with_another_amount_is_a_mismatch_and_posts_nothing(book):
    banked(book, book.alice, 1250, "B-1")
    before = balances(book)
    result = import_csv(book, generic_csv((TODAY, "PAYIN", "B-1", "12.00", "")))
    assert (result.states["mismatched"], result.states["confirmed"]) == (1, 0)
    assert bag_state(book, "B-1") == "mismatched"
    assert balances(book) == before, "a mismatch moved money before a supervisor resolved it"


def test_two_bags_of_the_same_amount_never_cross_match(book):
    banked(book, book.alice, 1250, "B-1")
    banked(book, book.bob, 1250, "B-12")
    result = import_csv(book, generic_csv((TODAY, "PAYIN", "B-12", "12.50", "")))
    assert result.states["confirmed"] == 1
    assert (bag_state(book, "B-1"), bag_state(book, "B-12")) == ("in_transit", "confirmed")
    with book.ledger.store.reading() as reader:
        assert reader.statement_lines()[0]["bag"] == "B-12"


def test_a_line_with_no_bag_is_unexplained_even_when_its_amount_matches_a_bag(book):
    banked(book, book.alice, 1250, "B-1")
    result = import_csv(book, generic_csv((TODAY, "CASH CREDIT", "COUNTER", "12.50", "")))
    assert result.states == {"unexplained": 1}
    assert bag_state(book, "B-1") == "in_transit"
    with book.ledger.store.reading() as reader:
        assert [line["state"] for line in reader.statement_lines()] == ["unexplained"]


def test_the_same_statement_twice_adds_nothing_and_an_overlapping_one_only_its_new_lines(book):
    banked(book, book.alice, 1250, "B-1")
    banked(book, book.bob, 700, "B-2")
    first = generic_csv((TODAY, "PAYIN", "B-1", "12.50", "112.50"), (TODAY, "FEE", "", "-1.00", "111.50"))
    import_csv(book, first)
    before = head(book)
    again = import_csv(book, first)
    assert again.as_json()["imported"] == 0 and again.already_present == 2
    assert head(book) == before
    overlapping = first + f"{TODAY},PAYIN,B-2,7.00,118.50\n"
    later = import_csv(book, overlapping)
    assert (later.already_present, later.imported, later.states["confirmed"]) == (2, 1, 1)


def test_lines_without_a_balance_are_told_apart_by_occurrence_across_imports(book):
    twice = generic_csv((TODAY, "FEE", "", "-1.00"), (TODAY, "FEE", "", "-1.00"))
    assert import_csv(book, twice).imported == 2
    assert import_csv(book, twice).imported == 0
    assert import_csv(book, twice + f"{TODAY},FEE,,-1.00,\n").imported == 1


@pytest.mark.parametrize("reference", ["CASH PAYIN B-1 RIVERSIDE", "PAYIN/B-1/RIV", "REF:b-1", "B-1-RIVERSIDE",
                                       "(B-1)"])
def test_a_bag_number_inside_other_text_is_found(book, reference):
    banked(book, book.alice, 1250, "B-1")
    assert import_csv(book, generic_csv((TODAY, "PAYIN", f'"{reference}"', "12.50", ""))).states["confirmed"] == 1


@pytest.mark.parametrize("reference", ["B-10", "XB-1", "B-1X", "B1", "B - 1"])
def test_a_bag_number_is_never_found_inside_a_longer_word(book, reference):
    banked(book, book.alice, 1250, "B-1")
    assert import_csv(book, generic_csv((TODAY, "PAYIN", f'"{reference}"', "12.50", ""))).states == {
        "unexplained": 1}


def test_a_reference_naming_two_bags_names_neither(book):
    banked(book, book.alice, 1250, "B-1")
    banked(book, book.bob, 1250, "B-2")
    assert import_csv(book, generic_csv((TODAY, "PAYIN", "B-1 B-2", "25.00", ""))).states == {"unexplained": 1}
    assert (bag_state(book, "B-1"), bag_state(book, "B-2")) == ("in_transit", "in_transit")


def test_bag_named_prefers_the_longer_bag_and_ignores_case():
    bags = {"7": {"bag": "7"}, "bag-7": {"bag": "BAG-7"}, "b-1": {"bag": "B-1"}}
    assert bag_named("PAYIN BAG-7", bags)["bag"] == "BAG-7"
    assert bag_named("payin bag-7 and b-1", bags) is None
    assert bag_named("ref 7", bags)["bag"] == "7"
    assert bag_named(None, bags) is None


def test_a_debit_naming_a_bag_and_a_second_credit_for_a_confirmed_bag_are_unexplained(book):
    banked(book, book.alice, 1250, "B-1")
    result = import_csv(book, generic_csv((TODAY, "REVERSAL", "B-1", "-12.50", "100.00"),
                                          (TODAY, "PAYIN", "B-1", "12.50", "112.50"),
                                          (TODAY, "PAYIN AGAIN", "B-1", "12.50", "125.00")))
    assert result.states == {"unexplained": 2, "confirmed": 1}


# -- resolving a mismatch ------------------------------------------------------------------------------
@pytest.mark.parametrize("statement_amount, variance_account, variance_pence", [
    ("12.00", "Expenses:BankingVariance", 50), ("13.00", "Income:BankingVariance", -50)])
def test_a_mismatch_is_resolved_with_the_difference_to_banking_variance(book, statement_amount,
                                                                         variance_account, variance_pence):
    banked(book, book.alice, 1250, "B-1")
    import_csv(book, generic_csv((TODAY, "PAYIN", "B-1", statement_amount, "")))
    posted = book.ledger.resolve_banking(book.tess, bag="B-1", reason="Bank's count differs; slip attached")
    assert posted.body["variance_pence"] == -variance_pence
    assert sum(posting["amount_pence"] for posting in posted.body["postings"]) == 0
    assert bag_state(book, "B-1") == "resolved"
    after = balances(book)
    assert after["Assets:Bank"] == 1250 - variance_pence and after[variance_account] == variance_pence
    assert "Assets:CashInTransit" not in after
    with book.ledger.store.reading() as reader:
        assert [line["state"] for line in reader.statement_lines()] == ["resolved"]


def test_nobody_resolves_a_bag_they_banked_or_their_own_takings(book):
    banked(book, book.alice, 1250, "B-1")
    banked(book, book.tess, 900, "B-2")
    import_csv(book, generic_csv((TODAY, "PAYIN", "B-1", "12.00", ""), (TODAY, "PAYIN", "B-2", "8.00", "")))
    for supervisor, bag, words in ((book.sam, "B-1", "sam banked bag B-1"),
                                   (book.tess, "B-2", "tess took the takings in bag B-2")):
        with pytest.raises(Refused) as refused:
            book.ledger.resolve_banking(supervisor, bag=bag, reason="short")
        assert refused.value.outcome is Outcome.OWN_ENTRY and refused.value.message.startswith(words)
    with pytest.raises(Refused) as no_reason:
        book.ledger.resolve_banking(book.tess, bag="B-1", reason="  ")
    assert no_reason.value.outcome is Outcome.TEXT_INVALID
    with pytest.raises(Refused) as an_officer:
        book.ledger.resolve_banking(book.alice, bag="B-1", reason="short")
    assert an_officer.value.outcome is Outcome.ROLE_REQUIRED


def test_only_a_supervisor_imports_and_a_refused_import_writes_nothing(book):
    before = head(book)
    with pytest.raises(Refused) as refused:
        import_csv(book, generic_csv((TODAY, "PAYIN", "B-1", "12.50", "")), actor=book.alice)
    assert refused.value.outcome is Outcome.ROLE_REQUIRED and head(book) == before


def test_who_is_acting_is_checked_before_the_file_is_read(book, tmp_path):
    with pytest.raises(Refused) as refused:
        book.ledger.import_statement(book.alice, str(tmp_path / "missing.csv"), load_profiles()["generic"])
    assert refused.value.outcome is Outcome.ROLE_REQUIRED


# -- the seam for the pay run's matcher ----------------------------------------------------------------
class LedgerWithAnotherMatcher(Ledger):
    """What the pay run (issue 9) will do: explain a debit by appending its own entry in the import."""

    offered: list[ImportedLine] = []

    def line_matchers(self):
        return (self.match_debit,)

    def match_debit(self, writer, actor, imported: ImportedLine):
        self.offered.append(imported)
        if imported.line.amount_pence < 0 and "RUN-1" in (imported.line.reference or ""):
            self._append(writer, "setting_changed", actor.username, self.london_date(),
                         {"key": "idle_lock_seconds", "value": 600})
            return "paid"
        return None


def test_a_line_no_bag_explains_is_offered_to_the_other_matchers(book):
    banked(book, book.alice, 1250, "B-1")
    book.ledger.close()
    ledger = LedgerWithAnotherMatcher.open(book.path, clock=book.clock, terminal="test:t1")
    try:
        text = generic_csv((TODAY, "PAYIN", "B-1", "12.50", ""), (TODAY, "PAY RUN", "RUN-1", "-100.00", ""),
                           (TODAY, "CHARGES", "NOV", "-1.00", ""))
        result = ledger.import_statement(book.sam, io.StringIO(text, newline=""), load_profiles()["generic"])
        assert result.as_json() == {"outcome": "imported", "imported": 3, "already_present": 0, "confirmed": 1,
                                    "mismatched": 0, "unexplained": 1, "paid": 1}
        assert [offered.line.reference for offered in ledger.offered] == ["RUN-1", "NOV"]
        with ledger.store.reading() as reader:
            kinds = [entry.kind for entry in reader.iter_entries()][-5:]
        assert kinds == ["statement_line_imported", "banking_confirmed", "statement_line_imported",
                         "setting_changed", "statement_line_imported"]
    finally:
        ledger.close()
