"""Care packages by keys: start one (the weekly due shown as you type), change its reward, end it."""

from __future__ import annotations

import re
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ledger import allowance
from ledger.money import AmountError, parse_amount
from ledger.service import Actor
from screens.finance_forms import FinanceForm, typed_date
from screens.finance_queue import day_words


#: A weekly reward of nothing, as typed ("0", "0.00", "£0").
NO_FEE = re.compile(r"£?0+(\.0{1,2})?")


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def due_words(package: allowance.Package, policy: allowance.Policy, day: date, money) -> str:
    """'£316.00 a week (allowance £216.00 for 5-10 + reward £100.00)', or why nothing is due that day."""
    band = allowance.band_on(package.child_dob, day)
    table = policy.table_on(day)
    if band is None:
        return "nothing: the child is 18 or over"
    if table is None:
        return "nothing: no allowance rates are in force that day"
    if package.end is not None and day > package.end:
        return "nothing: the package has ended"
    weekly, reward = table.weekly_pence_for(band), package.reward_on(day)
    return f"{money(weekly + reward)} a week (allowance {money(weekly)} for {band} + reward {money(reward)})"


def start_preview(package: allowance.Package, policy: allowance.Policy, today: date, money) -> str:
    """The weekly due on the first day it applies from today, after the next band-changing birthday, and
    the first 52 weeks' cost (what the authoriser's limit is measured against)."""
    day = max(today, package.start)
    lines = [f"Due from {day_words(day.isoformat())} {day.year}: {due_words(package, policy, day, money)}."]
    birthday = allowance.next_birthday_band_change(package.child_dob, day)
    if birthday is not None and (package.end is None or birthday <= package.end):
        age = allowance.age_on(package.child_dob, birthday)
        lines.append(f"From the {ordinal(age)} birthday, {day_words(birthday.isoformat())} {birthday.year}: "
                     f"{due_words(package, policy, birthday, money)}.")
    elif birthday is not None:
        lines.append(f"It ends on {package.end} before the next birthday that changes the band.")
    lines.append(f"First 52 weeks: {money(allowance.cost_pence(package, policy))} (against the authoriser's limit).")
    return "\n".join(lines)


class PolicyForm(FinanceForm):
    """A package form: the allowance rates are read once (in a worker) for the arithmetic shown as you type."""

    def __init__(self, actor: Actor, codes: list[dict] | None = None) -> None:
        super().__init__(actor, codes)
        self.policy: allowance.Policy | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self.look_up("policy", self.app.desk.allowance_policy)

    def looked_up(self, what: str, answer) -> None:
        if what == "policy":
            self.policy = answer
            self.refresh_preview()
        else:
            super().looked_up(what, answer)

    def today(self) -> date:
        return date.fromisoformat(self.app.desk.today())

    def pence(self, selector: str) -> int | None:
        """A weekly fee typed (0 allowed), silently None while it is not one yet."""
        text = self.value(selector)
        if NO_FEE.fullmatch(text):
            return 0
        try:
            return parse_amount(text)
        except AmountError:
            return None


class PackageStartForm(PolicyForm):
    """A new package for a carer: the child, the dates, the weekly reward fee, the cost code."""

    TITLE = "Start a care package"
    OPERATION = "start_package"

    def compose_fields(self) -> ComposeResult:
        yield from self.payee_field("Carer")
        yield from self.field("Case ref", Input(id="case-ref", placeholder="e.g. CASE-123", max_length=40,
                                                compact=True))
        yield from self.field("Child's birth", Input(id="dob", placeholder="YYYY-MM-DD", max_length=10,
                                                     compact=True))
        yield from self.field("Starts", Input(id="start", placeholder="YYYY-MM-DD", max_length=10, compact=True))
        yield from self.field("Ends", Input(id="end", placeholder="optional: the last day paid", max_length=10,
                                            compact=True))
        yield from self.field("Reward £/wk", Input(id="reward", placeholder="100.00", max_length=12, compact=True))
        yield from self.code_field()

    def terms(self) -> allowance.Package | None:
        dob, start = typed_date(self.value("#dob")), typed_date(self.value("#start"))
        end, reward = typed_date(self.value("#end")), self.pence("#reward")
        if dob is None or start is None or reward is None or (self.value("#end") and end is None):
            return None
        try:
            return allowance.Package(date.fromisoformat(dob), date.fromisoformat(start), reward,
                                     date.fromisoformat(end) if end else None)
        except ValueError as error:
            self.preview(f"{error}.", warn=True)
            return None

    def refresh_preview(self) -> None:
        self.preview("")
        package = self.terms()
        if package is None or self.policy is None:
            return
        self.preview(start_preview(package, self.policy, self.today(), self.app.money))

    def request(self) -> dict | None:
        dob, start, reward, code = (typed_date(self.value("#dob")), typed_date(self.value("#start")),
                                    self.pence("#reward"), self.code())
        end = typed_date(self.value("#end"))
        if self.missing(("carer", bool(self.value("#payee"))), ("case ref", bool(self.value("#case-ref"))),
                        ("child's date of birth (YYYY-MM-DD)", dob is not None), ("start (YYYY-MM-DD)", start is not None),
                        ("end as YYYY-MM-DD, or nothing", end is not None or not self.value("#end")),
                        ("weekly reward", reward is not None), ("cost code", code is not None)):
            return None
        return {"payee": self.payee_ref(), "case_ref": self.value("#case-ref"), "dob": dob, "start": start,
                "end": end, "reward_pence": reward, "code": code}


