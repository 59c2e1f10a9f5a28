"""Income reconciliation: statement lines into the ledger, bags confirmed by reference and exact amount.

A credit whose reference names exactly one bag in transit (as a whole word: `PAYIN BAG-7 RIV`
names BAG-7, `BAG-70` does not) confirms it when the amounts are equal (`banking_confirmed`:
Assets:Bank / Assets:CashInTransit); with another amount the bag is mismatched until a
supervisor resolves it with a reason (`banking_resolved`, the difference to BankingVariance).
The amount alone never matches anything. A line no bag explains is offered to the other
matchers (`line_matchers`: the pay run's debit plugs in there), and is otherwise unexplained.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Callable

from ledger.records import BODIES, Body, Posting, validated
from ledger.refusals import Outcome, Refused
from ledger.service import Actor, LedgerCore, Posted, two_postings
from ledger.statement_profiles import Profile
from ledger.statements import Statement, StatementLine, read_statement, read_statement_stream

if TYPE_CHECKING:
    from ledger.chain import Entry
    from ledger.store import Writer

#: Who imports statements and resolves mismatches.
RECONCILERS = ("supervisor",)
BANK, IN_TRANSIT = "Assets:Bank", "Assets:CashInTransit"
SHORT, OVER = "Expenses:BankingVariance", "Income:BankingVariance"
_WORD = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


@dataclass(frozen=True)
class ImportedLine:
    """A statement line just written, as the matchers see it."""

    entry: Entry
    line: StatementLine


#: A matcher explains one line by appending its own entry in the import's transaction, and answers
#: the line's new state (e.g. "paid"); None when the line is not its business.
LineMatcher = Callable[["Writer", Actor, ImportedLine], "str | None"]


@dataclass
class StatementImport:
    """What one import did, in lines: new ones by state, and those already in the ledger."""

    lines: int
    already_present: int = 0
    states: Counter = field(default_factory=Counter)

    @property
    def imported(self) -> int:
        return self.lines - self.already_present

    def summary(self) -> str:
        """'5 statement lines imported (0 already present): 2 confirmed, 1 mismatched, 2 unexplained'."""
        states = ", ".join(f"{count} {state}" for state, count in self.as_json().items()
                           if state not in ("outcome", "imported", "already_present"))
        return f"{self.imported} statement lines imported ({self.already_present} already present): {states}"

    def as_json(self) -> dict:
        return {"outcome": "imported", "imported": self.imported, "already_present": self.already_present,
                "confirmed": self.states["confirmed"], "mismatched": self.states["mismatched"],
                "unexplained": self.states["unexplained"],
                **{state: count for state, count in self.states.items()
                   if state not in ("confirmed", "mismatched", "unexplained")}}


def bag_named(reference: str | None, bags: dict[str, dict]) -> dict | None:
    """The one bag (of `bags`, keyed by case-folded number) that `reference` names as a whole word.

    Words are runs of letters and digits joined by single dashes; any run of whole dash-parts of
    a word counts (`REF-BAG-7-X` names BAG-7). A bag named inside a longer bag number found in the
    same reference does not count; two different bags named is no match at all."""
    if not reference:
        return None
    found: dict[str, dict] = {}
    for word in _WORD.findall(reference):
        parts = word.casefold().split("-")
        for start in range(len(parts)):
            for end in range(start + 1, len(parts) + 1):
                candidate = "-".join(parts[start:end])
                if candidate in bags:
                    found[candidate] = bags[candidate]
    named = [key for key in found if not any(key != other and f"-{key}-" in f"-{other}-" for other in found)]
    return found[named[0]] if len(named) == 1 else None


class StatementOps(LedgerCore):
    """`bank import` and `banking resolve`."""

    def import_statement(self, actor: Actor, source: str | os.PathLike | IO[str], profile: Profile) -> StatementImport:
        """A statement file (a path, or a text stream opened with newline=''): who is acting first; then
        every row, streamed and checked; then all of its new lines in one transaction. A line already
        imported (the same duplicate key) adds nothing."""
        with self.store.reading() as reader:
            self._check_actor(reader, actor, RECONCILERS)
        statement = (read_statement(source, profile, self.london_date()) if isinstance(source, (str, os.PathLike))
                     else read_statement_stream(source, profile, self.london_date()))
        with self.store.writing() as writer:
            self._check_actor(writer, actor, RECONCILERS)
            return self._import_lines(writer, actor, statement)

    def _import_lines(self, writer: Writer, actor: Actor, statement: Statement) -> StatementImport:
        profile = statement.profile.name
        result = StatementImport(len(statement.lines))
        in_transit = {row["bag"].casefold(): row for row in writer.bags_in_transit()}
        for line in statement.lines:
            digest = line.digest(profile)
            if writer.entry_by_id(f"stmt-{digest}") is not None:
                result.already_present += 1
                continue
            bag = bag_named(line.reference, in_transit) if line.amount_pence > 0 else None
            fields = {**line.body_fields(profile), "bag": bag["bag"] if bag else None}
            body = validated(BODIES["statement_line_imported"], **fields).dump()
            entry = self._append(writer, "statement_line_imported", actor.username, self.london_date(), body,
                                 f"stmt-{digest}")
            if bag is not None:
                in_transit.pop(bag["bag"].casefold())
                state = self._confirm(writer, actor, entry, bag, line, digest)
            else:
                state = self.explain_line(writer, actor, ImportedLine(entry, line)) or "unexplained"
            result.states[state] += 1
        return result

    def _confirm(self, writer: Writer, actor: Actor, entry: Entry, bag: dict, line: StatementLine,
                 digest: str) -> str:
        """The bag's own amount confirms it; any other amount leaves it mismatched for a supervisor."""
        if line.amount_pence != bag["amount_pence"]:
            return "mismatched"
        body = validated(BODIES["banking_confirmed"], bag=bag["bag"], line_seq=entry.seq,
                         amount_pence=line.amount_pence).model_copy(update={
                             "postings": two_postings(BANK, IN_TRANSIT, line.amount_pence)}).dump()
        self._append(writer, "banking_confirmed", actor.username, self.london_date(), body, f"bankc-{digest}")
        return "confirmed"

    def explain_line(self, writer: Writer, actor: Actor, imported: ImportedLine) -> str | None:
        """Offer a line no bag explains to the other matchers, in order; the first that explains it
        (appending its own entry in this transaction) names the line's state."""
        for matcher in self.line_matchers():
            state = matcher(writer, actor, imported)
            if state:
                return state
        return None

    def line_matchers(self) -> tuple[LineMatcher, ...]:
        """The matchers after the bags': today the pay run's (a debit whose text holds exactly one run id,
        equal to that closed run's total, marks the run paid: `PayRunOps.match_payrun_debit`). A matcher writes with
        `self._append(writer, …)` inside the import's transaction (never a `_post`, which would open a
        second one), and its entry's projection calls
        ledger.store.bank_projections.mark_line_explained(conn, line_seq, "paid", seq)."""
        matcher = getattr(self, "match_payrun_debit", None)  # PayRunOps, in the composed Ledger
        return (matcher,) if matcher is not None else ()

    def resolve_banking(self, actor: Actor, *, bag: str, reason: str, entry_id: str | None = None) -> Posted:
        """Settle a mismatched bag: the statement's amount to the bank, the bag's out of transit, the
        difference to BankingVariance. Never by whoever banked the bag or whose takings it held."""
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            row = writer.bank_bag(request.bag)
            if row is None:
                raise Refused(Outcome.BAG_UNKNOWN, f"no bag {request.bag} was banked")
            if row["state"] != "mismatched":
                words = {"in_transit": "is still in transit: no statement line names it yet",
                         "confirmed": "was confirmed by the bank statement", "resolved": "was already resolved"}
                raise Refused(Outcome.BAG_NOT_MISMATCHED, f"bag {request.bag} {words[row['state']]}")
            banker = writer.entry(row["banked_seq"]).actor
            if actor.username in (banker, row["officer"]):
                role = "banked" if actor.username == banker else "took the takings in"
                raise Refused(Outcome.OWN_ENTRY, f"{actor.username} {role} bag {request.bag}: "
                              "a different supervisor must resolve its mismatch")
            return self.london_date(), _resolution(row)

        return self._post(actor, "banking_resolved", RECONCILERS, {"bag": bag, "reason": reason}, decide, entry_id)


def _resolution(row: dict) -> dict:
    banked_pence, statement_pence = row["amount_pence"], row["statement_pence"]
    variance_pence = statement_pence - banked_pence
    variance = (Posting(account=SHORT, amount_pence=-variance_pence) if variance_pence < 0
                else Posting(account=OVER, amount_pence=-variance_pence))
    postings = (Posting(account=BANK, amount_pence=statement_pence),
                Posting(account=IN_TRANSIT, amount_pence=-banked_pence), variance)
    return {"line_seq": row["line_seq"], "banked_pence": banked_pence, "statement_pence": statement_pence,
            "variance_pence": variance_pence, "postings": postings}
