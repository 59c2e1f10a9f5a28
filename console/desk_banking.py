"""The console's ledger calls for income reconciliation and reference rules (mixed into `Desk`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.bank_reconcile import StatementImport
    from ledger.references import ReferenceRule
    from ledger.service import Actor


class BankingDesk:
    """Each call opens its own ledger (`self._with`), as every Desk call does."""

    def banking(self) -> list[dict]:
        """`report banking` as of today: bags from banked to settled, then unexplained statement lines."""
        from ledger.bank_report import banking

        return self._with(lambda ledger: banking(ledger.store, self.today()))

    def _profiles(self) -> dict:
        """The shipped profiles and the office's own, from the rules file beside the ledger."""
        from ledger.location import sidecar_path
        from ledger.statement_profiles import OFFICE_RULES_SUFFIX, load_profiles

        return load_profiles(sidecar_path(self.path, OFFICE_RULES_SUFFIX))

    def statement_profiles(self) -> list[tuple[str, str]]:
        """(name, description) of every profile: shipped, and the office's beside the ledger."""
        return [(profile.name, profile.description) for profile in self._profiles().values()]

    def import_statement(self, actor: Actor, path: str, profile_name: str) -> StatementImport:
        profile = self._profiles()[profile_name]
        return self._with(lambda ledger: ledger.import_statement(actor, path, profile))

    def reference_rules(self) -> dict[str, ReferenceRule]:
        """The rules in force, by reference type: forms check what is typed against them as it is typed."""
        from ledger.references import rules_from

        def read(ledger):
            with ledger.store.reading() as reader:
                return rules_from(reader)
        return self._with(read)
