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


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve_console(db: str | None, host: str, port: int, public: bool) -> int:
    """Serve the console to browsers: each tab is its own console process with its own sign-in."""
    import shlex
    import sys

    from console.parser import UsageError
    from ledger.store import LedgerMissing

    path = resolve_db_path(db)
    if not path.exists():
        raise LedgerMissing(f"no ledger at {path}: create one with `cashdesk init` or `cashdesk demo --no-ui`")
    if host not in LOOPBACK and not host.startswith("127.") and not public:
        raise UsageError(f"cashdesk serve: {host} is not loopback; add --public (and put a TLS reverse "
                         "proxy in front of it)")
    if host not in LOOPBACK and not host.startswith("127."):
        print("warning: serving beyond this machine: the page must sit behind a TLS reverse proxy "
              "(see README)", file=sys.stderr)
    from textual_serve.server import Server

    command = shlex.join([sys.executable, "-m", "console.cli", "--db", str(path.resolve())])
    print(f"cashdesk console for {path} at http://{host}:{port}/  (ctrl+c stops the server)")
    Server(command, host=host, port=port, title="cashdesk").serve()
    return 0
