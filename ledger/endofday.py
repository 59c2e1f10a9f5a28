"""The day's close: the officer's blind count, a supervisor's recount request or sign-off."""

from __future__ import annotations

from pathlib import Path

from ledger import rules
from ledger.anchors import AnchorLine, append_anchor, default_anchor_log
from ledger.counter import OFFICER, _denominations_total, till
from ledger.records import Body
from ledger.refusals import Outcome, Refused
from ledger.service import Actor, LedgerCore, Posted, two_postings
from ledger.store import StoreError, Writer

SUPERVISOR = ("supervisor",)


class AnchorLogUnwritable(StoreError):
    """The sign-off was written but its anchor could not be appended to the log."""


class EndOfDayOps(LedgerCore):
    """Count (blind), recount, sign-off. The expected figure is never part of the officer's answer."""

    def declare_count(self, actor: Actor, *, denominations: dict[int, int], cheques_counted: int,
                      unused_serials: tuple[int, ...] = (), entry_id: str | None = None) -> Posted:
        def fields() -> dict:
            return {"officer": actor.username, "cash_pence_counted": _denominations_total(denominations),
                    "cheques_counted": cheques_counted,
                    "denominations": {str(k): v for k, v in sorted(denominations.items(), reverse=True) if v},
                    "unused_serials": tuple(sorted(set(unused_serials)))}

        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            session = writer.uncounted_session(actor.username)
            if session is None:
                closed = writer.session(actor.username, self.london_date())
                if closed is not None:
                    raise Refused(Outcome.DAY_CLOSED, f"{actor.username}'s day {closed['business_date']} is "
                                  "already counted: a supervisor can send it back for a recount")
                raise Refused(Outcome.NOT_COUNTED, f"{actor.username} has no open day to count")
            return session["business_date"], {}

        return self._post(actor, "count_declared", OFFICER, fields, decide, entry_id)

    def request_recount(self, actor: Actor, *, officer: str, business_date: str, reason: str,
                        entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            self._counted_day(writer, actor, officer, business_date)
            return business_date, {}

        return self._post(actor, "recount_requested", SUPERVISOR, {"officer": officer, "reason": reason},
                          decide, entry_id)

    def sign_off(self, actor: Actor, *, officer: str, business_date: str, reason: str | None = None,
                 entry_id: str | None = None) -> Posted:
        """Post the variance, lock the day, and record the head the sign-off was made against."""
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            figures = self.reconciliation(writer, officer, business_date, actor)
            variance_pence = figures["cash_pence_variance"]
            differences = _differences(figures)
            if differences and not reason:
                raise Refused(Outcome.VARIANCE_REASON_REQUIRED, "; ".join(differences) + ": give a reason")
            head_seq, head_hash = writer.head()
            return business_date, {**figures, "head_seq": head_seq, "head_hash": head_hash,
                                   "postings": _variance_postings(officer, variance_pence)}

        posted = self._post(actor, "day_signed_off", SUPERVISOR, {"officer": officer, "reason": reason},
                            decide, entry_id)
        if posted.outcome is Outcome.APPENDED:
            self._log_anchor(posted)
        return posted

    def anchor_log_path(self) -> Path:
        with self.store.reading() as reader:
            configured = reader.setting("anchor_log_path")
        return Path(configured) if configured else default_anchor_log(self.store.location)

    def _log_anchor(self, posted: Posted) -> None:
        entry = posted.entry
        line = AnchorLine(f"{entry.seq}:{entry.hash}", entry.business_date, posted.body["officer"], entry.actor,
                          entry.recorded_at)
        path = self.anchor_log_path()
        try:
            append_anchor(path, line)
        except OSError as error:
            raise AnchorLogUnwritable(
                f"the sign-off is recorded at seq {entry.seq}, but the anchor log {path} could not be "
                f"written ({error.strerror}); note the anchor {line.anchor} and fix the path"
            ) from None

    def days_waiting(self, supervisor: Actor) -> list[dict]:
        """Every day not yet signed off, oldest first; expected figures only where counted and
        only for a supervisor who is not that officer (the count stays blind to the officer)."""
        with self.store.reading() as reader:
            self._check_actor(reader, supervisor, SUPERVISOR)
            rows = []
            for session in reader.days_not_signed_off():
                row = {"officer": session["officer"], "business_date": session["business_date"],
                       "state": session["state"]}
                if session["state"] == "counted" and session["officer"] != supervisor.username:
                    row.update(self.reconciliation(reader, session["officer"], session["business_date"],
                                                   supervisor))
                rows.append(row)
        return rows

    def reconciliation(self, reader, officer: str, business_date: str, supervisor: Actor) -> dict:
        """Expected against counted for a declared day; only for a supervisor who is not the officer."""
        count = self._counted_day(reader, supervisor, officer, business_date)
        totals = reader.day_totals(officer, business_date)
        counted = count.body_dict()
        return {
            "cash_pence_expected": totals["cash_pence"],
            "cash_pence_counted": counted["cash_pence_counted"],
            "cash_pence_variance": counted["cash_pence_counted"] - totals["cash_pence"],
            "cheques_expected": totals["cheques"],
            "cheques_counted": counted["cheques_counted"],
            "warrants_issued": totals["warrants_issued"],
            "serials_declared": len(counted.get("unused_serials", ())),
            "serials_not_in_stock": tuple(reader.serials_not_in_stock(counted.get("unused_serials", ()))),
        }

    def _counted_day(self, reader, supervisor: Actor, officer: str, business_date: str):
        session = reader.session(officer, business_date)
        if session is None or session["state"] == "signed_off":
            raise Refused(Outcome.DAY_CLOSED if session else Outcome.NOT_COUNTED,
                          f"{officer}'s day {business_date} is "
                          + ("already signed off" if session else "not a day they worked"))
        if session["state"] != "counted":
            raise Refused(Outcome.NOT_COUNTED, f"{officer} has not declared the count for {business_date}")
        rules.raise_first(rules.check_authoriser(supervisor.username, {"supervisor"}, officer))
        return reader.entry(session["count_seq"])


def _differences(figures: dict) -> list[str]:
    """What does not agree, in words: only the parts that differ."""
    parts = []
    variance_pence = figures["cash_pence_variance"]
    if variance_pence:
        parts.append(f"the cash is {rules.pounds(abs(variance_pence))} {'short' if variance_pence < 0 else 'over'}")
    if figures["cheques_counted"] != figures["cheques_expected"]:
        parts.append(f"cheques are {figures['cheques_counted']} of {figures['cheques_expected']} expected")
    if figures["serials_not_in_stock"]:
        serials = ", ".join(map(str, figures["serials_not_in_stock"][:5]))
        parts.append(f"declared unused warrant serials not in stock: {serials}")
    return parts


def _variance_postings(officer: str, variance_pence: int):
    """A shortage is an expense; an overage is income. Either way the till ends at the count."""
    if variance_pence < 0:
        return two_postings("Expenses:CashVariance", till(officer), -variance_pence)
    if variance_pence > 0:
        return two_postings(till(officer), "Income:CashVariance", variance_pence)
    return ()
