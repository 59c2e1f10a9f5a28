"""Where the ledger lives: --db, else $CASHDESK_DB, else ledger.db in the user data directory. Either is
a file's path or a postgresql:// URL."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from ledger.location import is_database_url


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("cashdesk", appauthor=False)) / "ledger.db"


def resolve_db_path(cli_value: str | None) -> Path | str:
    """A SQLite file's path, or a postgresql:// URL as given."""
    value = cli_value or os.environ.get("CASHDESK_DB")
    if not value:
        return default_db_path()
    return value if is_database_url(value) else Path(value)
