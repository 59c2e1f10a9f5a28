"""Every read the rules and reports need, as small named queries over one connection."""

from __future__ import annotations

from typing import Iterator

from ledger.chain import Entry
from ledger.store.dialect import SQLITE
from ledger.store.finance_reader import FinanceReads
from ledger.store.bank_reader import BankReads

ENTRY_COLUMNS = ("seq", "entry_id", "kind", "recorded_at", "business_date", "actor", "terminal",
                 "body", "prev_hash", "hash")
_SELECT_ENTRY = f"SELECT {', '.join(ENTRY_COLUMNS)} FROM entries"


class Reader(FinanceReads, BankReads):
    """Reads over one connection; used inside a store's `reading()` or `writing()` block."""

    def __init__(self, conn) -> None:
        """`conn`: a sqlite3 connection, or the PostgreSQL store's; its `dialect` names what differs."""
        self.conn = conn
        self.dialect = getattr(conn, "dialect", SQLITE)
        self._db = None

    @property
    def db(self):
        """sqlite-utils over the same SQLite connection, imported on first use (verify never needs it)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def _one(self, sql: str, params: tuple = ()) -> dict | None:
        cursor = self.conn.execute(sql, params)
        row = cursor.fetchone()
        return None if row is None else dict(zip([column[0] for column in cursor.description], row))

    def _all(self, sql: str, params: tuple = ()) -> list[dict]:
        """Every row as a dict by column name (what sqlite-utils' query gives, without its savepoint)."""
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def _stream(self, sql: str, params=()) -> Iterator[tuple]:
        """Rows as they come, for reads over every entry: a sqlite3 cursor already streams; PostgreSQL's
        connection streams them on request (and may run nothing else until the last row is read)."""
        return getattr(self.conn, "stream", self.conn.execute)(sql, params)

    def _value(self, sql: str, params: tuple = ()):
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- the chain -----------------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        """(seq, hash) of the tip; (0, '') for an empty ledger."""
        row = self.conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, "")

    def entry(self, seq: int) -> Entry | None:
        row = self.conn.execute(f"{_SELECT_ENTRY} WHERE seq = ?", (seq,)).fetchone()
        return Entry(*row) if row else None

    def entry_by_id(self, entry_id: str) -> Entry | None:
        row = self.conn.execute(f"{_SELECT_ENTRY} WHERE entry_id = ?", (entry_id,)).fetchone()
        return Entry(*row) if row else None

    def entry_rows(self, until_seq: int | None = None) -> Iterator[tuple]:
        """Raw rows in seq order (for verification: no objects built)."""
        if until_seq is None:
            return self._stream(f"{_SELECT_ENTRY} ORDER BY seq")
        return self._stream(f"{_SELECT_ENTRY} WHERE seq <= ? ORDER BY seq", (until_seq,))

    def iter_entries(self, until_seq: int | None = None, until_time: str | None = None) -> Iterator[Entry]:
        sql, params = f"{_SELECT_ENTRY} WHERE TRUE", []
        if until_seq is not None:
            sql, params = sql + " AND seq <= ?", params + [until_seq]
        if until_time is not None:
            sql, params = sql + " AND recorded_at <= ?", params + [until_time]
        for row in self._stream(sql + " ORDER BY seq", params):
            yield Entry(*row)

    def posting_totals(self, until_seq: int | None = None,
                       until_time: str | None = None) -> tuple[int, dict[str, int]]:
        """(as-of seq, net pence per account) summed by SQLite from the entries' own bodies."""
        where, params = "WHERE TRUE", []
        if until_seq is not None:
            where, params = where + " AND seq <= ?", params + [until_seq]
        if until_time is not None:
            where, params = where + " AND recorded_at <= ?", params + [until_time]
        as_of = self._value(f"SELECT coalesce(max(seq), 0) FROM entries {where}", tuple(params))
        rows = self.conn.execute(self.dialect.posting_totals(where), params)
        return as_of, dict(rows.fetchall())

    def count_entries(self) -> int:
        return self._value("SELECT count(*) FROM entries")

    # -- people, codes, settings ---------------------------------------------------------
    def user(self, username: str) -> dict | None:
        return self._one("SELECT * FROM users WHERE username = ?", (username,))

    def users(self) -> list[dict]:
        return self._all("SELECT * FROM users ORDER BY username")

    def credential(self, username: str) -> dict | None:
        return self._one("SELECT * FROM credentials WHERE username = ?", (username,))

    def credential_rows(self) -> list[tuple]:
        """(username, salt, pin_hash, params) of every PIN, for copying a ledger whole."""
        return self.conn.execute("SELECT username, salt, pin_hash, params FROM credentials ORDER BY username").fetchall()

    def code(self, code: str) -> dict | None:
        return self._one("SELECT * FROM codes WHERE code = ?", (code,))

    def codes(self) -> list[dict]:
        return self._all("SELECT * FROM codes ORDER BY type, code")

    def setting(self, key: str, user: str = "") -> int | None:
        return self.dialect.setting_out(
            self._value("SELECT value FROM settings WHERE key = ? AND scope = ?", (key, user)))

    def setting_for(self, key: str, user: str) -> int | None:
        """The user's own value of a setting, else the office-wide one: one lookup."""
        return self.dialect.setting_out(self._value(
            "SELECT coalesce((SELECT value FROM settings WHERE key = ? AND scope = ?), "
            "(SELECT value FROM settings WHERE key = ? AND scope = ''))", (key, user, key)))

    def settings(self) -> list[dict]:
        rows = self._all("SELECT * FROM settings ORDER BY key, scope")
        return [{**row, "value": self.dialect.setting_out(row["value"])} for row in rows]

    def office(self) -> str:
        entry = self.entry(1)
        return entry.body_dict().get("office", "") if entry else ""

    # -- the counter ---------------------------------------------------------------------
    def open_session(self, officer: str) -> dict | None:
        """The officer's session that takes money (state 'open'), if any."""
        return self._one(
            "SELECT * FROM sessions WHERE officer = ? AND state = 'open' ORDER BY business_date DESC LIMIT 1",
            (officer,),
        )

    def days_not_signed_off(self) -> list[dict]:
        return self._all(
            "SELECT * FROM sessions WHERE state != 'signed_off' ORDER BY business_date, officer")

    def bag(self, bag: str) -> dict | None:
        """The session whose takings left in this bag, if any."""
        return self._one("SELECT * FROM sessions WHERE bag = ?", (bag,))

    def uncounted_session(self, officer: str) -> dict | None:
        """A session still waiting for its count: open, or sent back for a recount."""
        return self._one(
            "SELECT * FROM sessions WHERE officer = ? AND state IN ('open', 'recount') "
            "ORDER BY business_date LIMIT 1", (officer,),
        )

    def day_totals(self, officer: str, business_date: str) -> dict:
        """Cash expected in the till and cheques taken, net of reversals, for one officer's day."""
        till = f"Assets:Till:{officer}"
        cash_pence = self.account_balance_pence(till, business_date)
        cheques = self._value(
            "SELECT count(*) FROM counter_entries WHERE officer = ? AND business_date = ? "
            "AND method = 'cheque' AND reversed_by IS NULL AND kind IN ('receipt_recorded', 'debt_collected')",
            (officer, business_date),
        )
        cheques_pence = self.account_balance_pence(f"Assets:Cheques:{officer}", business_date)
        warrants = self._value(
            "SELECT count(*) FROM counter_entries WHERE officer = ? AND business_date = ? "
            "AND kind = 'warrant_issued' AND reversed_by IS NULL", (officer, business_date))
        return {"cash_pence": cash_pence, "cheques": cheques, "cheques_pence": cheques_pence,
                "warrants_issued": warrants}

    def serials_not_in_stock(self, serials) -> list[int]:
        """Of serials an officer says they hold unused, those the register does not show in stock."""
        return [serial for serial in serials
                if self._value("SELECT status FROM warrants WHERE serial = ?", (serial,)) != "stock"]

    def session(self, officer: str, business_date: str) -> dict | None:
        return self._one(
            "SELECT * FROM sessions WHERE officer = ? AND business_date = ?", (officer, business_date)
        )

    def sessions_on(self, business_date: str | None) -> list[dict]:
        if business_date is None:
            return self._all("SELECT * FROM sessions ORDER BY business_date, officer")
        return self._all(
            "SELECT * FROM sessions WHERE business_date = ? ORDER BY officer", (business_date,)
        )

    def limit_used_pence(self, officer: str, business_date: str) -> int:
        return self._value(
            "SELECT coalesce(sum(limit_pence), 0) FROM counter_entries "
            "WHERE officer = ? AND business_date = ? AND reversed_by IS NULL",
            (officer, business_date),
        )

    def limit_state(self, officer: str, business_date: str) -> tuple[int, int | None]:
        """(limit used that day, the officer's daily limit: their own, else the office's), in one statement."""
        used, limit = self.conn.execute(
            "SELECT (SELECT coalesce(sum(limit_pence), 0) FROM counter_entries "
            "WHERE officer = ? AND business_date = ? AND reversed_by IS NULL), "
            "coalesce((SELECT value FROM settings WHERE key = 'daily_limit_pence' AND scope = ?), "
            "(SELECT value FROM settings WHERE key = 'daily_limit_pence' AND scope = ''))",
            (officer, business_date, officer)).fetchone()
        return used, self.dialect.setting_out(limit)

    def account_balance_pence(self, account: str, business_date: str | None = None) -> int:
        if business_date is None:
            return self._value("SELECT coalesce(sum(amount_pence), 0) FROM postings WHERE account = ?", (account,))
        return self._value(
            "SELECT coalesce(sum(amount_pence), 0) FROM postings WHERE account = ? AND business_date = ?",
            (account, business_date),
        )

    def counter_entry(self, seq: int) -> dict | None:
        return self._one("SELECT * FROM counter_entries WHERE seq = ?", (seq,))

    def next_receipt_no(self) -> int:
        return self._value("SELECT coalesce(max(receipt_no), 0) + 1 FROM receipts")

    # -- debtors and warrants ------------------------------------------------------------
    def debtor(self, debtor_ref: str) -> dict | None:
        return self._one("SELECT * FROM debtors WHERE debtor_ref = ?", (debtor_ref,))

    def debtors_owing(self, at_least_pence: int) -> list[str]:
        """References of the debts with at least this much still to collect, in reference order."""
        rows = self.conn.execute("SELECT debtor_ref FROM debtors WHERE raised_pence - collected_pence >= ? "
                                 "ORDER BY debtor_ref", (at_least_pence,))
        return [ref for (ref,) in rows]

    def debtors(self) -> list[dict]:
        return self._all(
            "SELECT *, raised_pence - collected_pence AS balance_pence FROM debtors ORDER BY debtor_ref"
        )

    def warrant(self, serial: int) -> dict | None:
        return self._one("SELECT * FROM warrants WHERE serial = ?", (serial,))

    def next_stock_serial(self) -> int | None:
        return self._value("SELECT min(serial) FROM warrants WHERE status = 'stock'")

    def highest_serial(self) -> int:
        return self._value("SELECT coalesce(max(serial), 0) FROM warrants")

    def serials_held(self, first: int, last: int) -> int:
        return self._value("SELECT count(*) FROM warrants WHERE serial BETWEEN ? AND ?", (first, last))

    def warrants_by_status(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, count(*) FROM warrants GROUP BY status")
        return dict(rows.fetchall())

    # -- reports -------------------------------------------------------------------------
    def entries_on(self, business_date: str, kinds: tuple[str, ...]) -> list[tuple]:
        marks = ", ".join("?" * len(kinds))
        return self.conn.execute(
            f"{_SELECT_ENTRY} WHERE business_date = ? AND kind IN ({marks}) ORDER BY seq",
            (business_date, *kinds),
        ).fetchall()

    def warrant_register(self) -> list[dict]:
        return self._all(
            "SELECT w.serial, w.status, w.received_seq, w.used_seq, e.body AS used_body, "
            "e.business_date AS used_date, e.actor AS used_by "
            "FROM warrants w LEFT JOIN entries e ON e.seq = w.used_seq ORDER BY w.serial")

    def postings_between(self, prefix: str, first_date: str, last_date: str) -> list[dict]:
        """Net postings per account under a prefix, business dates first..last inclusive."""
        return self._all(
            "SELECT account, sum(amount_pence) AS amount_pence, count(DISTINCT seq) AS entries FROM postings "
            "WHERE account LIKE ? AND business_date BETWEEN ? AND ? GROUP BY account ORDER BY account",
            (prefix + "%", first_date, last_date))

    def collections_by_debtor(self) -> dict[str, dict]:
        rows = self._all(
            "SELECT substr(p.account, 16) AS debtor_ref, count(*) AS collections, max(p.business_date) AS last_date "
            "FROM postings p JOIN counter_entries c ON c.seq = p.seq "
            "WHERE c.kind = 'debt_collected' AND c.reversed_by IS NULL AND p.account LIKE 'Assets:Debtors:%' "
            "GROUP BY p.account")
        return {row["debtor_ref"]: row for row in rows}

    # -- the auditor's browser -----------------------------------------------------------
    def entry_page(self, business_date: str, actor: str, kind: str, code: str, *, after_seq: int | None,
                   before_seq: int | None, limit: int) -> list[dict]:
        """A page by keyset on seq: after_seq pages forward, before_seq backward (rows still ascending)."""
        where, params = ["TRUE"], []
        for column, value in (("business_date", business_date), ("actor", actor), ("kind", kind)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if code:
            where.append(f"{self.dialect.json_text('body', 'code')} = ?")
            params.append(code)
        if after_seq is not None:
            where.append("seq > ?")
            params.append(after_seq)
        if before_seq is not None:
            where.append("seq < ?")
            params.append(before_seq)
        order = "DESC" if before_seq is not None else "ASC"
        sql = (f"SELECT seq, entry_id, kind, recorded_at, business_date, actor, terminal, body, prev_hash, hash "
               f"FROM entries WHERE {' AND '.join(where)} ORDER BY seq {order} LIMIT ?")
        rows = self._all(sql, (*params, limit))
        return rows if order == "ASC" else rows[::-1]
