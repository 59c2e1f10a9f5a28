"""The throwaway PostgreSQL cluster the PostgreSQL store is tested on: fresh databases, a crash-like restart,
no TCP, the server's own user, roles, and nothing left behind when a test process stops or dies."""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

import pg_support

pytestmark = pytest.mark.postgresql

#: How long a person would wait for a dead process's server to go before calling it an orphan (not a timing test).
PATIENCE_S = 60.0
USER_TABLES = ("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
               " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")


def postmaster_pid(data: Path) -> int:
    return int((data / "postmaster.pid").read_text().split("\n")[0])


def running(pid: int) -> bool:
    """The process exists and is not a zombie waiting for a parent that will not reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    except FileNotFoundError:
        return False


def server_uid(data: Path) -> int:
    status = Path(f"/proc/{postmaster_pid(data)}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])


def test_two_fresh_databases_are_distinct_and_empty(pg_cluster):
    first, second = pg_cluster.fresh_database(), pg_cluster.fresh_database()
    assert first != second
    assert pg_cluster.psql(USER_TABLES, first) == pg_cluster.psql(USER_TABLES, second) == [(0,)]
    pg_cluster.psql("CREATE TABLE entries (seq int)", first)
    # Negative control: the count sees a table, and only in the database it was made in.
    assert pg_cluster.psql(USER_TABLES, first) == [(1,)]
    assert pg_cluster.psql(USER_TABLES, second) == [(0,)]


def test_a_committed_row_survives_an_immediate_restart_and_an_uncommitted_one_does_not(pg_cluster, pg_url):
    with psycopg.connect(pg_url) as writer:
        writer.execute("CREATE TABLE entries (seq int PRIMARY KEY, body text)")
        writer.execute("INSERT INTO entries VALUES (1, 'receipt')")
        writer.commit()
        started = writer.execute("SELECT pg_postmaster_start_time()").fetchone()[0]
    pending = psycopg.connect(pg_url)
    pending.execute("INSERT INTO entries VALUES (2, 'never committed')")  # the transaction stays open

    pg_cluster.restart("immediate")

    log = (pg_cluster.folder / "server.log").read_text()
    assert "not properly shut down; automatic recovery in progress" in log  # no shutdown checkpoint: WAL replayed
    with psycopg.connect(pg_url) as reader:
        assert reader.execute("SELECT pg_postmaster_start_time()").fetchone()[0] > started
        assert reader.execute("SELECT seq, body FROM entries").fetchall() == [(1, "receipt")]
    with pytest.raises(psycopg.OperationalError):  # the old server really went, taking the session with it
        pending.execute("SELECT 1")
    pending.close()


def test_the_server_listens_on_its_unix_socket_only(pg_cluster, pg_url):
    assert (pg_cluster.socket_dir / f".s.PGSQL.{pg_cluster.port}").is_socket()
    with psycopg.connect(pg_url) as connection:  # control: the server answers on the port its socket names
        assert connection.execute("SELECT inet_server_addr(), current_setting('port')::int").fetchone() == (
            None, pg_cluster.port)  # no address: a Unix socket
        assert connection.execute("SHOW listen_addresses").fetchone() == ("",)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", pg_cluster.port), timeout=5).close()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=pg_cluster.port, user="postgres", dbname="postgres", connect_timeout=5)


def test_the_folder_and_the_server_belong_to_postgres_when_tests_run_as_root(pg_cluster):
    expected = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
    assert pg_cluster.folder.parent == Path("/tmp")
    assert {pg_cluster.folder.stat().st_uid, pg_cluster.data.stat().st_uid, pg_cluster.socket_dir.stat().st_uid} == {
        expected}
    assert server_uid(pg_cluster.data) == expected
    assert pg_cluster.folder.stat().st_mode & 0o077 == 0  # nobody else reads the cluster


def test_a_login_role_gets_the_privileges_of_the_role_it_is_a_member_of(pg_cluster, pg_url):
    readers = f"{psycopg.conninfo.conninfo_to_dict(pg_url)['dbname']}_readers"
    pg_cluster.psql(f"CREATE ROLE {readers} NOLOGIN")
    pg_cluster.psql("CREATE TABLE entries (seq int); INSERT INTO entries VALUES (7);"
                    f" GRANT SELECT ON entries TO {readers}", pg_url)
    clerk = pg_cluster.create_login_role("clerk", member_of=readers)
    outsider = pg_cluster.create_login_role("outsider")
    dbname = psycopg.conninfo.conninfo_to_dict(pg_url)["dbname"]

    assert pg_cluster.psql("SELECT seq FROM entries", dbname, user=clerk) == [(7,)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the group's SELECT, no more
        pg_cluster.psql("INSERT INTO entries VALUES (8)", dbname, user=clerk)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # negative control: not a member, no SELECT
        pg_cluster.psql("SELECT seq FROM entries", dbname, user=outsider)


def test_stop_leaves_no_server_and_no_folder(pg_cluster):
    cluster = pg_support.Cluster(pg_cluster.bin).start()
    pid = postmaster_pid(cluster.data)
    assert running(pid) and cluster.folder.exists()  # control: the checks below see a live cluster
    cluster.stop()
    assert not running(pid)
    assert not cluster.folder.exists()


def test_a_killed_test_process_leaves_no_server_and_no_folder(pg_cluster):
    """A worker that dies by SIGKILL runs no finalizer: the watchdog stops its server and removes its folder."""
    child = subprocess.Popen(
        [sys.executable, "-c", "import pg_support, sys, time; c = pg_support.Cluster(pg_support.bindir()).start();"
         " print(c.folder, flush=True); time.sleep(600)"],
        cwd=Path(__file__).parents[1], stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline().strip()
        assert line, "the child never started its cluster"
        folder = Path(line)
        pid = postmaster_pid(folder / "data")
        assert running(pid) and folder.exists()  # control: alive while its test process is
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate()
    deadline = time.monotonic() + PATIENCE_S
    while (running(pid) or folder.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(pid), f"postgres {pid} outlived its test process"
    assert not folder.exists()
