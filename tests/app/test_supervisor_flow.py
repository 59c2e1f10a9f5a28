"""The supervisor's main paths by keys: sign off (balanced, short), recount, bank, and the four-eyes refusals."""

from __future__ import annotations

from ledger.anchors import read_anchors
from ledger.book import Ledger
from ledger.service import Actor
from screens.signin import SignInScreen
from screens.supervisor import SupervisorHome
from screens.supervisor_bank import BankDialog
from screens.supervisor_reconcile import ReconciliationScreen, SignedOffDialog
from console_support import SIZE, FixedClock, settle, sign_in

TODAY = "2026-11-23"
ALICE = Actor("alice", frozenset({"officer"}))
SAM = Actor("sam", frozenset({"supervisor"}))
ADAM = Actor("adam", frozenset({"admin"}))
#: £50.00 float + a £12.50 cash receipt = £62.50 expected in alice's till.
BALANCED = {5000: 1, 1000: 1, 200: 1, 50: 1}
SHORT_BY_200 = {5000: 1, 1000: 1, 50: 1}


def count_a_day(db, officer: Actor = ALICE, denominations: dict[int, int] = BALANCED) -> None:
    """Through the service layer: open on a £50 float, take £12.50 cash, declare the count."""
    with Ledger.open(db, clock=FixedClock(), terminal="test:setup") as ledger:
        ledger.open_session(officer, 5000)
        ledger.record_receipt(officer, amount_pence=1250, method="cash", code="CONTRIB", payer="Jo Bloggs")
        ledger.declare_count(officer, denominations=denominations, cheques_counted=0)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def session(db, officer: str = "alice") -> dict:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.session(officer, TODAY)


def head_entry(db):
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.entry(reader.head()[0])


async def test_sign_off_a_balanced_day_shows_the_anchor(app, demo_db):
    count_a_day(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "333333")
        assert isinstance(app.screen, SupervisorHome)
        assert "alice" in str(app.screen.query_one("#days-waiting").get_row_at(0)[0])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReconciliationScreen)
        assert "none, the count balances" in text_of(app, "#recon-variance")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SignedOffDialog)
        anchor_on_screen = text_of(app, "#signedoff-anchor")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorHome)
        assert "Signed off alice's day 2026-11-23" in text_of(app, "#supervisor-message")
        assert app.screen.query_one("#days-waiting").row_count == 0
        assert app.screen.query_one("#days-to-bank").row_count == 1
    entry = head_entry(demo_db)
    body = entry.body_dict()
    assert entry.kind == "day_signed_off" and entry.actor == "sam" and body["officer"] == "alice"
    assert body["head_seq"] == entry.seq - 1 and len(body["head_hash"]) == len(entry.hash)
    assert anchor_on_screen == f"{entry.seq}:{entry.hash}"
    assert read_anchors(demo_db.with_name(demo_db.name + ".anchors"))[-1] == anchor_on_screen
    assert session(demo_db)["state"] == "signed_off"


async def test_a_short_day_needs_a_reason_then_posts_the_variance(app, demo_db):
    count_a_day(demo_db, denominations=SHORT_BY_200)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "333333")
        await pilot.press("enter")
        await settle(pilot)
        assert "£2.00 short" in text_of(app, "#recon-variance")
        assert app.screen.query_one("#recon-variance").has_class("-short")
        await pilot.press("s")
        await settle(pilot)
        refusal = text_of(app, "#recon-message")
        assert isinstance(app.screen, ReconciliationScreen)
        assert refusal.startswith("Refused: the cash is £2.00 short") and "give a reason" in refusal
        assert session(demo_db)["state"] == "counted"
        await pilot.press("tab", *"Coin miscount", "enter", "s")
        await settle(pilot)
        assert isinstance(app.screen, SignedOffDialog)
        assert "£2.00 short · reason: Coin miscount" in text_of(app, "#signedoff-variance")
    entry = head_entry(demo_db)
    assert entry.kind == "day_signed_off" and entry.body_dict()["reason"] == "Coin miscount"
    with Ledger.open(demo_db) as ledger, ledger.store.reading() as reader:
        assert reader.account_balance_pence("Expenses:CashVariance", TODAY) == 200
        assert reader.account_balance_pence("Assets:Till:alice", TODAY) == 6050


