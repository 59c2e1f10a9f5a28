"""The few places where SQLite's SQL and PostgreSQL's differ, named once.

Every other query is written in the SQL both understand (`WHERE TRUE`, `ON CONFLICT … DO NOTHING`,
`CASE WHEN EXISTS …`), with `?` placeholders: the PostgreSQL connection turns those into psycopg's
`%s`. A connection carries its dialect (`conn.dialect`), so a reader or a projection asks the
connection it was given.
"""

from __future__ import annotations

import json


class SqliteDialect:
    name = "sqlite"
    #: Case-insensitive LIKE: SQLite's LIKE already ignores ASCII case.
    like = "LIKE"

    def json_text(self, column: str, key: str) -> str:
        """A top-level text field of a JSON column."""
        return f"json_extract({column}, '$.{key}')"

    def posting_totals(self, where: str) -> str:
        """Net pence per account, summed from the postings inside the entries' own bodies.

        Postings repeat (the same account and amount, in the same canonical text: 5,441 distinct in a simulated
        year's 212,148), so the inner query counts each distinct posting's text and each is parsed once, not
        once for every entry that holds it; SQLite before 3.45 keeps no parsed JSON between calls."""
        return ("SELECT json_extract(posting, '$.account'), sum(json_extract(posting, '$.amount_pence') * times) "
                "FROM (SELECT json_each.value AS posting, count(*) AS times "
                f"FROM entries, json_each(entries.body, '$.postings') {where} GROUP BY json_each.value) GROUP BY 1")

    def setting_in(self, value: int | str) -> int | str:
        """A setting's value as stored (SQLite keeps an int or a text in the same column)."""
        return value

    def setting_out(self, stored):
        return stored


class PostgresDialect(SqliteDialect):
    name = "postgresql"
    #: PostgreSQL's LIKE minds case; ILIKE is what SQLite's LIKE does (for every letter, not only ASCII).
    like = "ILIKE"

    def json_text(self, column: str, key: str) -> str:
        return f"({column}::jsonb ->> '{key}')"

    def posting_totals(self, where: str) -> str:
        return ("SELECT posting ->> 'account', sum((posting ->> 'amount_pence')::bigint) "
                f"FROM entries, jsonb_array_elements(entries.body::jsonb -> 'postings') AS posting {where} GROUP BY 1")

    def setting_in(self, value: int | str) -> str:
        """A column has one type here: a setting (a number, or a path) is kept as its JSON text."""
        return json.dumps(value)

    def setting_out(self, stored):
        return None if stored is None else json.loads(stored)


SQLITE = SqliteDialect()
POSTGRES = PostgresDialect()
