"""Starting the console: in this terminal (`cashdesk`, `cashdesk demo`) or in a browser (`cashdesk serve`)."""

from __future__ import annotations

from console.settings import resolve_db_path


def run_console(db: str | None) -> int:
    """Run the Textual console on the ledger until the user quits; exit 0, terminal restored."""
    from console.app import CashdeskApp
    from console.desk import Desk
    from ledger.store import LedgerMissing, describe, ledger_exists

    path = resolve_db_path(db)
    if not ledger_exists(path):
        raise LedgerMissing(f"no ledger at {describe(path)}: create one with `cashdesk init` or try `cashdesk demo`")
    result = CashdeskApp(Desk(path)).run()
    return result if isinstance(result, int) else 0


def serve_console(db: str | None, host: str, port: int, public: bool, public_url: str | None = None) -> int:
    """Serve the console to browsers: each tab is its own console process with its own sign-in."""
    import shlex
    import sys

    from console.parser import UsageError
    from ledger.store import LedgerMissing, describe, ledger_exists

    path = resolve_db_path(db)
    if not ledger_exists(path):
        raise LedgerMissing(f"no ledger at {describe(path)}: create one with `cashdesk init` or `cashdesk demo --no-ui`")
    if not is_loopback(host) and not public:
        raise UsageError(f"cashdesk serve: {host} is not loopback; add --public (and put a TLS reverse "
                         "proxy in front of it)")
    address = public_url or local_url(host, port)
    reason = cannot_listen(host, port)
    if reason:
        raise UsageError(f"cashdesk serve: cannot listen on {host} port {port}: {reason}")
    if not is_loopback(host):
        print("warning: serving beyond this machine: the page must sit behind a TLS reverse proxy "
              "(https), given as --public-url (see README)", file=sys.stderr, flush=True)
    from textual_serve.server import Server

    command = shlex.join([sys.executable, "-m", "console.cli", *_db_argument(path)])
    _name_the_terminal(port)
    print(f"cashdesk console for {describe(path)}\nopen {address}/ in a browser (each tab is its own console; "
          "ctrl+c stops the server)", flush=True)
    try:
        Server(command, host=host, port=port, title="cashdesk", public_url=address).serve()
    except OSError as error:
        raise UsageError(f"cashdesk serve: cannot listen on {host} port {port}: {error.strerror or error}") from None
    return 0


def _db_argument(path) -> list[str]:
    """How each tab's console process is told the ledger: a file by --db; a URL through the environment,
    which the tabs inherit, so that no password shows in the process list."""
    import os

    from ledger.store import is_database_url

    if is_database_url(path):
        os.environ["CASHDESK_DB"] = path
        return []
    return ["--db", str(path.resolve())]


def is_loopback(host: str) -> bool:
    """Only this machine can reach the address: localhost, 127.0.0.0/8 or ::1."""
    import ipaddress

    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # any other name may resolve beyond this machine
        return False


def local_url(host: str, port: int) -> str:
    """The address a browser opens when no proxy stands in front: IPv6 in brackets, and this
    machine's name for a wildcard address (0.0.0.0 or ::), which no browser can open."""
    import socket

    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen there (a port in use, an address not on this machine), or None."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
            probe.bind((host, port))
        return None
    except OSError as error:
        return error.strerror or str(error)


def _name_the_terminal(port: int) -> None:
    """Entries made in a browser tab name this host and `web`, not a tty (tabs inherit the variable)."""
    import os
    import socket

    os.environ.setdefault("CASHDESK_TERMINAL", f"{socket.gethostname()}:web{port}")
