"""`cashdesk serve`: loopback unless told otherwise, the address to open printed, a warning beyond
this machine, the proxy's address handed to the page, and one clear line for every bad start."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from cli_support import failed, head_of, run
from console.run import is_loopback, local_url
from serve_support import Served, free_port

WARNING = "warning: serving beyond this machine: the page must sit behind a TLS reverse proxy"


@pytest.fixture
def ledger_location(tmp_path: Path) -> Path:
    """On SQLite only: these tests are about serving (addresses, ports, the proxy), the same whichever store,
    and Served keeps its output beside the ledger's file. Serving a PostgreSQL ledger, its URL kept out of the
    console's command line, is in test_cli_postgres.py."""
    return tmp_path / "ledger.db"


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("LOCALHOST", True), ("::1", True),
    ("0.0.0.0", False), ("::", False), ("10.1.2.3", False), ("192.0.2.1", False), ("fe80::1", False),
    ("counter.example.council", False), ("127.0.0.1.example.org", False),
])
def test_only_loopback_addresses_count_as_loopback(host: str, loopback: bool):
    assert is_loopback(host) is loopback


def test_the_address_to_open_is_one_a_browser_can_open():
    assert local_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert local_url("::1", 8000) == "http://[::1]:8000"
    assert local_url("0.0.0.0", 8123) == f"http://{socket.gethostname()}:8123"


def test_serve_listens_on_loopback_and_prints_the_address(cli):
    served = Served(cli.db).start()
    try:
        page = served.page()
    finally:
        assert served.stop() == 0, served.output()
    assert f"open http://127.0.0.1:{served.port}/ in a browser" in served.stdout.read_text()
    assert served.stderr.read_text() == ""
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page


def test_behind_a_proxy_the_page_addresses_the_proxy(cli):
    served = Served(cli.db, "--public-url", "https://counter.example.council/").start()
    try:
        page = served.page()
    finally:
        assert served.stop() == 0, served.output()
    assert "open https://counter.example.council/ in a browser" in served.stdout.read_text()
    assert 'data-session-websocket-url="wss://counter.example.council/ws"' in page
    assert 'src="https://counter.example.council/static/js/textual.js"' in page
    assert f"127.0.0.1:{served.port}" not in page


def test_beyond_loopback_it_warns_about_tls(cli):
    """--host 0.0.0.0 --public, only for as long as it takes to read the warning."""
    served = Served(cli.db, "--host", "0.0.0.0", "--public").start()
    assert served.stop() == 0, served.output()
    assert served.stderr.read_text().startswith(WARNING)
    assert f"open http://{socket.gethostname()}:{served.port}/ in a browser" in served.stdout.read_text()


@pytest.mark.parametrize("args, said", [
    (("--host", "0.0.0.0"), "0.0.0.0 is not loopback; add --public"),
    (("--host", "10.1.2.3"), "10.1.2.3 is not loopback; add --public"),
    (("--host", "counter.example.council"), "counter.example.council is not loopback; add --public"),
    (("--host", "192.0.2.1", "--public"), "cannot listen on 192.0.2.1 port"),
    (("--host", "no-such-host.invalid", "--public"), "cannot listen on no-such-host.invalid port"),
    (("--port", "0"), "'0' is not a whole number from 1 up"),
    (("--port", "65536"), "'65536' is not a port (1 to 65535)"),
    (("--port", "eighty"), "'eighty' is not a whole number"),
    (("--public-url", "ftp://counter.example.council"), "is not an http:// or https:// address"),
    (("--public-url", "counter.example.council"), "is not an http:// or https:// address"),
    (("--public-url", "https://counter.example.council/?x=1"), "is not an http:// or https:// address"),
])
def test_a_bad_start_is_one_line_and_exit_2(cli, args: tuple[str, ...], said: str):
    head = head_of(cli.db)
    line = failed(run("serve", "--port", str(free_port()), *args, db=cli.db), 2)
    assert said in line, line
    assert head_of(cli.db) == head


def test_a_port_in_use_is_one_line(cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        line = failed(run("serve", "--port", str(taken.getsockname()[1]), db=cli.db), 2)
    assert "Address already in use" in line


def test_no_ledger_no_server(tmp_path: Path):
    line = failed(run("serve", "--port", str(free_port()), db=tmp_path / "none.db"), 2)
    assert "no ledger at" in line and "cashdesk demo --no-ui" in line
    assert not (tmp_path / "none.db").exists()
