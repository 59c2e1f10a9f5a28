"""The banking desk by keys: the bags and the lines nothing explains, a statement imported by path, a bad
file refused in words, a mismatch resolved by a second supervisor (never by the one who banked it); and
the counter's forms refusing a reference as it is typed."""

from __future__ import annotations

import pytest

from console.app import CashdeskApp
from console.desk import Desk
from ledger.bank_demo import import_demo_statement
from ledger.book import Ledger
from ledger.service import Actor, SeededIds
from screens.forms.receipt import ReceiptForm
from screens.forms.warrant import WarrantForm
from screens.supervisor import SupervisorHome
from screens.supervisor_banking import BankingScreen
from screens.supervisor_banking_dialogs import ImportStatementDialog, ResolveDialog
from console_support import SIZE, FixedClock, settle, sign_in

TODAY = "2026-11-23"
ADAM = Actor("adam", frozenset({"admin"}))
ALICE = Actor("alice", frozenset({"officer"}))
SAM = Actor("sam", frozenset({"supervisor"}))


@pytest.fixture(autouse=True)
def demo_statement(demo_db):
    """The statement `cashdesk demo` imports: two bags confirmed a day after banking, one inside other
    words, the fourth bag £1.00 short; the last day's two bags in transit; a credit and a debit unexplained."""
    with service(demo_db) as ledger:
        import_demo_statement(ledger, SAM)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def service(db) -> Ledger:
    return Ledger.open(db, clock=FixedClock(), terminal="test:setup")


def in_transit(db) -> list[dict]:
    with service(db) as ledger, ledger.store.reading() as reader:
        return reader.bags_in_transit()


def head(db) -> int:
    with service(db) as ledger, ledger.store.reading() as reader:
        return reader.head()[0]


def bag_state(db, bag: str) -> str:
    with service(db) as ledger, ledger.store.reading() as reader:
        return reader.bank_bag(bag)["state"]


async def open_banking(pilot, user: str = "sam", pin: str = "333333") -> None:
    await sign_in(pilot, user, pin)
    assert isinstance(pilot.app.screen, SupervisorHome)
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BankingScreen)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


async def test_the_desk_shows_the_bags_and_the_lines_nothing_explains(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_banking(pilot)
        bags = app.screen.query_one("#bags")
        assert bags.row_count == 6 and "mismatch" in [str(cell) for cell in bags.get_row_at(0)]
        assert app.screen.query_one("#unexplained").row_count == 2
        assert text_of(app, "#bags-title") == "Bags: 2 in transit (0 late), 1 mismatched, 3 confirmed, 0 resolved"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorHome)


async def test_a_statement_imported_by_path_confirms_the_bags_it_names(app, demo_db, tmp_path):
    bags = in_transit(demo_db)
    rows = [f"{TODAY},PAYING-IN,{bag['bag']},{bag['amount_pence'] // 100}.{bag['amount_pence'] % 100:02d},"
            for bag in bags]
    statement = tmp_path / "statement.csv"
    statement.write_text("Date,Description,Reference,Amount,Balance\r\n" + "\r\n".join(rows) + "\r\n")
    async with app.run_test(size=SIZE) as pilot:
        await open_banking(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportStatementDialog)
        await type_text(pilot, str(statement))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BankingScreen)
        assert text_of(app, "#banking-message") == (
            "2 statement lines imported (0 already present): 2 confirmed, 0 mismatched, 0 unexplained.")
        assert text_of(app, "#bags-title").startswith("Bags: 0 in transit (0 late), 1 mismatched, 5 confirmed")
    assert [bag_state(demo_db, bag["bag"]) for bag in bags] == ["confirmed", "confirmed"]


