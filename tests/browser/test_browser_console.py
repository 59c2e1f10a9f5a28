"""The console in a real browser: headless Chromium on `cashdesk serve`, driven by keys, and the
ledger checked afterwards. Few tests (each costs seconds and a Chromium); the console's logic is
tested with Pilot in tests/app."""

from __future__ import annotations

import re
from pathlib import Path

from browser_support import Page
from ledger.book import Ledger
from selenium.webdriver.common.keys import Keys
from serve_support import Served

#: Distinct colours a drawn console has at the least (text is antialiased: hundreds in practice);
#: a terminal that drew nothing is one or two.
DRAWN_COLOURS = 16


def sign_in(page: Page, username: str, pin: str) -> None:
    page.type(username)
    page.wait_for(username)
    page.move(Keys.ENTER, to="6 digits or more")  # to the PIN
    page.type(pin)
    page.wait_for("•" * len(pin))
    page.type(Keys.ENTER)


def open_the_session_if_needed(page: Page) -> None:
    shown = page.wait_until(lambda screen: "No session open" in screen["text"] or " · open" in screen["text"],
                            "neither a session nor its absence was shown")
    if "No session open" in shown["text"]:
        page.type("o")
        page.wait_for("by note and coin")
        page.type("1")  # one £50 note: the first box of the grid has the focus
        page.wait_for("Float £50.00")
        page.ctrl("s")
    page.wait_for(" · open")


def record_receipt(page: Page, amount: str, code: str, payer: str) -> tuple[int, int]:
    """Record a cash receipt by keys; (receipt number, seq) as the console confirms them."""
    page.type("r")
    page.wait_for("Income code")
    page.type(amount)
    page.wait_for("Limit after this")
    page.move(Keys.TAB, to="Method")  # cash, as it is
    page.move(Keys.TAB, to="Income code")
    page.type(Keys.ENTER)  # opens the list of codes
    page.wait_for(f"{code} —")
    page.type(code)  # the list jumps to the code as it is typed
    page.type(Keys.ENTER)
    page.wait_for(f"Income code   {code}")
    page.move(Keys.TAB, to="Payer")
    page.type(payer)
    page.wait_for(payer)
    page.ctrl("s")
    confirmed = re.search(r"Receipt number (\d+) recorded at seq (\d+)", page.wait_for("Receipt number"))
    assert confirmed, page.text()
    return int(confirmed[1]), int(confirmed[2])


def head_seq(db: Path) -> int:
    with Ledger.open(db) as ledger, ledger.store.reading() as reader:
        return reader.head()[0]


def test_an_officer_records_a_receipt_in_chromium_and_a_reload_starts_again(served: Served, open_page,
                                                                             tmp_path: Path):
    page = open_page(1280, 800)
    sign_in(page, "alice", "111111")
    open_the_session_if_needed(page)
    receipt_no, seq = record_receipt(page, "12.50", "RECORDS", "Jo Bloggs")
    page.wait_for("£12.50 of £250.00")  # the home screen has the receipt in its limit gauge

    colours = page.screenshot(tmp_path / "console-1280x800.png")
    assert colours >= DRAWN_COLOURS, f"the terminal looks blank: {colours} colours"
    with Ledger.open(served.db) as ledger, ledger.store.reading() as reader:
        entry = reader.entry(seq)
    body = entry.body_dict()
    assert (entry.kind, entry.actor) == ("receipt_recorded", "alice")
    assert (body["amount_pence"], body["code"], body["method"], body["payer"]) == (1250, "RECORDS", "cash",
                                                                                    "Jo Bloggs")
    assert body["receipt_no"] == receipt_no
    assert entry.terminal.endswith(f":web{served.port}"), entry.terminal

    # Half a form, then a reload: the tab's console ends and a new one starts at the sign-in.
    (tab,) = served.consoles()
    page.type("r")
    page.wait_for("Income code")
    page.type("99.99")
    page.wait_for("£112.49 of £250.00")
    page.driver.refresh()
    page.wait_for("User name")
    served.wait_for_consoles(lambda pids: len(pids) == 1 and tab not in pids,
                             "the reloaded tab's console should end and one new console start")
    assert head_seq(served.db) == seq, "the abandoned form wrote something"


def test_five_wrong_pins_lock_the_user_in_a_narrow_window(served: Served, open_page, tmp_path: Path):
    page = open_page(800, 600)
    screen = page.screen()
    assert screen["cols"] >= 80 and screen["rows"] >= 24, (screen["cols"], screen["rows"])
    before = head_seq(served.db)
    page.type("alice")
    page.wait_for("alice")
    page.move(Keys.ENTER, to="6 digits or more")
    for _ in range(5):
        page.type("000000")
        page.wait_for("••••••")
        page.type(Keys.ENTER)
        # The PIN box is emptied again once the ledger has answered.
        page.wait_until(lambda shown: "6 digits or more" in shown["text"] and "not recognised" in shown["text"],
                        "a wrong PIN was not refused")
    page.type("111111")  # even the right PIN now
    page.wait_for("••••••")
    page.type(Keys.ENTER)
    page.wait_for("Alice is locked after 5 failed PINs")

    with Ledger.open(served.db) as ledger, ledger.store.reading() as reader:
        entries = [reader.entry(seq) for seq in range(before + 1, reader.head()[0] + 1)]
        assert reader.user("alice")["locked"]
    assert [(entry.kind, entry.actor) for entry in entries] == \
        [("sign_in_failed", "alice")] * 5 + [("user_locked", "alice")]
    assert [entry.body_dict()["failures"] for entry in entries[:5]] == [1, 2, 3, 4, 5]

    # Another tab is another console with its own sign-in: bob can still work.
    (first_tab,) = served.consoles()
    page.new_tab(served.url)
    sign_in(page, "bob", "222222")
    page.wait_for("cashdesk — bob · officer")
    page.wait_for("No session open")
    assert len(served.wait_for_consoles(lambda pids: len(pids) == 2, "two tabs, two consoles")) == 2
    assert first_tab in served.consoles()
    colours = page.screenshot(tmp_path / "console-800x600.png")
    assert colours >= DRAWN_COLOURS, f"the terminal looks blank: {colours} colours"
