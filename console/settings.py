"""Where the ledger lives: --db, else $CASHDESK_DB, else ledger.db in the user data directory."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("cashdesk", appauthor=False)) / "ledger.db"


def resolve_db_path(cli_value: str | None) -> Path:
    if cli_value:
        return Path(cli_value)
    if os.environ.get("CASHDESK_DB"):
        return Path(os.environ["CASHDESK_DB"])
    return default_db_path()
