"""The SQLite schema: the chained `entries` table, its guards, credentials, and the projections."""

from __future__ import annotations

#: PRAGMA application_id marks a file as a cashdesk ledger ("CDSK").
APPLICATION_ID = 0x4344534B
#: PRAGMA user_version: the schema this code writes. A newer file is refused. 2: the finance desk's projections;
#: 3: `postings` keyed by account (WITHOUT ROWID), `counter_entries`' index covering the daily limit.
SCHEMA_VERSION = 3

ENTRIES_DDL = """
CREATE TABLE entries (
    seq           INTEGER PRIMARY KEY,
    entry_id      TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    business_date TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    terminal      TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    prev_hash     TEXT    NOT NULL,
    hash          TEXT    NOT NULL
);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only: correct a mistake with a reversal'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only: correct a mistake with a reversal'); END;
CREATE TABLE credentials (
    username  TEXT PRIMARY KEY,
    salt      BLOB NOT NULL,
    pin_hash  BLOB NOT NULL,
    params    TEXT NOT NULL
);
"""

#: Every projection: name -> (columns, primary key). Rebuilt from `entries` by `rebuild`.
PROJECTIONS: dict[str, tuple[dict[str, type], str | tuple[str, ...] | None]] = {
    "users": (
        {"username": str, "name": str, "roles": str, "active": int, "locked": int,
         "failures": int},
        "username",
    ),
    "codes": ({"code": str, "name": str, "type": str, "active": int}, "code"),
    "settings": ({"key": str, "scope": str, "value": int}, ("key", "scope")),
    "sessions": (
        {"officer": str, "business_date": str, "opened_seq": int, "float_pence": int,
         "state": str, "count_seq": int, "signed_off_seq": int, "banked_seq": int, "bag": str},
        ("officer", "business_date"),
    ),
    # keyed by account first: the rows of one account's balance lie together, and a posting is written once (no
    # rowid table beside an index). `n` is the posting's place in its entry's postings (0, 1, …).
    "postings": (
        {"account": str, "business_date": str, "seq": int, "n": int, "amount_pence": int},
        ("account", "business_date", "seq", "n"),
    ),
    "counter_entries": (
        {"seq": int, "kind": str, "officer": str, "business_date": str, "method": str,
         "code": str, "limit_pence": int, "reversed_by": int},
        "seq",
    ),
    "receipts": ({"receipt_no": int, "seq": int}, "receipt_no"),
    "debtors": (
        {"debtor_ref": str, "name": str, "raised_pence": int, "collected_pence": int},
        "debtor_ref",
    ),
    "warrants": (
        {"serial": int, "status": str, "received_seq": int, "used_seq": int},
        "serial",
    ),
    # -- the finance desk
    "payees": (
        {"payee": str, "name": str, "name_key": str, "kind": str, "creditor": str, "active": int,
         "added_seq": int},
        "payee",
    ),
    "items": (
        {"item": str, "kind": str, "item_no": int, "payee": str, "package": str, "keyed_by": str, "keyed_seq": int,
         "keyed_at": str, "amount_pence": int, "code": str, "reference": str, "invoice_key": str, "invoice_date": str,
         "from_date": str, "reward_pence": int, "duplicate_of": str, "state": str, "decided_by": str,
         "decided_at": str, "decided_seq": int, "run": str},
        "item",
    ),
    "item_hands": ({"root": str, "username": str}, ("root", "username")),
    "packages": (
        {"package": str, "payee": str, "case_ref": str, "dob": str, "start": str, "end_date": str,
         "code": str, "paid_to": str},
        "package",
    ),
    "rates": ({"from_date": str, "weekly": str, "seq": int}, "from_date"),
    "payruns": (
        {"run": str, "pay_date": str, "cutoff": str, "cutoff_utc": str, "period_end": str,
         "state": str, "scheduled_seq": int, "closed_seq": int, "total_pence": int,
         "export_sha256": str, "paid_seq": int},
        "run",
    ),
    # -- income reconciliation (ledger/bank_reconcile.py) and reference rules (ledger/references.py)
    "bank_bags": (
        {"bag": str, "officer": str, "business_date": str, "banked_seq": int, "amount_pence": int,
         "state": str, "line_seq": int, "statement_pence": int, "settled_seq": int},
        "bag",
    ),
    "statement_lines": (
        {"seq": int, "profile": str, "account": str, "date": str, "amount_pence": int, "reference": str,
         "description": str, "bag": str, "state": str, "explained_seq": int},
        "seq",
    ),
    "reference_rules": ({"type": str, "mask": str, "scheme": str, "seq": int}, "type"),
}