async def test_recount_sends_the_day_back(app, demo_db):
    count_a_day(demo_db, denominations=SHORT_BY_200)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "333333")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "A recount needs a reason" in text_of(app, "#recon-message")
        await pilot.press("tab", *"Count the coins again", "enter", "r")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorHome)
        assert "Recount requested for alice's day 2026-11-23" in text_of(app, "#supervisor-message")
        assert app.screen.query_one("#days-waiting").get_row_at(0)[2] == "recount"
    entry = head_entry(demo_db)
    assert entry.kind == "recount_requested" and entry.body_dict()["reason"] == "Count the coins again"
    assert session(demo_db)["state"] == "recount"


async def test_bank_a_signed_off_day_with_a_bag(app, demo_db):
    count_a_day(demo_db)
    with Ledger.open(demo_db, clock=FixedClock()) as ledger:
        ledger.sign_off(SAM, officer="alice", business_date=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "333333")
        assert app.screen.query_one("#days-to-bank").row_count == 1
        await pilot.press("tab", "b")
        await settle(pilot)
        assert isinstance(app.screen, BankDialog)
        await pilot.press(*"BAG2611180001", "enter")  # carol's bag of 18 November
        await settle(pilot)
        assert isinstance(app.screen, BankDialog)
        assert "bag BAG2611180001 already carried carol's takings" in text_of(app, "#bank-message")
        await pilot.press(*["backspace"] * 13, *"BAG-T1", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorHome)
        assert "Bag BAG-T1: £12.50 of alice's takings" in text_of(app, "#supervisor-message")
        assert app.screen.query_one("#days-to-bank").row_count == 0
    entry = head_entry(demo_db)
    assert entry.kind == "cash_banked" and entry.actor == "sam"
    assert entry.body_dict()["bag"] == "BAG-T1" and entry.body_dict()["amount_pence"] == 1250
    assert session(demo_db)["bag"] == "BAG-T1"


async def test_banking_before_sign_off_is_refused_in_words(app, demo_db):
    count_a_day(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "333333")
        await pilot.press("enter", "b")
        await settle(pilot)
        await pilot.press(*"BAG-T2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BankDialog)
        assert "is not signed off: only signed-off takings are banked" in text_of(app, "#bank-message")
    assert session(demo_db)["bag"] is None and head_entry(demo_db).kind != "cash_banked"


async def test_a_supervisor_cannot_sign_off_their_own_day(app, demo_db):
    tess = Actor("tess", frozenset({"officer", "supervisor"}))
    with Ledger.open(demo_db, clock=FixedClock()) as ledger:
        ledger.add_user(ADAM, "tess", ("officer", "supervisor"), "666666")
    count_a_day(demo_db, officer=tess)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "tess", "666666")
        await pilot.press("down", "enter")  # the desk chooser: officer, then supervisor
        await settle(pilot)
        assert isinstance(app.screen, SupervisorHome)
        await pilot.press("enter")
        await settle(pilot)
        assert "blind to its own officer" in text_of(app, "#recon-figures")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ReconciliationScreen)
        assert text_of(app, "#recon-message") == (
            "Refused: tess cannot authorise their own entry: another supervisor must.")
    assert session(demo_db, "tess")["state"] == "counted"
    assert head_entry(demo_db).kind != "day_signed_off"


async def test_refresh_shows_a_new_count_and_ctrl_x_signs_out(app, demo_db):
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "sam", "333333")
        assert app.screen.query_one("#days-waiting").row_count == 0
        count_a_day(demo_db)
        await pilot.press("ctrl+r")
        await settle(pilot)
        row = app.screen.query_one("#days-waiting").get_row_at(0)
        assert [str(row[0]), row[1], row[2], row[3], row[4], row[5]] == [
            "alice", TODAY, "counted", "£62.50", "£62.50", "balanced"]
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.actor is None


async def test_sam_authorises_an_over_limit_receipt_on_the_officers_terminal(app, demo_db):
    with Ledger.open(demo_db, clock=FixedClock()) as ledger:
        ledger.open_session(ALICE, 5000)
        ledger.record_receipt(ALICE, amount_pence=25000, method="cash", code="CONTRIB", payer="Big Payer")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "alice", "111111")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"10.00", "tab", "tab", "enter", "down", "enter", "tab", *"Jo Bloggs", "ctrl+s")
        await settle(pilot)
        assert "would pass the daily limit" in text_of(app, "#form-message")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*"sam", "enter", *"333333", "enter", *"Known payer, one-off", "enter")
        await settle(pilot)
        assert "Authorised by sam" in text_of(app, "#form-message")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Receipt number" in text_of(app, "#officer-message")
    entry = head_entry(demo_db)
    body = entry.body_dict()
    assert entry.kind == "receipt_recorded" and entry.actor == "alice" and body["amount_pence"] == 1000
    assert body["override"] == {"supervisor": "sam", "reason": "Known payer, one-off"}
