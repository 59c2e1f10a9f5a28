"""A PostgreSQL ledger's URL on the command line: its password never printed, whatever goes wrong; another host
refused without TLS before anything is contacted; `serve` keeps the URL out of the consoles' command lines;
the console works on it; and without psycopg the one line says how to install it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import psycopg
import pytest

from cli_support import CASHDESK, answer, failed, ok, refused, run
from ledger.location import describe
from serve_support import PATIENCE_S, free_port

pytestmark = pytest.mark.postgresql

PASSWORD = "Zebra-9417-s3cret"
PINS = {"alice": "111111", "adam": "555555"}
#: TEST-NET-1 (RFC 5737): an address that belongs to nobody.
NOBODY = "192.0.2.1"


def conninfo(url: str) -> dict:
    return psycopg.conninfo.conninfo_to_dict(url)


def with_password(url: str, password: str = PASSWORD, *, in_query: bool = False) -> str:
    """The same database and role, the password in the user part of the URL (or as `password=`)."""
    parts = conninfo(url)
    where = f"/{parts['dbname']}?host={parts['host']}&port={parts['port']}"
    if in_query:
        return f"postgresql://{parts['user']}@{where}&password={password}"
    return f"postgresql://{parts['user']}:{password}@{where}"


@dataclass
class Clerk:
    """A login role that must give its password (scram-sha-256, though the cluster trusts every other role)."""

    cluster: object
    role: str

    def database(self, url: str | None = None) -> str:
        """The URL, with the password, of a database the clerk owns: `url`'s, or a new one."""
        url = url or self.cluster.fresh_database()
        self.cluster.psql(f"ALTER DATABASE {conninfo(url)['dbname']} OWNER TO {self.role}")
        return with_password(self.cluster.url(conninfo(url)["dbname"], self.role))


@pytest.fixture
def clerk(pg_cluster) -> Clerk:
    role = pg_cluster.create_login_role("clerk")
    pg_cluster.psql(f"ALTER ROLE {role} PASSWORD '{PASSWORD}'")
    hba = pg_cluster.data / "pg_hba.conf"
    hba.write_text(f"local all {role} scram-sha-256\n" + hba.read_text())
    pg_cluster.psql("SELECT pg_reload_conf()")
    wrong = with_password(pg_cluster.url("postgres", role), "not-the-password")
    for _ in range(1000):  # the server reads pg_hba.conf again when it gets to the signal: until it has
        try:
            psycopg.connect(wrong).close()
        except psycopg.OperationalError as error:
            assert "password authentication failed" in str(error)
            break
    else:
        raise AssertionError("the cluster never asked the clerk for a password")
    return Clerk(pg_cluster, role)


