"""`cashdesk`: the headless command line. Exit 0 done, 1 verification failed, 2 usage, 3 refused, 4 the
database cannot be used. No traceback ever reaches the user."""

from __future__ import annotations

import json
import os
import sys
import unicodedata

from console.parser import UsageError, build_parser
from ledger.refusals import Refused

EXIT_OK, EXIT_VERIFY_FAILED, EXIT_USAGE, EXIT_REFUSED, EXIT_DATABASE, EXIT_INTERNAL = 0, 1, 2, 3, 4, 70


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure becomes one line on stderr and an exit code."""
    from ledger.store import LedgerMissing, StoreError

    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            from console.run import run_console

            return run_console(args.db)
        from console import commands

        return commands.run(args)
    except UsageError as error:
        return _fail(EXIT_USAGE, f"{error}")
    except Refused as refusal:
        if getattr(args, "json", False):
            print(json.dumps({"outcome": refusal.outcome.value, "message": refusal.message}))
        return _fail(EXIT_REFUSED, f"refused: {refusal.outcome.value}: {refusal.message}")
    except LedgerMissing as error:
        return _fail(EXIT_USAGE, f"cashdesk: {error}")
    except StoreError as error:
        return _fail(EXIT_DATABASE, f"cashdesk: {error}")
    except KeyboardInterrupt:
        return _fail(130, "cashdesk: interrupted; nothing half-written is kept")
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
    except OSError as error:
        return _fail(EXIT_DATABASE, f"cashdesk: {error.strerror or error}: {error.filename or ''}".rstrip(": "))
    except SystemExit as exit_:
        return int(exit_.code or 0) if isinstance(exit_.code, int) else EXIT_USAGE
    except Exception as error:  # a bug: still one line, never a traceback
        if os.environ.get("CASHDESK_DEBUG"):
            raise
        return _fail(EXIT_INTERNAL, f"cashdesk: internal error ({type(error).__name__}: {error}); "
                     "nothing was changed by it; please report it (CASHDESK_DEBUG=1 shows details)")


def _fail(code: int, line: str) -> int:
    print(printable(line), file=sys.stderr)
    return code


def printable(text: str) -> str:
    """One line a terminal shows as text: control and format characters escaped, never obeyed."""
    return "".join(f"\\x{ord(ch):02x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
