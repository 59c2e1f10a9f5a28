"""Files the command line writes (pay-run exports): readable by owner and group only, like the ledger."""

from __future__ import annotations

from console.parser import UsageError
from ledger.private_files import replaced_privately


def write_private(path: str, data: bytes) -> None:
    """Write `data` to `path` whole (replacing it) as mode 0640 whatever the umask; a bad path is one line."""
    try:
        with replaced_privately(path, binary=True) as out:
            out.write(data)
    except OSError as error:
        raise UsageError(f"cashdesk: cannot write {path}: {error.strerror}") from None
