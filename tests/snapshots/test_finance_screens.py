"""Pictures of the finance desk at 80x24 over the demo: fay's home and forms, sam's authorisation queue and
pay runs. The demo's PR-0002 closes at 17:00 on Tuesday 24 November; the console's "now" is 10:00 on the 23rd."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from snapshot_support import SIZE, console, signed_in_then

from ledger.demo import build_demo

FOSTER = ("enter", "down", "down", "enter")  # the second of the demo's cost codes


@pytest.fixture(scope="module")
def finance_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("finance-demo") / "demo.db"
    build_demo(path, today=date(2026, 11, 23)).close()
    return path


@pytest.fixture
def ledger_path(finance_demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ledger.db"
    target.write_bytes(finance_demo.read_bytes())
    return target


def as_fay(*keys: str):
    return signed_in_then("fay", "666666", *keys)


def as_sam(*keys: str):
    return signed_in_then("sam", "333333", *keys)


def typed(text: str) -> tuple[str, ...]:
    return tuple(text)


class TestFinanceHome:
    def test_queue_and_countdown(self, snap_compare, ledger_path):
        """You should see 'Next cut-off PR-0002: Tue 24 Nov 17:00 · 1 d 07:00:00 left · pays Fri 27 Nov', then
        three items waiting by deadline (INV-0003 £410.00, CHG-0001, PAY-0002 £75.00), each for PR-0002 with
        1d 07h left, INV-0003's detail below, and the keys a i p k c e in the footer."""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_fay())


class TestPayeeForm:
    def test_a_new_payee(self, snap_compare, ledger_path):
        """You should see the payee form filled in (CAR-103, Ann Other, carer, creditor 400109) and the note
        that no bank details are kept."""
        keys = ("a", *typed("CAR-103"), "tab", *typed("Ann Other"), "tab", "tab", *typed("400109"))
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_fay(*keys))


class TestInvoiceForm:
    def test_a_duplicate_warned_as_typed(self, snap_compare, ledger_path):
        """You should see PRV-201 found (Brightwater Respite Ltd), invoice number 'br 1187', the line
        'Not a dup. as' shown, and the warning: possible duplicate of INV-0001 (the same payee and invoice
        number), BR-1187 of 2026-11-02, £380.00, keyed by fay, authorised."""
        keys = ("i", *typed("PRV-201"), "tab", *typed("br 1187"))
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_fay(*keys))


class TestPaymentForm:
    def test_a_payee_not_found_yet(self, snap_compare, ledger_path):
        """You should see 'car' typed as the payee and, in red, 'No payee car; perhaps CAR-101 (Mrs Joan
        Carter), CAR-102 (Mr and Mrs Osei)', with the amount, cost code, reason and case fields empty."""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_fay("p", *typed("car")))


class TestPackageStartForm:
    def test_weekly_due_now_and_after_the_birthday(self, snap_compare, ledger_path):
        """You should see a package for CAR-102, child born 2016-03-14, from 2026-11-30 with a £100 reward, and
        below: due £324.00 a week (allowance £224.00 for 5-10), £356.00 from the 11th birthday on Sun 14 Mar
        2027 (11-15), and the first 52 weeks' cost."""
        keys = ("k", *typed("CAR-102"), "tab", *typed("CH-4001"), "tab", *typed("2016-03-14"), "tab",
                *typed("2026-11-30"), "tab", "tab", *typed("100"), "tab", *FOSTER)
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_fay(*keys))


class TestPackageChangeForm:
    def test_a_new_reward_from_a_date(self, snap_compare, ledger_path):
        """You should see PKG-0001 chosen (Mrs Joan Carter, CH-3021, paid to 2026-11-15, £376.00/wk today), a
        change from 2026-11-16 to £150.00, and 'From Mon 16 Nov 2026: £374.00 a week (allowance £224.00 for
        5-10 + reward £150.00)'."""
        keys = ("c", *typed("PKG-0001"), "enter", *typed("2026-11-16"), "tab", *typed("150"), "tab",
                *typed("Extra support needs"))
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_fay(*keys))


class TestPackageEndForm:
    def test_a_back_dated_end_shows_the_overpayment(self, snap_compare, ledger_path):
        """You should see PKG-0001 ending on 2026-11-08 and, in the warning colour, that it is paid to
        2026-11-15 so the end overpays 7 days, the amount, and that it becomes debt OP-PKG-0001."""
        keys = ("e", *typed("CH-3021"), "enter", *typed("2026-11-08"), "tab", *typed("Placement ended"))
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_fay(*keys))


class TestAuthorisationQueue:
    def test_the_item_against_the_supervisors_limit(self, snap_compare, ledger_path):
        """You should see '3 waiting · your limit £50,000.00 · next cut-off PR-0002 Tue 24 Nov 17:00', the three
        items with 'ok' against the limit, and below CHG-0001's detail: PKG-0002's reward becoming £110.00/wk,
        its 52-week cost against the limit, keyed by fay, no exceptions."""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("a", "down"))


class TestRejectDialog:
    def test_a_reason_is_needed(self, snap_compare, ledger_path):
        """You should see 'Reject INV-0003' over the queue, the note that a rejected item is dead, and in red
        'Reason: type it first.'"""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("a", "r", "enter"))


class TestPayRuns:
    def test_the_runs_latest_first(self, snap_compare, ledger_path):
        """You should see PR-0002 (pays 2026-11-27, cut-off 2026-11-24 17:00, open) above PR-0001 (paid,
        £4,999.43), and the keys enter s x m in the footer."""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("p"))


class TestScheduleForm:
    def test_a_bank_holiday_is_warned_as_typed(self, snap_compare, ledger_path):
        """You should see a pay date of 2026-12-25 with the warning that Christmas Day is not a working day
        (the working day before is Thu 24 Dec 2026), the cut-off 8 d 07:00:00 away, packages to Sun 6 Dec."""
        keys = ("p", "s", *typed("2026-12-25"), "tab", *typed("2026-12-01 17:00"), "tab", *typed("2026-12-06"))
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam(*keys))


class TestRunPreview:
    def test_an_open_run(self, snap_compare, ledger_path):
        """You should see PR-0002 open: 2 lines, total £669.43 as it would close now (PKG-0001 and PKG-0002,
        16 Nov–22 Nov), and three exceptions 'awaiting_authorisation' before the cut-off."""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("p", "enter"))


class TestCloseDialog:
    def test_exceptions_need_a_reason(self, snap_compare, ledger_path):
        """You should see 'Close PR-0002 for good' over the preview: 2 lines, £669.43, final, 3 exceptions
        needing a reason, and in red 'Reason: type it first.'"""
        assert snap_compare(console(ledger_path), terminal_size=SIZE, run_before=as_sam("p", "enter", "c", "enter"))
