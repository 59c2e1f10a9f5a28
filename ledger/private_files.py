"""Files cashdesk writes besides the ledger (exports, reports, PDFs, the anchor log): owner and group only.

They name people and amounts as the ledger does, so they get the ledger's mode, 0640, whatever
the umask. A whole file (an export, a report) is written beside its target and renamed over it
when complete, so a reader never sees half of one and a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Iterator

PRIVATE_FILE_MODE = 0o640


@contextlib.contextmanager
def replaced_privately(target: str | os.PathLike, *, binary: bool = False) -> Iterator[IO]:
    """Open a private `<target>.partial` for writing; on success it replaces `target`, on failure it goes."""
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, PRIVATE_FILE_MODE)
    except OSError as error:  # name the file asked for, not its .partial
        raise OSError(error.errno, error.strerror, str(target)) from None
    try:
        os.fchmod(descriptor, PRIVATE_FILE_MODE)  # whatever the umask, and whatever a stale .partial had
        text = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(descriptor, "wb" if binary else "w", **text) as out:
            descriptor = -1  # the file object owns it now
            yield out
        os.replace(partial, target)
    except BaseException:
        if descriptor >= 0:
            os.close(descriptor)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise


def append_privately(path: Path, text: str) -> None:
    """Append `text` and fsync it; a file this creates is private (an existing one keeps its mode)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        os.fchmod(descriptor, PRIVATE_FILE_MODE)
    except FileExistsError:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND)
    with os.fdopen(descriptor, "a", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
