"""The finance desk's calls from the console (mixed into `Desk`): each opens its own connection, does one thing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ledger import finance_reports, finance_views

if TYPE_CHECKING:
    from datetime import date, datetime

    from ledger import allowance, payplan
    from ledger.book import Ledger

#: How many waiting items the queues hold: several screens' worth, the oldest keyed first.
QUEUE_ROWS = 60


class FinanceDesk:
    """Reads for the finance home, its forms, the authorisation queue and the pay-run screens."""

    clock: Callable[[], datetime]
    _with: Callable[[Callable[[Ledger], Any]], Any]

    def work_queue(self, supervisor: str = "", limit: int = QUEUE_ROWS) -> finance_views.WorkQueue:
        """Items awaiting authorisation and the cut-off they must meet (`supervisor`: with their limit)."""
        return self._with(lambda ledger: finance_views.work_queue(ledger.store, self.clock(), limit, supervisor))

    def item_for_authoriser(self, item: str, supervisor: str) -> dict | None:
        return self._with(lambda ledger: finance_views.item_for_authoriser(ledger.store, item, supervisor))

    def payees_like(self, text: str) -> list[dict]:
        return self._with(lambda ledger: finance_views.payees_like(ledger.store, text))

    def invoice_check(self, payee: str, invoice_no: str, amount_pence: int | None,
                      invoice_date: str | None) -> dict | None:
        """The earlier invoice this one may duplicate, and by which rule (None: none found)."""
        return self._with(lambda ledger: finance_views.invoice_check(
            ledger.store, payee, invoice_no, amount_pence, invoice_date))

    def packages_like(self, text: str, today: date) -> list[dict]:
        return self._with(lambda ledger: finance_views.packages_like(ledger.store, text, today))

    def package_end_effect(self, package: str, end: str) -> dict | None:
        return self._with(lambda ledger: finance_views.package_end_effect(ledger.store, package, end))

    def allowance_policy(self) -> allowance.Policy:
        return self._with(lambda ledger: finance_views.policy(ledger.store))

    # -- pay runs --------------------------------------------------------------------------
    def payruns(self) -> list[dict]:
        return self._with(lambda ledger: finance_reports.payruns(ledger.store))

    def payrun_plan(self, run: str) -> payplan.RunPlan:
        """The run's lines and exceptions: as it would close now, or as it closed."""
        return self._with(lambda ledger: ledger.preview_payrun(run))

    def export_payrun(self, run: str, target: Path) -> dict:
        """Write a closed run's file to `target` (mode 0640, replacing it); its size and sha256."""
        import hashlib

        from console.files import write_private

        data = self._with(lambda ledger: ledger.export_payrun(run))
        write_private(str(target), data)
        return {"path": target, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
