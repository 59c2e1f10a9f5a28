"""Starting the console: in this terminal (`cashdesk`, `cashdesk demo`) or in a browser (`cashdesk serve`)."""

from __future__ import annotations

from console.settings import resolve_db_path


def run_console(db: str | None) -> int:
    """Run the Textual console on the ledger until the user quits; exit 0, terminal restored."""
    from console.app import CashdeskApp
    from console.desk import Desk
    from ledger.store import LedgerMissing

    path = resolve_db_path(db)
    if not path.exists():
        raise LedgerMissing(f"no ledger at {path}: create one with `cashdesk init` or try `cashdesk demo`")
    result = CashdeskApp(Desk(path)).run()
    return result if isinstance(result, int) else 0