async def test_a_bad_statement_is_refused_in_words_and_the_dialog_stays(app, demo_db, tmp_path):
    statement = tmp_path / "bad.csv"
    statement.write_text(f"Date,Description,Reference,Amount,Balance\n{TODAY},X,R,1.00,\n{TODAY},X,R,lots,\n")
    async with app.run_test(size=SIZE) as pilot:
        await open_banking(pilot)
        before = head(demo_db)  # after sam's sign-in entry
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(statement))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportStatementDialog)
        assert text_of(app, "#import-message") == "Refused: line 3: amount 'lots' is not an amount in pounds."
        await pilot.press("backspace", *"missing.csv", "ctrl+s")
        await settle(pilot)
        assert "no file" in text_of(app, "#import-message")
        assert head(demo_db) == before


async def test_the_supervisor_who_banked_a_bag_cannot_resolve_it_a_second_one_can(app, demo_db):
    with service(demo_db) as ledger:
        ledger.add_user(ADAM, "una", ("supervisor",), "999999")
    async with app.run_test(size=SIZE) as pilot:
        await open_banking(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ResolveDialog)
        assert text_of(app, "#resolve-difference") == "Difference: £1.00 short, to Expenses:BankingVariance."
        await type_text(pilot, "Bank's slip: one pound coin short")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ResolveDialog)
        assert text_of(app, "#resolve-message").startswith("Refused: sam banked bag BAG2611190004: a different")
    second = CashdeskApp(Desk(demo_db, clock=FixedClock(), terminal="test:console-2", ids=SeededIds("second")))
    async with second.run_test(size=SIZE) as pilot:
        app = pilot.app
        await open_banking(pilot, "una", "999999")
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "Bank's slip: one pound coin short")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BankingScreen)
        assert "Bag BAG2611190004 resolved at seq" in text_of(app, "#banking-message")
        assert "0 mismatched" in text_of(app, "#bags-title") and "1 resolved" in text_of(app, "#bags-title")
    assert bag_state(demo_db, "BAG2611190004") == "resolved"


async def test_only_a_mismatched_bag_is_resolved(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await open_banking(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        assert isinstance(app.screen, BankingScreen)
        assert text_of(app, "#banking-message").endswith("is in transit: only a mismatched bag is resolved.")


def a_rule_and_alice_at_the_counter(db, ref_type: str, mask: str, scheme: str) -> None:
    with service(db) as ledger:
        ledger.set_reference_rule(ADAM, ref_type, mask, scheme)
        ledger.open_session(ALICE, 5000)


async def test_the_receipt_form_refuses_a_reference_as_it_is_typed(app, demo_db):
    a_rule_and_alice_at_the_counter(demo_db, "receipt", r"R\d{6}", "luhn")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        before = head(demo_db)  # after alice's sign-in entry
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptForm)
        form = app.screen
        form.query_one("#amount").value = "5"
        form.query_one("#payer").value = "Jo Bloggs"
        form.query_one("#code").value = "CONTRIB"
        form.query_one("#reference").focus()
        await type_text(pilot, "R79927")
        assert text_of(app, "#form-message") == (
            r"Receipt reference R79927 does not fit the receipt reference rule (mask R\d{6}, check digit luhn).")
        await type_text(pilot, "1")
        assert "fails the check digit" in text_of(app, "#form-message")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptForm) and head(demo_db) == before
        await pilot.press("backspace", "0")
        await settle(pilot)
        assert text_of(app, "#form-message") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReceiptForm)
        assert head(demo_db) == before + 1


async def test_the_warrant_form_refuses_a_case_reference_as_it_is_typed(app, demo_db):
    a_rule_and_alice_at_the_counter(demo_db, "case", r"CS\d{4}", "damm")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WarrantForm)
        app.screen.query_one("#case-ref").focus()
        await type_text(pilot, "CS5725")
        assert text_of(app, "#form-message").startswith("Case reference CS5725 fails the check digit of the case")
        await pilot.press("backspace", "4")
        await settle(pilot)
        assert text_of(app, "#form-message") == ""


async def test_the_collection_form_says_when_the_chosen_debtor_breaks_the_rule(app, demo_db):
    a_rule_and_alice_at_the_counter(demo_db, "debtor", r"DR-\d{6}", "luhn")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "DR-10231")
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#form-message") == (
            r"Debtor reference DR-10231 does not fit the debtor reference rule (mask DR-\d{6}, check digit luhn).")