def shows_no_password(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert PASSWORD not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def test_the_password_is_used_and_never_printed(clerk, pg_url, tmp_path):
    url = clerk.database(pg_url)
    assert PASSWORD in url
    created = shows_no_password(ok(run("init", "--office", "Riverside", "--admin", "adam", "--pin-stdin", db=url,
                                       stdin=PINS["adam"] + "\n")))
    assert f"{describe(url)}" in created.stdout and clerk.role in describe(url)
    for args in (("head",), ("verify",), ("users", "list"), ("export", "--format", "jsonl"), ("report", "limits"),
                 ("copy", "--to", str(tmp_path / "copy.db")), ("backup", str(tmp_path / "backup.db"))):
        shows_no_password(ok(run(*args, db=url)))
    refusal = shows_no_password(run("session", "open", "--float", "10", "--as", "adam", "--pin-stdin", db=url,
                                    stdin=PINS["adam"] + "\n"))
    refused(refusal, "role_required")
    shows_no_password(ok(run("head", db=with_password(url, in_query=True))))
    shows_no_password(ok(run("head", env={"CASHDESK_DB": url})))
    target = clerk.database()
    copied = shows_no_password(ok(run("copy", "--to", target, db=tmp_path / "copy.db")))
    assert describe(target) in copied.stdout
    assert ok(run("head", db=target)).stdout == ok(run("head", db=url)).stdout


def test_no_error_prints_the_password(clerk, pg_url, tmp_path):
    url = clerk.database(pg_url)  # empty: no ledger in it yet
    parts = conninfo(url)
    user, where = parts["user"], f"host={parts['host']}&port={parts['port']}"
    cases = {
        "wrong password": (url.replace(PASSWORD, "not-the-password"), "password authentication failed"),
        "wrong database": (f"postgresql://{user}:{PASSWORD}@/no_such_db?{where}",
                           'database "no_such_db" does not exist'),
        "no server there": (f"postgresql://{user}:{PASSWORD}@/{parts['dbname']}?host={tmp_path}&port={parts['port']}",
                            "No such file or directory"),
        "a URL libpq cannot read": (f"{url}&colour=blue", "is not a PostgreSQL URL libpq can read (the form is"),
        "password in the query": (f"{with_password(url, in_query=True)}&colour=blue", "libpq can read (the form is"),
        "another host in clear text": (f"postgresql://{user}:{PASSWORD}@{NOBODY}/ledger", "another host"),
        "no ledger in it": (url, "no ledger in"),
    }
    ok(run("init", "--office", "Riverside", "--admin", "adam", "--pin-stdin", db=tmp_path / "file.db",
           stdin=PINS["adam"] + "\n"))
    for case, (bad, said) in cases.items():
        commands = [(("head",), "")]
        if case in ("wrong password", "no ledger in it"):  # a PIN read, then the same connection refused
            commands.append((("receipt", "--amount", "5", "--method", "cash", "--code", "INC1", "--payer", "P",
                              "--as", "alice", "--pin-stdin"), PINS["alice"] + "\n"))
        if case != "no ledger in it":  # demo and copy would make one there
            commands += [(("demo", "--no-ui"), ""), (("copy", "--to", bad), "")]
        for args, stdin in commands:
            result = shows_no_password(run(*args, db=tmp_path / "file.db" if args[0] == "copy" else bad, stdin=stdin))
            line = failed(result, result.returncode)
            assert result.returncode in (2, 4) and said in line, (case, args, line)
            assert "\\x0a" not in line, line


def test_another_host_needs_sslmode_and_is_refused_before_any_connection(monkeypatch):
    """Refused by the URL alone: psycopg.connect is never called (the negative control below shows it is,
    once sslmode says how)."""
    from ledger.store import LedgerUnusable, open_store
    from ledger.store import postgres

    calls = []

    def connect(conninfo, **options):
        calls.append((conninfo, options))
        raise psycopg.OperationalError("connection refused (no server in this test)")

    monkeypatch.setattr(postgres.psycopg, "connect", connect)
    for url in (f"postgresql://clerk:{PASSWORD}@{NOBODY}/ledger", f"postgresql://{NOBODY}:5433/ledger?user=x",
                f"postgresql:///ledger?host=localhost,{NOBODY}", f"postgresql:///ledger?hostaddr={NOBODY}"):
        with pytest.raises(LedgerUnusable, match="another host") as refusal:
            open_store(url)
        assert PASSWORD not in str(refusal.value)
    assert calls == []
    from ledger.store.pg_errors import LedgerUnreachable

    for mode in ("disable", "require", "verify-full"):
        with pytest.raises(LedgerUnreachable, match="cannot connect"):
            open_store(f"postgresql://clerk:{PASSWORD}@{NOBODY}/ledger?sslmode={mode}")
    assert [options["connect_timeout"] for _conninfo, options in calls] == [10, 10, 10]
    with pytest.raises(LedgerUnreachable):
        open_store(f"postgresql://{NOBODY}/ledger?sslmode=disable&connect_timeout=3")
    assert "connect_timeout" not in calls[-1][1], "the URL's own connect_timeout must win"


def test_another_host_on_the_command_line(tmp_path):
    refused_line = failed(run("head", db=f"postgresql://clerk:{PASSWORD}@{NOBODY}/ledger"), 4)
    assert refused_line == (f"cashdesk: postgresql://clerk@{NOBODY}/ledger: {NOBODY} is another host, and the URL "
                            "does not say how to use TLS; add sslmode=verify-full (or require) to the URL, or "
                            "sslmode=disable to accept a connection in clear text")
    tried = shows_no_password(run("head", db=f"postgresql://clerk:{PASSWORD}@{NOBODY}/ledger?sslmode=disable"))
    line = failed(tried, 4)
    assert line.startswith(f"cashdesk: cannot connect to postgresql://clerk@{NOBODY}/ledger: ")
    assert "another host" not in line


def test_serve_hands_the_url_to_the_consoles_by_the_environment(pg_url, monkeypatch, capsys):
    from console import run as console_run
    import textual_serve.server

    ok(run("init", "--office", "Riverside", "--admin", "adam", "--pin-stdin", db=pg_url, stdin="555555\n"))
    url = pg_url.replace("postgres@", f"postgres:{PASSWORD}@")
    served = {}

    class Server:
        def __init__(self, command: str, **options) -> None:
            served.update(command=command, options=options, environment=dict(os.environ))

        def serve(self) -> None:
            served["served"] = True

    monkeypatch.setattr(textual_serve.server, "Server", Server)
    monkeypatch.setenv("CASHDESK_DB", "replaced by serve")  # restored after the test
    monkeypatch.setenv("CASHDESK_TERMINAL", "test:serve")
    assert console_run.serve_console(url, "127.0.0.1", free_port(), False) == 0
    assert served["served"] is True
    assert served["command"] == f"{sys.executable} -m console.cli"
    assert served["environment"]["CASHDESK_DB"] == url
    printed = capsys.readouterr()
    assert describe(url) in printed.out and PASSWORD not in printed.out + printed.err

    file = Path("/tmp/ledger.db")  # negative control: a file is named on the command line, resolved
    assert console_run._db_argument(file) == ["--db", str(file.resolve())]


def test_serve_serves_a_postgresql_ledger(pg_url, tmp_path):
    ok(run("init", "--office", "Riverside", "--admin", "adam", "--pin-stdin", db=pg_url, stdin="555555\n"))
    port = free_port()
    env = {**os.environ, "CASHDESK_DB": pg_url}
    with open(tmp_path / "out", "w") as out, open(tmp_path / "err", "w") as err:
        server = subprocess.Popen([CASHDESK, "serve", "--port", str(port)], stdout=out, stderr=err, env=env)
    try:
        page = fetch(f"http://127.0.0.1:{port}/", server)
    finally:
        server.terminate()
        server.wait(timeout=PATIENCE_S)
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
    assert f"cashdesk console for {describe(pg_url)}" in (tmp_path / "out").read_text()
    assert "Traceback" not in (tmp_path / "err").read_text()


def fetch(url: str, server: subprocess.Popen) -> str:
    """The page, once the server answers (serve_support.Served's patience); fails at once if the server ends."""
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"cashdesk serve ended with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as page:
                return page.read().decode()
        except OSError:
            time.sleep(0.05)
    raise AssertionError("cashdesk serve never answered")


async def test_the_console_signs_in_and_records_a_receipt_on_postgresql(pg_url):
    from console.app import CashdeskApp
    from console.desk import Desk
    from ledger.book import Ledger
    from ledger.demo import build_demo
    from ledger.service import Actor, SeededIds
    from screens.officer import OfficerHome

    today = date(2026, 11, 23)
    build_demo(pg_url, today=today).close()
    with Ledger.open(pg_url) as ledger:
        ledger.open_session(Actor("alice", frozenset({"officer"})), 5000)
        with ledger.store.reading() as reader:
            before = reader.head()[0]
    app = CashdeskApp(Desk(pg_url, clock=lambda: datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc),
                           terminal="test:console", ids=SeededIds("console")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"alice", "enter", *PINS["alice"], "enter")
        await settle(pilot)
        assert isinstance(app.screen, OfficerHome)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"12.50", "tab", "tab")
        await pilot.press("enter", "down", "enter")
        await pilot.press("tab", *"Jo Bloggs", "ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert "Receipt number" in str(app.screen.query_one("#officer-message").render())
    with Ledger.open(pg_url) as ledger, ledger.store.reading() as reader:
        made = list(reader.iter_entries())[before:]
    assert [(entry.kind, entry.actor, entry.terminal) for entry in made] == [
        ("signed_in", "alice", "test:console"), ("receipt_recorded", "alice", "test:console")]
    assert made[1].body_dict()["amount_pence"] == 1250 and made[1].body_dict()["payer"] == "Jo Bloggs"
    assert answer(run("verify", "--json", db=pg_url))["ok"] is True


async def settle(pilot) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_without_psycopg_the_line_says_how_to_install_it(tmp_path, pg_url):
    """psycopg made impossible to import in the real command (a package of that name that fails to load)."""
    fake = tmp_path / "no-psycopg" / "psycopg"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'psycopg'\", name='psycopg')\n")
    env = {"PYTHONPATH": str(fake.parent)}
    ok(run("init", "--office", "Riverside", "--admin", "adam", "--pin-stdin", db=tmp_path / "file.db",
           stdin="555555\n", env=env))  # a SQLite ledger needs no psycopg
    url = pg_url.replace("postgres@", f"postgres:{PASSWORD}@")
    for args, db in ((("head",), url), (("demo", "--no-ui"), url), (("init", "--office", "X", "--admin", "a",
                                                                       "--pin-stdin"), url),
                     (("copy", "--to", url), tmp_path / "file.db")):
        result = shows_no_password(run(*args, db=db, env=env, stdin="555555\n"))
        assert failed(result, 4) == "cashdesk: a postgresql:// ledger needs psycopg: python3 -m pip install " \
                                    "'cashdesk[postgres]'"
    assert not (tmp_path / "file.db").with_name("file.db-wal").exists()