#: (table, columns[, name]): named idx_TABLE_COLUMNS unless a name is given (PostgreSQL keeps 63 characters of a name).
INDEXES = (
    # covers the limit's sum (officer, day, not reversed): it reads no row of the table
    ("counter_entries", ["officer", "business_date", "reversed_by", "limit_pence"], "idx_counter_entries_limit"),
    ("sessions", ["officer", "state"]),
    ("sessions", ["bag"]),
    ("warrants", ["status", "serial"]),
    ("items", ["state", "kind"]),
    ("items", ["kind", "item_no"]),
    ("items", ["payee", "kind"]),
    ("items", ["invoice_key"]),
    ("items", ["package"]),
    ("payruns", ["cutoff_utc"]),
    ("payees", ["name_key"]),
    ("packages", ["payee"]),
    ("bank_bags", ["state", "business_date"]),
    ("statement_lines", ["state", "date"]),
)

#: Indexes an older schema made that a newer one replaced (an upgrade drops them: each would be one more page to
#: write with every entry).
RETIRED_INDEXES = ("idx_counter_entries_officer_business_date",)

NOT_NULL = {"postings": {"account", "business_date", "seq", "n", "amount_pence"}}
#: Projections SQLite keeps WITHOUT ROWID: the primary key is the table (one b-tree to write, not two).
WITHOUT_ROWID = ("postings",)
SQLITE_TYPES = {str: "TEXT", int: "INTEGER"}


def create_entries(conn) -> None:
    """The chained table, its append-only triggers and the credentials table."""
    for statement in ENTRIES_DDL.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def create_projections(db) -> None:
    """Create every projection table and its indexes (idempotent)."""
    for name, (columns, pk) in PROJECTIONS.items():
        if name in WITHOUT_ROWID:
            db.conn.execute(without_rowid_ddl(name))
        else:
            db.create_table(name, columns, pk=pk, not_null=NOT_NULL.get(name), if_not_exists=True)
    for table, columns, name in indexes():
        db[table].create_index(columns, index_name=name, if_not_exists=True)


def indexes() -> list[tuple[str, list[str], str]]:
    """Every index as (table, columns, its name)."""
    return [(table, columns, named[0] if named else f"idx_{table}_{'_'.join(columns)}")
            for table, columns, *named in INDEXES]


def without_rowid_ddl(name: str, table: str | None = None) -> str:
    """CREATE TABLE for a projection kept WITHOUT ROWID (as `table`, when given: a table to fill, then rename)."""
    columns, pk = PROJECTIONS[name]
    required = NOT_NULL.get(name, set())
    lines = [f"[{column}] {SQLITE_TYPES[kind]}{' NOT NULL' if column in required else ''}"
             for column, kind in columns.items()]
    return (f"CREATE TABLE IF NOT EXISTS [{table or name}] ({', '.join(lines)}, PRIMARY KEY ({', '.join(pk)})) "
            "WITHOUT ROWID")


def upgrade_postings(conn) -> None:
    """A ledger of schema 2 or older: its `postings` (a rowid table with an index on account and date) becomes the
    WITHOUT ROWID table keyed by account, its rows copied, each numbered by its place in its entry (the rowids
    follow the order of the entry's postings: they were inserted in that order)."""
    columns = [row[1] for row in conn.execute("PRAGMA table_info(postings)")]
    if not columns or "n" in columns:
        return
    conn.execute(without_rowid_ddl("postings", "postings_keyed"))
    conn.execute("INSERT INTO postings_keyed (account, business_date, seq, n, amount_pence) "
                 "SELECT account, business_date, seq, row_number() OVER (PARTITION BY seq ORDER BY rowid) - 1, "
                 "amount_pence FROM postings")
    conn.execute("DROP TABLE postings")
    conn.execute("ALTER TABLE postings_keyed RENAME TO postings")


def drop_projections(db) -> None:
    for name in PROJECTIONS:
        db[name].drop(ignore=True)
