"""The application's role where the ledger's owner may not create roles (docs/OPERATIONS.md): `init` makes no
cashdesk_app; a superuser creates it afterwards; the owner's next writable open grants it what a counter needs,
and a counter's login role in it may then post but never update or delete an entry.

On a cluster of its own: cashdesk_app belongs to the whole cluster, and the shared test cluster's other tests
create it as a superuser."""

from __future__ import annotations

import subprocess

import psycopg
import pytest

import pg_support
from book_support import Clock
from ledger.book import Ledger
from ledger.service import Actor
from ledger.store import LedgerUnusable, open_store

ADMIN, OFFICER = Actor("adam", frozenset({"admin"})), Actor("alice", frozenset({"officer"}))
APP_ROLE_EXISTS = "SELECT count(*) FROM pg_roles WHERE rolname = 'cashdesk_app'"

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def cluster(pg_cluster):
    """A private cluster (pg_cluster first: it skips, or fails under CI=true, where no server is installed)."""
    private = pg_support.Cluster(pg_cluster.bin).start()
    yield private
    private.stop()


@pytest.fixture(scope="module")
def office(cluster) -> dict:
    """A ledger made by `keeper`, a login role that owns its database but may not create roles; alice's
    session open on it; then a superuser creates cashdesk_app and `counter`, a login role in it."""
    cluster.psql("CREATE ROLE keeper LOGIN")
    cluster.psql("CREATE DATABASE office OWNER keeper TEMPLATE template0")
    owner_url = cluster.url("office", user="keeper")
    with Ledger.create(owner_url, office="Role Office", admin="adam", pin="555555", clock=Clock()) as ledger:
        ledger.add_user(ADMIN, "alice", ("officer",), "111111")
        ledger.add_code(ADMIN, "INC1", "Fees", "income")
        ledger.open_session(OFFICER, 5000)
    made_by_init = cluster.psql(APP_ROLE_EXISTS)[0][0]
    cluster.psql("CREATE ROLE cashdesk_app NOLOGIN")
    cluster.psql("CREATE ROLE counter LOGIN IN ROLE cashdesk_app")
    return {"owner": owner_url, "counter": cluster.url("office", user="counter"), "made_by_init": made_by_init}


def privileges(cluster, table: str) -> dict[str, bool]:
    return {what: cluster.psql(f"SELECT has_table_privilege('cashdesk_app', '{table}', '{what}')", "office")[0][0]
            for what in ("SELECT", "INSERT", "UPDATE", "DELETE")}


def test_an_owner_who_may_not_create_roles_gets_no_app_role_from_init(office):
    assert office["made_by_init"] == 0


def test_the_owners_next_writable_open_grants_the_role_made_after_the_ledger(cluster, office):
    # Negative controls: before the owner opens it for writing, the counter cannot even open it …
    with pytest.raises(LedgerUnusable, match="may not do that"):
        Ledger.open(office["counter"]).close()
    open_store(office["owner"], read_only=True).close()  # … and a read-only open grants nothing
    assert privileges(cluster, "entries") == {"SELECT": False, "INSERT": False, "UPDATE": False, "DELETE": False}

    done = subprocess.run(["cashdesk", "--db", office["owner"], "rebuild"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    assert privileges(cluster, "entries") == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False}
    assert privileges(cluster, "receipts") == {"SELECT": True, "INSERT": True, "UPDATE": True, "DELETE": True}
    with Ledger.open(office["counter"], clock=Clock()) as ledger:
        posted = ledger.record_receipt(OFFICER, amount_pence=1250, method="cash", code="INC1", payer="J Smith")
    assert posted.seq > 0
    with psycopg.connect(office["counter"]) as counter, pytest.raises(psycopg.errors.InsufficientPrivilege):
        counter.execute("UPDATE entries SET actor = 'mallory' WHERE seq = 1")
    with open_store(office["owner"]) as store:  # once granted, an open only checks
        assert store.grant_missing() is False


def test_a_projection_table_made_again_by_the_owner_is_granted_too(cluster, office):
    """A projection table missing (made again at the open, then every projection rebuilt) while the role also
    lacks its grants: the open makes the table first, then grants on every table."""
    cluster.psql("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM cashdesk_app", "office")
    cluster.psql("DROP TABLE reference_rules", "office")
    assert privileges(cluster, "receipts")["SELECT"] is False  # control: the revoke took

    with Ledger.open(office["owner"]):
        pass

    assert privileges(cluster, "reference_rules") == {"SELECT": True, "INSERT": True, "UPDATE": True, "DELETE": True}
    assert privileges(cluster, "entries") == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False}
    with psycopg.connect(office["counter"]) as counter:
        assert counter.execute("SELECT count(*) FROM reference_rules").fetchone() == (0,)
