"""Who may do what at the console and on the command line: only the allowed roles succeed.

The service layer's matrix (test_roles_matrix.py) holds the rules; here the two front ends are held
to them, on real ledger files with users whose roles come from the ledger:

* the console: each user signs in through the console's `Desk` and lands on the desks of their
  roles and no other (screens/homes.py); then every act a screen can ask of the ledger
  (`Desk.act`, the same call the screens' workers make) by every role, on a ledger where everything
  the act needs exists, succeeds for the allowed roles only; an actor object claiming roles the
  ledger does not give is refused everything; and `Desk.act` calls nothing but those acts;
* the command line: every command taking `--as` by every role, through `cashdesk`'s own `main`
  (in-process, so two hundred cells take seconds): exit 0 for the allowed, else exit 3 and one line
  `refused: role_required: …`, the head unchanged.

Pilot checks that one desk's keys and palette never reach another desk's acts are in
tests/app/test_roles_keys.py.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
from pathlib import Path

import pytest
from book_support import PINS, Clock
from console import cli
from console.desk import OPERATIONS, Desk
from console.parser import build_parser
from ledger.book import Ledger
from ledger.refusals import Outcome, Refused
from ledger.service import Actor
from screens.admin import AdminHome
from screens.auditor import AuditorHome
from screens.finance import FinanceHome
from screens.homes import DeskChooser, NoDesk, home_for
from screens.officer import OfficerHome
from screens.supervisor import SupervisorHome

from reliability_support import REPO_ROOT, head
from roles_support import (
    ACTS,
    ALLOWED,
    NEW_DEBT,
    ROLE_PIN,
    ROLES,
    SEVERAL,
    STATEMENT,
    prepare,
    roles_template,
    run_dates,
    user_of,
)

DESKS = {"officer": OfficerHome, "supervisor": SupervisorHome, "finance": FinanceHome, "auditor": AuditorHome,
         "admin": AdminHome}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return roles_template(tmp_path_factory.mktemp("roles-console") / "ledger.db")


def fresh_copy(template: Path, folder: Path) -> Path:
    return Path(shutil.copy(template, folder / "ledger.db"))


# -- the console: which desk -----------------------------------------------------------------------
LANDS_ON = {**DESKS, "none": NoDesk, "auditor_finance": ["finance", "auditor"], "officer_admin": ["officer", "admin"],
            "all": ["officer", "supervisor", "finance", "auditor", "admin"]}


@pytest.mark.parametrize("role", [*ROLES, *SEVERAL])
def test_each_user_signs_in_to_the_desks_of_their_roles_and_no_other(template, tmp_path, role):
    user, roles = user_of(role)
    actor = Desk(fresh_copy(template, tmp_path), clock=Clock()).sign_in(user, ROLE_PIN)
    home = home_for(actor)
    if isinstance(LANDS_ON[role], list):
        assert type(home) is DeskChooser and home.desks == LANDS_ON[role]
    else:
        assert type(home) is LANDS_ON[role]
    for desk, screen in DESKS.items():  # asking for a desk by name gives it only to a holder of the role
        assert type(home_for(actor, desk)) is (screen if desk in roles else NoDesk), desk


def test_a_desk_is_not_given_for_a_role_claimed_but_not_held():
    officer = Actor("alice", frozenset({"officer"}))
    assert [type(home_for(officer, desk)) for desk in DESKS] == [OfficerHome, NoDesk, NoDesk, NoDesk, NoDesk]
    assert type(home_for(Actor("adam", frozenset({"admin"})), "admin")) is AdminHome  # control


# -- the console: every act by every role ----------------------------------------------------------
def test_the_desk_acts_are_exactly_the_writes_the_screens_name():
    named = set()
    for source in (REPO_ROOT / "screens").rglob("*.py"):
        named |= set(re.findall(r'"([a-z_]+)"', source.read_text(encoding="utf-8")))
    assert named & set(ALLOWED) == OPERATIONS
    assert OPERATIONS < set(ACTS), "every console act is in the service layer's matrix too"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_at_the_console_only_the_allowed_roles_may_act(template, tmp_path, operation, role):
    path, clock = fresh_copy(template, tmp_path), Clock()
    user, roles = user_of(role)
    with Ledger.open(path, clock=clock, terminal="test:roles") as ledger:
        arguments = ACTS[operation][1](prepare(ledger, operation, user, roles))
    desk = Desk(path, clock=clock, terminal="test:console")
    actor = desk.sign_in(user, ROLE_PIN)
    before = head(path)
    if role in ALLOWED[operation]:
        assert desk.act(operation, actor, **arguments).outcome is Outcome.APPENDED
        assert head(path)[0] == before[0] + 1
    else:
        with pytest.raises(Refused) as refused:
            desk.act(operation, actor, **arguments)
        assert refused.value.outcome is Outcome.ROLE_REQUIRED, refused.value.message
        assert head(path) == before


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_an_actor_claiming_roles_the_ledger_does_not_give_is_refused(template, tmp_path, operation):
    path, clock = fresh_copy(template, tmp_path), Clock()
    with Ledger.open(path, clock=clock, terminal="test:roles") as ledger:
        arguments = ACTS[operation][1](prepare(ledger, operation, "role_none", ()))
    desk = Desk(path, clock=clock, terminal="test:console")
    desk.sign_in("role_none", ROLE_PIN)
    before = head(path)
    with pytest.raises(Refused) as refused:
        desk.act(operation, Actor("role_none", frozenset(ROLES)), **arguments)
    assert refused.value.outcome is Outcome.ROLE_REQUIRED and head(path) == before


def test_the_desk_calls_nothing_but_the_console_acts(template, tmp_path):
    path = fresh_copy(template, tmp_path)
    desk, before = Desk(path, clock=Clock()), head(path)
    admin = desk.sign_in("role_admin", ROLE_PIN)
    for name in ("import_debts", "authenticate", "_post", "close", "store"):
        with pytest.raises(ValueError, match="not an act the console asks"):
            desk.act(name, admin)
    assert head(path)[0] == before[0] + 1  # the sign-in, nothing else
    assert desk.act("add_code", admin, code="NEW1", name="New", code_type="income").outcome is Outcome.APPENDED


# -- the command line: every command taking --as by every role ---------------------------------------
#: command -> (the operation it runs, its arguments given the prepared context and a folder, PIN lines after --as's)
COMMANDS = {
    "session open": ("open_session", lambda c, f: ["session", "open", "--float", "50"], []),
    "receipt": ("record_receipt", lambda c, f: ["receipt", "--amount", "1", "--method", "cash", "--code", "INC1",
                                                "--payer", "J Smith"], []),
    "collect": ("collect_debt", lambda c, f: ["collect", "--debtor", "DR-1", "--amount", "1", "--method", "cash"],
                []),
    "payout": ("record_payout", lambda c, f: ["payout", "--amount", "1", "--code", "EXP1", "--payee", "Shop",
                                              "--purpose", "Milk"], []),
    "warrant": ("issue_warrant", lambda c, f: ["warrant", "--recipient", "R", "--journey", "A to B", "--value", "1",
                                               "--code", "TW1"], []),
    "warrants spoil": ("spoil_warrant", lambda c, f: ["warrants", "spoil", "1009", "--reason", "Torn"], []),
    "reverse": ("reverse", lambda seq, f: ["reverse", str(seq), "--reason", "Keyed twice", "--authorised-by", "sam"],
                [PINS["sam"]]),
    "count": ("declare_count", lambda c, f: ["count", "--notes", "50x1"], []),
    "signoff": ("sign_off", lambda day, f: ["signoff", "--officer", "alice", "--date", day], []),
    "recount": ("request_recount", lambda day, f: ["recount", "--officer", "alice", "--date", day, "--reason",
                                                   "Again"], []),
    "bank": ("bank", lambda day, f: ["bank", "--officer", "alice", "--date", day, "--bag", "BAG-1"], []),
    "users add": ("add_user", lambda c, f: ["users", "add", "carl", "--roles", "officer"], ["777777"]),
    "users roles": ("change_roles", lambda c, f: ["users", "roles", "bob", "--roles", "officer,auditor"], []),
    "users deactivate": ("deactivate_user", lambda c, f: ["users", "deactivate", "bob"], []),
    "users unlock": ("unlock_user", lambda c, f: ["users", "unlock", "bob"], []),
    "codes add": ("add_code", lambda c, f: ["codes", "add", "NEW1", "--name", "New fees", "--type", "income"], []),
    "codes retire": ("retire_code", lambda c, f: ["codes", "retire", "INC1"], []),
    "settings set": ("set_setting", lambda c, f: ["settings", "set", "idle_lock_seconds", "600"], []),
    "warrants receive": ("receive_warrants", lambda c, f: ["warrants", "receive", "--first", "5000", "--last", "5009"],
                         []),
    "debtors import": ("import_debts", lambda c, f: ["debtors", "import", str(f / "debts.csv")], []),
    "counts": ("days_waiting", lambda c, f: ["counts"], []),
    "payee add": ("add_payee", lambda c, f: ["payee", "add", "PRV9", "--name", "New Care Ltd", "--kind", "provider",
                                             "--creditor", "C0999"], []),
    "payee retire": ("retire_payee", lambda c, f: ["payee", "retire", "PRV1", "--reason", "Closed down"], []),
    "rates set": ("set_rates", lambda c, f: ["rates", "set", "--from", "2026-12-01", "--weekly",
                                             "0-2=189.00,3-4=196.00,5-10=216.00,11-15=247.00,16-17=288.00"], []),
    "invoice": ("key_invoice", lambda c, f: ["invoice", "--payee", "PRV1", "--number", "INV-1", "--date",
                                             "2026-11-20", "--amount", "120", "--code", "EXP1", "--description",
                                             "Respite care"], []),
    "payment": ("key_payment", lambda c, f: ["payment", "--payee", "CAR1", "--amount", "50", "--code", "EXP1",
                                             "--reason", "Birthday allowance"], []),
    "package start": ("start_package", lambda c, f: ["package", "start", "--payee", "CAR1", "--case", "CASE-2",
                                                     "--dob", "2016-12-01", "--from", "2026-11-02", "--reward", "100",
                                                     "--code", "FOST"], []),
    "package change": ("change_package", lambda item, f: ["package", "change", item, "--from", "2026-11-16",
                                                          "--reward", "120", "--reason", "Reviewed"], []),
    "package end": ("end_package", lambda item, f: ["package", "end", item, "--on", "2026-11-30", "--reason",
                                                    "Moved on"], []),
    "authorise": ("authorise_item", lambda item, f: ["authorise", item], []),
    "reject": ("reject_item", lambda item, f: ["reject", item, "--reason", "Wrong payee"], []),
    "payrun schedule": ("schedule_payrun", lambda now, f: scheduling(run_dates(now)), []),
    "payrun close": ("close_payrun", lambda run, f: ["payrun", "close", run, "--reason", "Checked"], []),
    "payrun paid": ("mark_paid", lambda run, f: ["payrun", "paid", run, "--on", "2026-11-24"], []),
    "bank import": ("import_statement", lambda c, f: ["bank", "import", str(f / "statement.csv"), "--profile",
                                                      "generic"], []),
    "banking resolve": ("resolve_banking", lambda bag, f: ["banking", "resolve", bag, "--reason",
                                                           "Bank counted 19.00"], []),
    "refs set": ("set_reference_rule", lambda c, f: ["refs", "set", "case", "--mask", r"CS\d{6}", "--check",
                                                     "damm"], []),
}


def scheduling(dates: dict) -> list[str]:
    return ["payrun", "schedule", "--pay-date", dates["pay_date"], "--cutoff", dates["cutoff"], "--period-end",
            dates["period_end"]]
#: `counts` reads the sign-off queue, with its expected figures: a supervisor's view.
CLI_ALLOWED = {**ALLOWED, "days_waiting": {"supervisor"}}


def commands_taking_as(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    """Every command and subcommand of the real parser that takes `--as`."""
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= commands_taking_as(sub, f"{prefix} {name}".strip())
        elif action.dest == "as_user":
            found.add(prefix)
    return found


def test_the_command_matrix_covers_every_command_that_takes_as():
    assert commands_taking_as(build_parser()) == set(COMMANDS)
    assert {operation for operation, _, _ in COMMANDS.values()} == set(CLI_ALLOWED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("command", COMMANDS)
def test_on_the_command_line_only_the_allowed_roles_may_act(template, tmp_path, monkeypatch, capsys, command, role):
    path = fresh_copy(template, tmp_path)
    (tmp_path / "debts.csv").write_text(NEW_DEBT)
    (tmp_path / "statement.csv").write_text(STATEMENT)
    operation, argv, more_pins = COMMANDS[command]
    user, roles = user_of(role)
    with Ledger.open(path, terminal="test:roles") as ledger:  # the real clock, as the command line's
        context = prepare(ledger, operation, user, roles) if operation in ACTS else None
    before = head(path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join([ROLE_PIN, *more_pins]) + "\n"))
    code = cli.main(["--db", str(path), *argv(context, tmp_path), "--as", user, "--pin-stdin"])
    out, err = capsys.readouterr()
    if role in CLI_ALLOWED[operation]:
        assert code == cli.EXIT_OK and err == "", err
        assert head(path)[0] == before[0] + (operation != "days_waiting")
    else:
        assert code == cli.EXIT_REFUSED and out == "" and err.startswith("refused: role_required: "), err
        assert len(err.splitlines()) == 1 and head(path) == before
