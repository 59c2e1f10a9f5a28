"""A scratch schema in a PostgreSQL database, for `cashdesk bench --postgres`: made, used, dropped.

The bench builds its ledgers in a schema of its own (its URL names it in libpq's `options`, as the
search path), so that a database may be used again and is left as it was found. The server's
durability settings go into the bench's figures: they decide what a commit costs.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from typing import Iterator
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg

from ledger.location import LocationInvalid, check_transport, describe
from ledger.store.errors import LedgerUnusable
from ledger.store.pg_errors import translate_pg_errors

#: What makes a commit cost what it does, as the server reports it.
SETTINGS = ("server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")


def with_search_path(url: str, schema: str) -> str:
    """`url` with `-c search_path=SCHEMA` added to its libpq options (any options it had are kept)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = " ".join([value for key, value in query if key == "options"] + [f"-csearch_path={schema}"])
    query = [(key, value) for key, value in query if key != "options"] + [("options", options)]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote, safe="/")))


@contextlib.contextmanager
def scratch_schema(url: str, prefix: str = "cashdesk_bench") -> Iterator[tuple[str, dict[str, str]]]:
    """A new schema in the database `url` names (the URL's user needs CREATE on it): yields the URL that
    works in it and the server's settings; the schema and everything in it are dropped after."""
    try:
        check_transport(url)
    except LocationInvalid as refusal:
        raise LedgerUnusable(str(refusal)) from None
    schema = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with _connected(url) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        settings = {name: str(conn.execute(f"SHOW {name}").fetchone()[0]) for name in SETTINGS}
    try:
        yield with_search_path(url, schema), settings
    finally:
        with _connected(url) as conn:  # a connection of its own: one held through the bench could have dropped
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextlib.contextmanager
def _connected(url: str) -> Iterator[psycopg.Connection]:
    with translate_pg_errors(describe(url), connecting=True):
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="cashdesk bench")
    try:
        with translate_pg_errors(describe(url)):
            yield conn
    finally:
        conn.close()