class PackageForm(PolicyForm):
    """A form about one existing package, found by its id, case or carer as you type."""

    def __init__(self, actor: Actor, codes: list[dict] | None = None) -> None:
        super().__init__(actor, codes)
        self.package: dict | None = None
        self.matches: dict[str, dict] = {}
        self.asked_packages: str | None = None
        self.choose_on_answer = False

    def package_field(self) -> ComposeResult:
        yield from self.field("Package", Input(id="package", placeholder="package, case or carer", max_length=40,
                                               compact=True))
        yield OptionList(id="package-matches", markup=False, compact=True)
        yield Static("No package chosen: pick one from the list (enter).", id="package-chosen", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.look_up("packages", lambda: self.app.desk.packages_like("", self.today()))

    def asking(self, what: str) -> tuple:
        return (self.value("#package"),) if what == "packages" else super().asking(what)

    @on(Input.Changed, "#package")
    def _package_typed(self) -> None:
        text = self.value("#package")
        self.look_up("packages", lambda: self.app.desk.packages_like(text, self.today()))

    def looked_up(self, what: str, answer) -> None:
        if what != "packages":
            super().looked_up(what, answer)
            return
        matches = self.query_one("#package-matches", OptionList)
        matches.clear_options()
        self.asked_packages = self.value("#package")
        self.matches = {row["package"]: row for row in answer}
        money = self.app.money
        matches.add_options([Option(Content(package_line(row, money)), id=row["package"]) for row in answer])
        if answer:
            matches.highlighted = 0
        if self.choose_on_answer:
            self.pick_from_matches()

    @on(Input.Submitted, "#package")
    def _to_matches(self) -> None:
        """Enter takes the one match (or the package named exactly). Typed faster than the look-up, it moves
        on to the next field at once and takes the look-up's answer when it comes (several: the list)."""
        if self.asked_packages != self.value("#package"):
            self.choose_on_answer = True
            self.focus_after("#package-matches")
            return
        self.pick_from_matches()

    def pick_from_matches(self) -> None:
        self.choose_on_answer = False
        typed = self.value("#package").casefold()
        exact = [key for key in self.matches if key.casefold() == typed]
        if exact or len(self.matches) == 1:
            self.choose(exact[0] if exact else next(iter(self.matches)))
        elif self.matches:
            self.say("Several packages match: pick one from the list (enter).")
            self.query_one("#package-matches", OptionList).focus()
        else:
            self.say(f"No package matches {self.value('#package')!r}.", error=True)
            self.query_one("#package", Input).focus()

    @on(OptionList.OptionSelected, "#package-matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)

    def choose(self, package: str) -> None:
        self.package = self.matches[package]
        row, money = self.package, self.app.money
        due = "nothing due today" if row["weekly_due_pence"] is None else f"{money(row['weekly_due_pence'])}/wk today"
        paid = f"paid to {row['paid_to']}" if row["paid_to"] else "not paid yet"
        ends = f" to {row['end_date']}" if row["end_date"] else ""
        self.query_one("#package-chosen", Static).update(
            f"{row['package']} · {row['payee_name']} ({row['payee']}) · {row['case_ref']} · from {row['start']}{ends}"
            f" · {paid} · {due}")
        self.focus_after("#package-matches")
        self.refresh_preview()

    def focus_after(self, selector: str) -> None:
        fields = list(self.query("Input, Select"))
        after = self.query_one(selector)
        later = [widget for widget in fields if widget.region.y > after.region.y]
        if later:
            later[0].focus()


def package_line(row: dict, money) -> str:
    """One package in the look-up list."""
    due = "" if row["weekly_due_pence"] is None else f"{money(row['weekly_due_pence'])}/wk"
    state = "" if row["state"] == "authorised" else f" ({row['state']})"
    return f"{row['package']:<9} {row['payee_name'][:18]:<18} {row['case_ref'][:12]:<12} {due:>12}{state}"


class PackageChangeForm(PackageForm):
    """A new weekly reward fee from a date after the days already paid."""

    TITLE = "Change a package's reward"
    OPERATION = "change_package"

    def compose_fields(self) -> ComposeResult:
        yield from self.package_field()
        yield from self.field("From", Input(id="from-date", placeholder="YYYY-MM-DD", max_length=10, compact=True))
        yield from self.field("Reward £/wk", Input(id="reward", placeholder="120.00", max_length=12, compact=True))
        yield from self.field("Reason", Input(id="reason", max_length=200, compact=True))

    def refresh_preview(self) -> None:
        self.preview("")
        from_date, reward = typed_date(self.value("#from-date")), self.pence("#reward")
        if self.package is None or self.policy is None or from_date is None or reward is None:
            return
        row, day = self.package, date.fromisoformat(from_date)
        if row["paid_to"] and from_date <= row["paid_to"]:
            self.preview(f"{row['package']} is paid to {row['paid_to']}: a change can start the day after.", warn=True)
            return
        try:
            package = allowance.Package(date.fromisoformat(row["dob"]), date.fromisoformat(row["start"]), reward,
                                        date.fromisoformat(row["end_date"]) if row["end_date"] else None)
        except ValueError as error:
            self.preview(f"{error}.", warn=True)
            return
        self.preview(f"From {day_words(from_date)} {day.year}: {due_words(package, self.policy, day, self.app.money)}.")

    def request(self) -> dict | None:
        from_date, reward = typed_date(self.value("#from-date")), self.pence("#reward")
        if self.missing(("package (pick one from the list)", self.package is not None),
                        ("from (YYYY-MM-DD)", from_date is not None), ("weekly reward", reward is not None),
                        ("reason", bool(self.value("#reason")))):
            return None
        return {"package": self.package["package"], "from_date": from_date, "reward_pence": reward,
                "reason": self.value("#reason")}


class PackageEndForm(PackageForm):
    """The last day paid; an end inside days a closed run paid shows the overpayment before it is posted."""

    TITLE = "End a care package"
    OPERATION = "end_package"

    def compose_fields(self) -> ComposeResult:
        yield from self.package_field()
        yield from self.field("Last day paid", Input(id="end-date", placeholder="YYYY-MM-DD", max_length=10,
                                                     compact=True))
        yield from self.field("Reason", Input(id="reason", max_length=200, compact=True))

    def asking(self, what: str) -> tuple:
        if what == "end":
            return (self.package["package"] if self.package else "", typed_date(self.value("#end-date")))
        return super().asking(what)

    def refresh_preview(self) -> None:
        package, end = self.asking("end")
        if not package or end is None:
            self.preview("")
            return
        self.look_up("end", lambda: self.app.desk.package_end_effect(package, end))

    def looked_up(self, what: str, answer) -> None:
        if what != "end":
            super().looked_up(what, answer)
            return
        if answer is None:
            self.preview("")
            return
        row, money = answer["package"], self.app.money
        if answer["overpaid_pence"]:
            self.preview(f"{row['package']} is paid to {row['paid_to']}: ending it on {self.asking('end')[1]} "
                         f"overpays {answer['days']} day{'s' * (answer['days'] != 1)}, "
                         f"{money(answer['overpaid_pence'])}. That becomes debt OP-{row['package']}, taken from "
                         f"{row['payee']}'s next run (never below zero); the rest can be paid at the counter.",
                         warn=True)
        else:
            paid = f"paid to {row['paid_to']}" if row["paid_to"] else "not paid yet"
            self.preview(f"{row['package']} is {paid}: nothing is overpaid.")

    def request(self) -> dict | None:
        end = typed_date(self.value("#end-date"))
        if self.missing(("package (pick one from the list)", self.package is not None),
                        ("last day paid (YYYY-MM-DD)", end is not None), ("reason", bool(self.value("#reason")))):
            return None
        return {"package": self.package["package"], "on": end, "reason": self.value("#reason")}
