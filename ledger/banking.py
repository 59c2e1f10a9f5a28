"""Banking a signed-off day: the takings leave in a numbered bag, the float goes back to the safe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.counter import till
from ledger.records import Body, Posting
from ledger.refusals import Outcome, Refused
from ledger.service import Actor, LedgerCore, Posted

if TYPE_CHECKING:
    from ledger.store import Writer

BANKERS = ("supervisor",)


class BankingOps(LedgerCore):
    """`cash_banked`: only after sign-off, only once per officer and day, one bag number once."""

    def bank(self, actor: Actor, *, officer: str, business_date: str, bag: str,
             entry_id: str | None = None) -> Posted:
        def decide(writer: Writer, request: Body) -> tuple[str, dict]:
            session = writer.session(officer, business_date)
            _check_bankable(officer, business_date, session)
            used = writer.bag(request.bag)
            if used is not None:
                raise Refused(Outcome.BAG_USED, f"bag {request.bag} already carried {used['officer']}'s "
                              f"takings of {used['business_date']}")
            cash_pence = writer.account_balance_pence(till(officer), business_date)
            float_pence = min(session["float_pence"], cash_pence)
            takings_pence = cash_pence - float_pence
            if takings_pence <= 0:
                raise Refused(Outcome.NOTHING_TO_BANK,
                              f"{officer}'s till for {business_date} holds no takings beyond the float")
            postings = (
                Posting(account="Assets:CashInTransit", amount_pence=takings_pence),
                Posting(account="Assets:Safe", amount_pence=float_pence),
                Posting(account=till(officer), amount_pence=-cash_pence),
            )
            return business_date, {"amount_pence": takings_pence, "float_pence": float_pence,
                                   "postings": tuple(p for p in postings if p.amount_pence)}

        fields = {"officer": officer, "bag": bag}
        return self._post(actor, "cash_banked", BANKERS, fields, decide, entry_id)


def _check_bankable(officer: str, business_date: str, session: dict | None) -> None:
    if session is None or session["state"] != "signed_off":
        raise Refused(Outcome.NOT_SIGNED_OFF,
                      f"{officer}'s day {business_date} is not signed off: only signed-off takings are banked")
    if session["banked_seq"] is not None:
        raise Refused(Outcome.ALREADY_BANKED,
                      f"{officer}'s takings of {business_date} were banked at seq {session['banked_seq']}")
