"""The PostgreSQL schema: the same tables as SQLite's, plus what a shared server needs.

- `entries` refuses UPDATE, DELETE and TRUNCATE by trigger, whoever asks (its owner too).
- `chain_head` is one row, (seq, hash) of the tip. Every write locks it first (`SELECT … FOR UPDATE`),
  so writers from any host take turns; a trigger moves it with each inserted entry and refuses an
  entry that does not extend it, so the chain cannot fork even under a writer that forgot the lock.
- `cashdesk_meta` says whose tables these are and which schema version (SQLite's application_id and
  user_version).
- The role `cashdesk_app` (created when the owner may create roles) may read and append entries,
  never update or delete them; counters connect as a login role that is a member of it.
- Text columns compare byte by byte (COLLATE "C"), as SQLite's do, whatever the database's locale:
  orderings and reports come out the same on both stores.
"""

from __future__ import annotations

from ledger.chain import GENESIS_HASH
from ledger.store.schema import NOT_NULL, PROJECTIONS, SCHEMA_VERSION, indexes

APPLICATION = "cashdesk"
APP_ROLE = "cashdesk_app"
TEXT = 'TEXT COLLATE "C"'
TYPES = {str: TEXT, int: "BIGINT"}
#: A setting is a number or a path: kept as its JSON text (see dialect.PostgresDialect.setting_in).
COLUMN_TYPES = {("settings", "value"): "TEXT"}

CORE = (
    f"""CREATE TABLE entries (
        seq           BIGINT PRIMARY KEY,
        entry_id      {TEXT} NOT NULL UNIQUE,
        kind          {TEXT} NOT NULL,
        recorded_at   {TEXT} NOT NULL,
        business_date {TEXT} NOT NULL,
        actor         {TEXT} NOT NULL,
        terminal      {TEXT} NOT NULL,
        body          {TEXT} NOT NULL,
        prev_hash     {TEXT} NOT NULL,
        hash          {TEXT} NOT NULL)""",
    f"CREATE TABLE credentials (username {TEXT} PRIMARY KEY, salt BYTEA NOT NULL, pin_hash BYTEA NOT NULL, "
    "params TEXT NOT NULL)",
    f"CREATE TABLE chain_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash {TEXT} NOT NULL)",
    f"INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')",
    f"CREATE TABLE cashdesk_meta (key {TEXT} PRIMARY KEY, value TEXT NOT NULL)",
    f"INSERT INTO cashdesk_meta (key, value) VALUES ('application', '{APPLICATION}'), "
    f"('schema_version', '{SCHEMA_VERSION}')",
    """CREATE FUNCTION cashdesk_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END $$""",
    """CREATE FUNCTION cashdesk_extend_head() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE chain_head SET seq = NEW.seq, hash = NEW.hash
             WHERE id = 1 AND seq = NEW.seq - 1 AND hash = NEW.prev_hash;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'entry % does not extend the chain head', NEW.seq
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$""",
    "CREATE TRIGGER entries_extend_head BEFORE INSERT ON entries FOR EACH ROW EXECUTE FUNCTION cashdesk_extend_head()",
    "CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries FOR EACH ROW "
    "EXECUTE FUNCTION cashdesk_refuse('entries are append-only: correct a mistake with a reversal')",
    "CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries FOR EACH STATEMENT "
    "EXECUTE FUNCTION cashdesk_refuse('entries are append-only: correct a mistake with a reversal')",
    "CREATE TRIGGER chain_head_moves_with_entries BEFORE UPDATE OR DELETE ON chain_head FOR EACH ROW "
    "WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION cashdesk_refuse('the chain head moves only with an entry')",
)

CREATE_APP_ROLE = f"""DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN CREATE ROLE {APP_ROLE} NOLOGIN; END IF;
END $$"""


def projection_ddl() -> list[str]:
    """Every projection table and index, as SQLite's (schema.PROJECTIONS), idempotent."""
    statements = []
    for name, (columns, pk) in PROJECTIONS.items():
        required = NOT_NULL.get(name, set())
        lines = [f"{column} {COLUMN_TYPES.get((name, column), TYPES[kind])}{' NOT NULL' if column in required else ''}"
                 for column, kind in columns.items()]
        if pk is not None:
            lines.append(f"PRIMARY KEY ({pk if isinstance(pk, str) else ', '.join(pk)})")
        statements.append(f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(lines)})")
    for table, columns, name in indexes():
        statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")
    return statements


#: Every table the application's role is granted something on.
GRANTED_TABLES = ("entries", "chain_head", "cashdesk_meta", "credentials", *PROJECTIONS)
#: True when the application's role exists but lacks SELECT on one of GRANTED_TABLES (it was created after the
#: ledger, or a table was added since), and this user may grant as the tables' owner, on a primary server,
#: with every table there (a missing projection is made first, then granted: see PgStore.ensure_projections).
GRANTS_MISSING = """WITH granted AS (SELECT to_regclass(name) AS oid FROM unnest(?::text[]) AS t(name))
SELECT CASE
    WHEN pg_is_in_recovery() OR NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ?) THEN false
    WHEN EXISTS (SELECT FROM granted WHERE oid IS NULL) THEN false
    WHEN NOT pg_has_role((SELECT relowner FROM pg_class WHERE oid = 'entries'::regclass), 'USAGE') THEN false
    ELSE EXISTS (SELECT FROM granted WHERE NOT has_table_privilege(?, oid, 'SELECT'))
    END"""


def upgrade_postings() -> list[str]:
    """Schema 2's `postings` (no place column, no key) gets schema 3's in place: emptied, `n` added (as its last
    column), keyed, and refilled from the entries themselves, each posting numbered by its place in its entry (the
    old rows carry no order to number them by). The table stays, and whatever was granted on it."""
    columns, pk = PROJECTIONS["postings"]
    return [
        "DELETE FROM postings",
        "DROP INDEX IF EXISTS idx_postings_account_business_date",
        f"ALTER TABLE postings ADD COLUMN n BIGINT NOT NULL, ALTER COLUMN business_date SET NOT NULL, "
        f"ADD PRIMARY KEY ({', '.join(pk)})",
        f"INSERT INTO postings ({', '.join(columns)}) "
        "SELECT p.posting ->> 'account', e.business_date, e.seq, p.place - 1, (p.posting ->> 'amount_pence')::bigint "
        "FROM entries e CROSS JOIN LATERAL jsonb_array_elements(e.body::jsonb -> 'postings') WITH ORDINALITY "
        "AS p(posting, place)",
    ]


def grants() -> list[str]:
    """What the application's role may do: read and append entries, keep the projections."""
    projections = ", ".join(PROJECTIONS)
    return [
        f"DO $$ BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %I TO {APP_ROLE}', current_schema()); END $$",
        f"GRANT SELECT, INSERT ON entries TO {APP_ROLE}",
        f"GRANT SELECT, UPDATE ON chain_head TO {APP_ROLE}",
        f"GRANT SELECT ON cashdesk_meta TO {APP_ROLE}",
        f"GRANT SELECT, INSERT, UPDATE ON credentials TO {APP_ROLE}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {projections} TO {APP_ROLE}",
    ]
