"""Files the command line writes (pay-run exports): readable by owner and group only, like the ledger."""

from __future__ import annotations

import os

from console.parser import UsageError

PRIVATE_FILE_MODE = 0o640


def write_private(path: str, data: bytes) -> None:
    """Write `data` to `path` (replacing it) as mode 0640 whatever the umask; a bad path is one line."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    except OSError as error:
        raise UsageError(f"cashdesk: cannot write {path}: {error.strerror}") from None
    with os.fdopen(descriptor, "wb") as out:
        os.fchmod(out.fileno(), PRIVATE_FILE_MODE)
        out.write(data)
