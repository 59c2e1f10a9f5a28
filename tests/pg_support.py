"""A throwaway PostgreSQL 15 cluster for tests: a Unix socket in a private folder, no TCP, gone after the run."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

#: The settings a test cluster runs with beyond its folder and socket.
#: fsync=off and full_page_writes=off only give up safety against an OS crash or power cut: a commit still
#: writes its WAL to the kernel before it is acknowledged (synchronous_commit stays on), so a server crash
#: or `pg_ctl stop -m immediate` loses no acknowledged write, and the restart test means what it says.
SETTINGS = {"listen_addresses": "''", "fsync": "off", "full_page_writes": "off", "synchronous_commit": "on"}
#: initdb --no-sync: the files need not reach the disk, for the same reason.
INITDB_ARGS = ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]
#: Armed while the cluster runs: when the test process dies (even by SIGKILL) its end of the pipe closes, `read`
#: returns, and the watchdog stops the server and removes the folder. stop() disarms it by writing "done".
WATCHDOG = 'read -r word; [ "$word" = done ] && exit 0; "$0" stop -D "$1" -m immediate; rm -rf "$2"'


def bindir() -> Path:
    """PostgreSQL's server programs (not on PATH in Debian). Missing: the test fails naming what to install
    (as tests/serve_support.need does), on a developer's machine as under CI=true."""
    problem = ""
    found = shutil.which("pg_config")
    if not found:
        problem = "pg_config is not on PATH"
    else:
        path = Path(subprocess.run([found, "--bindir"], capture_output=True, text=True, check=True).stdout.strip())
        if not (path / "initdb").exists():
            problem = f"{path} has no initdb"
    if not problem and os.geteuid() == 0 and not _postgres_user():
        problem = "running as root, and there is no `postgres` user to run the server as"
    if problem:
        message = f"the PostgreSQL tests need a PostgreSQL 15 server: {problem} (apt-get install -y postgresql)"
        pytest.fail(message)  # never a skip: a skipped test would hide an untested store
    return path


def _postgres_user() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


class Cluster:
    """initdb, start, restart and stop one cluster; new databases and roles in it. As root the server runs as
    the `postgres` user (initdb refuses root), otherwise as the current user."""

    def __init__(self, bin_path: Path) -> None:
        self.bin = bin_path
        self.owner = _postgres_user() if os.geteuid() == 0 else None
        self.folder: Path | None = None
        self.port = 0
        self._watchdog: subprocess.Popen | None = None
        self._admin: psycopg.Connection | None = None
        self._names = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "sock"

    def start(self) -> "Cluster":
        # pytest's tmp_path is not readable by `postgres`: a folder of its own under /tmp, owned by the server's user.
        self.folder = Path(tempfile.mkdtemp(prefix="cashdesk-pg-", dir="/tmp"))
        self.socket_dir.mkdir()
        if self.owner:
            for path in (self.folder, self.socket_dir):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        self._watchdog = subprocess.Popen(["/bin/sh", "-c", WATCHDOG, str(self.bin / "pg_ctl"), self.data, self.folder],
                                          stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True, **self._as_owner())
        self._run("initdb", "-D", self.data, *INITDB_ARGS)
        self.port = _free_port()  # only names the socket file; a port nobody uses makes the no-TCP test mean it
        self._server_start()
        return self

    def _server_start(self) -> None:
        settings = {**SETTINGS, "unix_socket_directories": self.socket_dir, "port": self.port}
        options = " ".join(f"-c {name}={value}" for name, value in settings.items())
        self._run("pg_ctl", "start", "-w", "-D", self.data, "-l", self.folder / "server.log", "-o", options)

    def restart(self, mode: str = "immediate") -> None:
        """Stop the server the way `mode` says (immediate: no checkpoint, as a crash) and start it again."""
        self._close_admin()
        self._run("pg_ctl", "stop", "-w", "-D", self.data, "-m", mode)
        self._server_start()

    def stop(self) -> None:
        """Stop the server and remove the folder; safe to call twice, or after a start that failed."""
        self._close_admin()
        if self.folder and self.folder.exists():
            for mode in ("fast", "immediate"):  # fast ends the sessions tests left open; immediate if that fails
                if (self.data / "postmaster.pid").exists():
                    self._run("pg_ctl", "stop", "-w", "-D", self.data, "-m", mode, check=False)
            shutil.rmtree(self.folder)
        if self._watchdog:
            self._watchdog.communicate(b"done\n")
            self._watchdog = None

    def url(self, dbname: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def fresh_database(self, template: str | None = None) -> str:
        """The URL of a new, empty database. template0 is never connected to, so the copy cannot be refused for a
        busy template, and nothing a test did to template1 leaks in. Given `template` (a URL of this cluster's
        with nobody connected to it), a copy of that database instead: a ledger built once, copied per example."""
        name = f"test_{next(self._names)}"
        source = psycopg.conninfo.conninfo_to_dict(template)["dbname"] if template else "template0"
        # FILE_COPY copies the files (and checkpoints, cheap with fsync off): several times faster than WAL_LOG.
        self.psql(f"CREATE DATABASE {name} TEMPLATE {source} STRATEGY FILE_COPY")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        self.psql(f"DROP DATABASE IF EXISTS {psycopg.conninfo.conninfo_to_dict(url)['dbname']} WITH (FORCE)")

    def create_login_role(self, name: str, member_of: str | None = None) -> str:
        """A role that can log in (trust: no password), a member of `member_of` if given. Roles belong to the
        cluster, not a database: the role gets a unique suffix, and its full name is returned."""
        role = f"{name}_{next(self._names)}"
        self.psql(f"CREATE ROLE {role} LOGIN" + (f" IN ROLE {member_of}" if member_of else ""))
        return role

    def psql(self, sql: str, db: str = "postgres", user: str = "postgres") -> list[tuple]:
        """Run `sql` in autocommit as `user` in `db` (a name or a URL); the last statement's rows, if any."""
        if db == "postgres" and user == "postgres":
            return _rows(self._admin_connection().execute(sql))
        with psycopg.connect(db if "://" in db else self.url(db, user), autocommit=True) as connection:
            return _rows(connection.execute(sql))

    def _admin_connection(self) -> psycopg.Connection:
        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        return self._admin

    def _close_admin(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None

    def _as_owner(self) -> dict:
        if not self.owner:
            return {}
        return {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": [], "cwd": self.folder}

    def _run(self, program: str, *args: object, check: bool = True) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        done = subprocess.run([str(self.bin / program), *map(str, args)], capture_output=True, text=True, env=env,
                              **self._as_owner())
        if check and done.returncode != 0:
            log = self.folder / "server.log"
            raise AssertionError(f"{program} {' '.join(map(str, args))} failed ({done.returncode}):\n"
                                 f"{done.stdout}{done.stderr}{log.read_text() if log.exists() else ''}")


def _rows(cursor: psycopg.Cursor) -> list[tuple]:
    return cursor.fetchall() if cursor.description else []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

