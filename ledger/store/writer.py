"""Inside a store's `writing()` block: the reads the rules need, plus appending to the chain."""

from __future__ import annotations

from ledger.chain import GENESIS_HASH, Entry, canonical_body, entry_hash, hash_of
from ledger.store.errors import StoreError
from ledger.store.projections import apply_entry
from ledger.store.reader import ENTRY_COLUMNS, Reader

_INSERT_ENTRY = f"INSERT INTO entries ({', '.join(ENTRY_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


class Writer(Reader):
    """Inside `writing()`: the reads the rules need, plus `append`.

    A Writer lives for one transaction, holding the write lock: the user rows it has read since its
    last append are still current, so `append` can tell when the actor's failure count is already 0."""

    def __init__(self, conn) -> None:
        super().__init__(conn)
        self._users_read: dict[str, dict | None] = {}
        #: Entry ids appended in this transaction (a store asks for them after a connection dropped at COMMIT).
        self.appended_ids: list[str] = []

    def user(self, username: str) -> dict | None:
        row = super().user(username)
        self._users_read[username] = row
        return row

    def append(
        self, *, kind: str, entry_id: str, business_date: str, actor: str, terminal: str,
        recorded_at: str, body: dict,
    ) -> Entry:
        """Chain one entry onto the head and project it, inside the caller's transaction."""
        head_seq, head_hash = self.head()
        seq, prev_hash = head_seq + 1, head_hash or GENESIS_HASH
        text = canonical_body(body)
        digest = entry_hash(prev_hash, seq, entry_id, kind, recorded_at, business_date, actor, terminal, text)
        entry = Entry(seq, entry_id, kind, recorded_at, business_date, actor, terminal, text, prev_hash, digest)
        self.conn.execute(_INSERT_ENTRY,
                          (seq, entry_id, kind, recorded_at, business_date, actor, terminal, text, prev_hash, digest))
        self.appended_ids.append(entry_id)
        actor_row = self._users_read.get(actor)
        apply_entry(self.conn, entry, body, actor_failures_zero=actor_row is not None and actor_row["failures"] == 0)
        self._users_read.clear()  # the projections just changed: read again before trusting a row
        return entry

    def append_copied(self, entry: Entry) -> None:
        """An entry copied as stored from another ledger (`cashdesk copy`): it must extend this chain's head and
        match its own hash, which is kept, not made again (the copy is verified whole afterwards). An entry edited
        in the source is refused before its body is read: a body that is no longer JSON was an internal error."""
        head_seq, head_hash = self.head()
        if entry.seq != head_seq + 1 or entry.prev_hash != (head_hash or GENESIS_HASH):
            raise StoreError(f"entry {entry.seq} does not extend the copy's head at seq {head_seq}; nothing was copied")
        if hash_of(entry) != entry.hash:
            raise StoreError(f"entry {entry.seq} does not match its hash: the source fails `cashdesk verify` there; "
                             "nothing was copied")
        self.conn.execute(_INSERT_ENTRY, tuple(getattr(entry, column) for column in ENTRY_COLUMNS))
        apply_entry(self.conn, entry, entry.body_dict())

    def set_credential(self, username: str, salt: bytes, pin_hash: bytes, params: str) -> None:
        self.conn.execute(
            "INSERT INTO credentials (username, salt, pin_hash, params) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (username) DO UPDATE SET salt = excluded.salt, pin_hash = excluded.pin_hash, "
            "params = excluded.params",
            (username, salt, pin_hash, params),
        )
