"""The officer's acts by keys: open, collect, pay out, issue and spoil warrants, reverse; each checked in the ledger."""

from __future__ import annotations

from ledger import reports
from ledger.book import Ledger
from ledger.money import format_plain
from ledger.service import Actor
from screens.forms.collection import CollectionForm
from screens.forms.payout import PayoutForm
from screens.forms.reversal import ReversalForm
from screens.officer import OfficerHome
from console_support import SIZE, FixedClock, settle, sign_in

ALICE = Actor("alice", frozenset({"officer"}))
ADAM = Actor("adam", frozenset({"admin"}))


def set_up(db, float_pence: int = 5000, receipt_pence: int = 0) -> None:
    """Through the service layer, at the app's fixed 'now': alice's session, and a receipt if asked."""
    with Ledger.open(db, clock=FixedClock(), terminal="test:setup") as ledger:
        ledger.open_session(ALICE, float_pence)
        if receipt_pence:
            ledger.record_receipt(ALICE, amount_pence=receipt_pence, method="cash", code="CONTRIB", payer="Jo Bloggs")


AUTH_KINDS = ("signed_in", "sign_in_failed", "user_locked")


def head_entry(db):
    """The newest entry that is not a sign-in (signing in is itself a chained entry)."""
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        seq = reader.head()[0]
        while reader.entry(seq).kind in AUTH_KINDS:
            seq -= 1
        return reader.entry(seq)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_open_the_session_with_a_float_by_denomination(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        assert "Till: no session open" in text_of(app, "#day-status")
        await pilot.press("o")
        await settle(pilot)
        # £50, 2 × £20, (no £10), £5, 3 × £2, (no £1), 4 × 50p
        await pilot.press("1", "tab", "2", "tab", "tab", "1", "tab", "3", "tab", "tab", "4")
        assert "Float £103.00" in text_of(app, "#form-preview")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert "float of £103.00" in text_of(app, "#officer-message")
        assert "Till £103.00 cash" in text_of(app, "#day-status")
    entry = head_entry(demo_db)
    body = entry.body_dict()
    assert entry.kind == "session_opened" and entry.actor == "alice" and entry.business_date == "2026-11-23"
    assert body["float_pence"] == 10300
    assert body["denominations"] == {"5000": 1, "2000": 2, "500": 1, "200": 3, "50": 4}


async def test_a_second_session_is_refused_in_words_and_the_form_kept(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("2", "ctrl+s")
        await settle(pilot)
        assert app.screen.query_one("#piece-5000").value == "2"
        assert "still open" in text_of(app, "#form-message")
    assert head_entry(demo_db).kind == "session_opened"  # only the one set up


async def test_collection_finds_the_debtor_by_name_and_records_the_payment(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CollectionForm)
        await pilot.press(*"byrne")
        await settle(pilot)
        matches = app.screen.query_one("#debtor-matches")
        assert matches.option_count == 1 and "Mrs L Byrne" in str(matches.get_option_at_index(0).prompt)
        await pilot.press("enter")  # the only match is chosen; the amount comes next
        assert "DR-10250" in text_of(app, "#debtor-chosen") and "owes £" in text_of(app, "#debtor-chosen")
        await pilot.press(*"30", "tab", "enter", "down", "enter")  # cheque
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert "Collection recorded at seq" in text_of(app, "#officer-message")
    entry = head_entry(demo_db)
    body = entry.body_dict()
    assert entry.kind == "debt_collected" and entry.actor == "alice"
    assert (body["debtor_ref"], body["amount_pence"], body["method"]) == ("DR-10250", 3000, "cheque")


async def test_collection_picks_from_several_matches_with_the_keys(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"DR-102")  # every demo debtor's reference starts so
        await settle(pilot)
        matches = app.screen.query_one("#debtor-matches")
        refs = [matches.get_option_at_index(i).id for i in range(matches.option_count)]
        assert refs == ["DR-10231", "DR-10244", "DR-10250", "DR-10262", "DR-10275", "DR-10281"]
        await pilot.press("enter", "down", "enter")  # into the list, the second debtor
        assert "DR-10244" in text_of(app, "#debtor-chosen")
        await pilot.press(*"5", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
    body = head_entry(demo_db).body_dict()
    assert (body["debtor_ref"], body["amount_pence"], body["method"]) == ("DR-10244", 500, "cash")


async def test_overpayment_is_refused_with_the_balance_and_nothing_written(app, demo_db):
    set_up(demo_db)
    with Ledger.open(demo_db) as ledger:
        owed_pence = {row["debtor_ref"]: row["balance_pence"] for row in reports.debtors(ledger.store)}["DR-10281"]
    one_penny_over = format_plain(owed_pence + 1)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"DR-10281")
        await settle(pilot)
        await pilot.press("enter", *one_penny_over, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CollectionForm)
        message = text_of(app, "#form-message")
        assert f"Refused: DR-10281 owes £{format_plain(owed_pence)}; £{one_penny_over} would overpay" in message
        assert app.screen.query_one("#amount").value == one_penny_over
    assert head_entry(demo_db).kind == "session_opened"


async def test_payout_records_code_payee_purpose_and_receipt_held(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"4.20", "tab", "enter", *"SUN", "enter")
        await pilot.press("tab", *"Corner Shop", "tab", *"Milk for contact session")
        await pilot.press("tab", "space")  # no receipt held
        assert "Limit after this: £4.20 of £250.00" in text_of(app, "#form-preview")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert "Payout recorded at seq" in text_of(app, "#officer-message")
        assert "Till £45.80 cash" in text_of(app, "#day-status")
    entry = head_entry(demo_db)
    body = entry.body_dict()
    assert entry.kind == "payout_recorded"
    assert (body["amount_pence"], body["code"], body["payee"]) == (420, "SUNDRY", "Corner Shop")
    assert body["purpose"] == "Milk for contact session" and body["receipt_held"] is False


async def test_a_missing_code_is_named_and_nothing_written(app, demo_db):
    set_up(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"4.20", "tab", "tab", *"Corner Shop", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PayoutForm)
        assert text_of(app, "#form-message") == "Fill in: cost code, purpose."
        await pilot.press("escape", "r")
        await settle(pilot)
        await pilot.press(*"4.20", "tab", "tab", "tab", *"Jo Bloggs", "ctrl+s")
        await settle(pilot)
        assert text_of(app, "#form-message") == "Fill in: income code."
    assert head_entry(demo_db).kind == "session_opened"


async def test_warrant_shows_the_next_serial_and_confirms_the_serial_issued(app, demo_db):
    set_up(demo_db)
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        next_serial = reader.next_stock_serial()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("w")
        await settle(pilot)
        assert text_of(app, "#warrant-serial") == f"Next serial {next_serial}"
        await pilot.press(*"Kim Lee", "tab", *"Leeds to York", "tab", *"CL/0042", "tab", *"2026-11-25")
        await pilot.press("tab", "enter", "down", "enter")  # return
        await pilot.press("tab", *"18.30", "tab", "enter", *"TRAVEL-C", "enter")
        await pilot.press("tab", *"Contact visit")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert f"Warrant serial {next_serial} issued at seq" in text_of(app, "#officer-message")
    entry = head_entry(demo_db)
    body = entry.body_dict()
    assert entry.kind == "warrant_issued" and body["serial"] == next_serial
    assert (body["recipient"], body["journey"], body["case_ref"]) == ("Kim Lee", "Leeds to York", "CL/0042")
    assert (body["ticket"], body["travel_date"], body["value_pence"]) == ("return", "2026-11-25", 1830)
    assert (body["code"], body["purpose"]) == ("TRAVEL-CL", "Contact visit")


async def test_spoil_defaults_to_the_next_serial_in_stock(app, demo_db):
    set_up(demo_db)
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        next_serial = reader.next_stock_serial()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.query_one("#serial").value == str(next_serial)
        await pilot.press(*"Printer jammed", "ctrl+s")
        await settle(pilot)
        assert f"Warrant serial {next_serial} recorded as spoiled" in text_of(app, "#officer-message")
    entry = head_entry(demo_db)
    assert entry.kind == "warrant_spoiled"
    assert entry.body_dict() == {"serial": next_serial, "reason": "Printer jammed"}


async def test_reversal_of_the_entry_under_the_cursor_authorised_by_sam(app, demo_db):
    set_up(demo_db, receipt_pence=1250)
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        receipt_seq = reader.head()[0]
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("v")  # the cursor rests on the newest entry: the receipt
        await settle(pilot)
        assert isinstance(app.screen, ReversalForm)
        assert app.screen.query_one("#seq").value == str(receipt_seq)
        assert "Receipt £12.50" in text_of(app, "#reversal-entry")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"sam", "enter", *"333333", "enter", *"Keyed twice", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        assert f"Seq {receipt_seq} reversed at seq" in text_of(app, "#officer-message")
        assert "Till £50.00 cash" in text_of(app, "#day-status")
    entry = head_entry(demo_db)
    body = entry.body_dict()
    assert entry.kind == "entry_reversed" and entry.actor == "alice"
    assert (body["reversed_seq"], body["authorised_by"], body["reason"]) == (receipt_seq, "sam", "Keyed twice")


async def test_a_typed_seq_can_be_reversed(app, demo_db):
    set_up(demo_db, receipt_pence=1250)
    with Ledger.open(demo_db, clock=FixedClock(), terminal="test:setup") as ledger:
        first = ledger.record_receipt(ALICE, amount_pence=700, method="cash", code="RECORDS", payer="A Person").seq
        ledger.record_receipt(ALICE, amount_pence=900, method="cash", code="RECORDS", payer="B Person")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("v")
        await settle(pilot)
        await pilot.press(*str(first))  # the seq field starts selected: typing replaces it
        assert "Receipt £7.00" in text_of(app, "#reversal-entry")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"sam", "enter", *"333333", "enter", *"Wrong payer", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
    assert head_entry(demo_db).body_dict()["reversed_seq"] == first


async def test_self_authorisation_is_refused_with_own_entry(app, demo_db):
    tess = Actor("tess", frozenset({"officer", "supervisor"}))
    with Ledger.open(demo_db, clock=FixedClock(), terminal="test:setup") as ledger:
        ledger.add_user(ADAM, "tess", ("officer", "supervisor"), "666666", name="Tess Both")
        ledger.open_session(tess, 5000)
        receipt_seq = ledger.record_receipt(tess, amount_pence=1000, method="cash", code="CONTRIB",
                                            payer="Jo Bloggs").seq
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "tess", "666666")
        await pilot.press("enter")  # the desk chooser: the counter first
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"tess", "enter", *"666666", "enter", *"My own mistake", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReversalForm)
        assert "Refused: tess cannot authorise their own entry" in text_of(app, "#form-message")
        assert app.screen.query_one("#seq").value == str(receipt_seq)
    assert head_entry(demo_db).kind == "receipt_recorded"
