"""Where a ledger lives: a SQLite file's path, or a PostgreSQL URL (postgresql://…).

A URL is shown to people only without its password (`describe`); a connection to another host is
refused unless it either uses TLS or says `sslmode` explicitly (`check_transport`); files that sit
"beside the ledger" (the anchor log, the office's bank rules) live, for a database server, in this
user's data folder under a name made from the server and database (`sidecar_path`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path


URL_SCHEMES = ("postgresql://", "postgres://")
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
#: libpq's own environment variables that choose the server and TLS (they apply when the URL is silent).
HOST_VARIABLE, SSLMODE_VARIABLE = "PGHOST", "PGSSLMODE"


class LocationInvalid(ValueError):
    """A URL libpq cannot read, or one that would send the ledger to another host in clear text."""


def is_database_url(location) -> bool:
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def url_parts(url: str) -> dict[str, str]:
    """The URL's connection parameters (libpq's parser: every form libpq accepts)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {key: str(value) for key, value in conninfo_to_dict(url).items()}
    except Exception as error:  # psycopg.ProgrammingError, quoting what it could not read
        reason = _without_password(str(error), url)
        raise LocationInvalid(f"{describe_unparsed(url)} is not a PostgreSQL URL libpq can read ({reason})") from None


def describe(location) -> str:
    """The location as a person may see it: a path, or the URL without its password."""
    if not is_database_url(location):
        return str(location)
    try:
        parts = url_parts(location)
    except LocationInvalid:
        return describe_unparsed(location)
    user = parts.get("user", "")
    host = parts.get("host") or os.environ.get(HOST_VARIABLE, "")
    port = f":{parts['port']}" if parts.get("port") else ""
    where = f"{user}@" if user else ""
    if host.startswith("/"):
        return f"postgresql://{where}/{parts.get('dbname', '')}?host={host}"
    return f"postgresql://{where}{host}{port}/{parts.get('dbname', '')}"


def describe_unparsed(url: str) -> str:
    """A URL libpq could not read, with anything that looks like a password blanked."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", re.sub(r"(password=)[^&\s]*", r"\1***", url))


def _without_password(text: str, url: str) -> str:
    """libpq's complaint, unless the URL holds a password (libpq may quote any piece of it): then only the form."""
    if re.search(r"://[^:/@]*:[^@]+@", url) or "password=" in url:
        return "the form is postgresql://user@host:port/dbname?param=value"
    return " ".join(text.split())


def hosts(parts: dict[str, str]) -> list[str]:
    """Every host the connection may try (libpq takes a comma-separated list)."""
    host = parts.get("host") or parts.get("hostaddr") or os.environ.get(HOST_VARIABLE, "")
    return [name.strip() for name in host.split(",")]


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("/") or host.startswith("@")


def check_transport(url: str) -> None:
    """Refuse to send a ledger's entries, and a password, to another host in clear text by default."""
    parts = url_parts(url)
    explicit = parts.get("sslmode") or os.environ.get(SSLMODE_VARIABLE)
    remote = [host for host in hosts(parts) if not is_local(host)]
    if remote and not explicit:
        raise LocationInvalid(
            f"{describe(url)}: {remote[0]} is another host, and the URL does not say how to use TLS; add "
            "sslmode=verify-full (or require) to the URL, or sslmode=disable to accept a connection in clear text")


def sidecar_path(location, suffix: str) -> Path:
    """A file kept beside the ledger: `ledger.db` + suffix; for a database server, in this user's data
    folder as postgresql-HOST-PORT-DBNAME + suffix."""
    if not is_database_url(location):
        path = Path(location)
        return path.with_name(path.name + suffix)
    import platformdirs

    parts = url_parts(location)
    host = hosts(parts)[0] or "local"
    name = "-".join(("postgresql", host, parts.get("port", "5432"), parts.get("dbname", "")))
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return Path(platformdirs.user_data_dir("cashdesk", appauthor=False)) / (safe + suffix)
