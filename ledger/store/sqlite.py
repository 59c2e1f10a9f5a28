"""The SQLite store: opening a ledger file safely, the one write transaction, and rebuild/backup."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

from ledger.private_files import PRIVATE_FILE_MODE
from ledger.store import schema
from ledger.store.errors import (
    LedgerBusy,
    LedgerExists,
    LedgerMissing,
    LedgerUnusable,
    NetworkFilesystem,
    translate_errors,
)
from ledger.store.projections import apply_entry
from ledger.store.reader import Reader
from ledger.store.writer import Writer

#: Filesystems where SQLite's WAL (shared memory, POSIX locks) cannot be trusted: network and cluster disks.
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph",
                       "glusterfs", "lustre", "gfs2", "ocfs2", "davfs", "fuse.sshfs", "fuse.glusterfs",
                       "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse"}
MOUNT_TABLE = Path("/proc/mounts")
IMMUTABLE = "mode=ro&immutable=1"
BUSY_TIMEOUT_MS = 10_000
LEDGER_FILE_MODE = PRIVATE_FILE_MODE
BEGIN_ATTEMPTS = 6
#: WAL pages between automatic checkpoints for synthetic history (SQLite's default is 1,000).
SYNTHETIC_CHECKPOINT_PAGES = 10_000
#: Page size of a new ledger file (SQLite's default is 4096). A receipt's commit writes one page of each b-tree it
#: touches to the WAL and fsyncs them, so smaller pages halve what each commit writes. An existing file keeps its own.
NEW_LEDGER_PAGE_SIZE = 2048


def filesystem_type(path: Path, mount_table: Path | None = None) -> str:
    """The type of the mounted filesystem holding `path`, from the mount table ('' if unknown).

    `mount_table` is /proc/mounts unless given (tests give a fake one)."""
    try:
        table = (mount_table or MOUNT_TABLE).read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return ""
    return mount_type(str(path.resolve()), table)


def mount_type(target: str, table: str) -> str:
    """The type of the deepest mount point holding the absolute path `target`, in a mount table's text
    (fstab format: device, mount point, type …; later lines mount over earlier ones)."""
    best, fstype = "", ""
    for line in table.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = _unescape_mount_field(parts[1])
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, fstype = mount_point, parts[2]
    return fstype


def _unescape_mount_field(text: str) -> str:
    """The kernel writes space, tab, newline and backslash in a mount point as \\040, \\011, \\012, \\134."""
    return re.sub(r"\\([0-7]{3})", lambda octal: chr(int(octal[1], 8)), text)


def is_network_filesystem(fstype: str) -> bool:
    return fstype in NETWORK_FILESYSTEMS or fstype.startswith("nfs")


def _refuse_network_filesystem(path: Path) -> None:
    fstype = filesystem_type(path.parent)
    if is_network_filesystem(fstype):
        raise NetworkFilesystem(
            f"{path} is on a network filesystem ({fstype}); SQLite's WAL is not safe there: "
            "keep the ledger on a local disk"
        )


def _create_private_file(path: Path) -> None:
    """The ledger is readable by its owner and group only (SQLite gives its -wal and -shm the same)."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, LEDGER_FILE_MODE))
    os.chmod(path, LEDGER_FILE_MODE)  # whatever the umask


def _upgrade(conn: sqlite3.Connection, may_fail: bool = False) -> None:
    """An older ledger gains the projections added since (empty: it holds none of their kinds yet), and its
    `postings` the shape of schema 3 (`schema.upgrade_postings`); indexes since replaced are dropped.
    `may_fail`: a command that only reads goes on without, where this user may not write the file."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("PRAGMA user_version").fetchone()[0] < schema.SCHEMA_VERSION:
            schema.upgrade_postings(conn)
            for index in schema.RETIRED_INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {index}")
            schema.create_projections(Reader(conn).db)
            conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except sqlite3.OperationalError as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if not (may_fail and _for_want_of_write_access(error)):
            raise


def _connect(path: Path, read_only: str = "", any_thread: bool = False) -> sqlite3.Connection:
    """A connection; `read_only` "mode=ro" or "mode=ro&immutable=1" opens the file by URI that way.
    `any_thread`: it may be used from another thread than this one (never from two at once)."""
    target = f"file:{urllib.parse.quote(str(path.absolute()))}?{read_only}" if read_only else path
    conn = sqlite3.connect(target, uri=bool(read_only), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=not any_thread)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _connect_to_read(path: Path) -> tuple[sqlite3.Connection, str, tuple | None]:
    """A connection for a command that only reads, how it was opened ("", "mode=ro" or immutable),
    and the file's stamp when it had to be opened immutable.

    As usual where the file and its folder may be written; else read-only (a WAL database then reads
    while its -shm exists, e.g. under a running writer); else, when the folder cannot hold a -shm,
    immutable: without locks, so the caller checks the file's stamp after reading. Never immutable
    over a -wal holding entries, which an immutable reader would silently ignore."""
    for read_only in ("", "mode=ro"):
        conn = None
        try:
            conn = _connect(path, read_only)
            conn.execute("PRAGMA application_id").fetchone()  # opens the WAL and its index, or cannot
            return conn, read_only, None
        except sqlite3.DatabaseError as error:
            if conn is not None:
                conn.close()
            if not (isinstance(error, sqlite3.OperationalError) and _for_want_of_write_access(error)):
                raise
    if _wal_holds_frames(path):
        raise LedgerUnusable(
            f"cannot read {path}: its folder is read-only and {path.name}-wal holds entries not yet in the file; "
            "open it once where it may be written, or copy both files to a folder that may be"
        )
    stamp = file_stamp(path)
    return _connect(path, IMMUTABLE), IMMUTABLE, stamp


def _for_want_of_write_access(error: sqlite3.OperationalError) -> bool:
    return "readonly" in str(error) or "unable to open" in str(error)


def _wal_holds_frames(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except FileNotFoundError:
        return False


def file_stamp(path: Path) -> tuple:
    """What changes when anyone writes the file (its -wal is checked separately)."""
    info = path.stat()
    return info.st_ino, info.st_size, info.st_mtime_ns


def _check_it_is_ours(conn: sqlite3.Connection, path: Path) -> int:
    """The ledger's schema version, once it is known to be a cashdesk ledger this cashdesk can read."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id != schema.APPLICATION_ID:
        raise LedgerUnusable(f"{path} is not a cashdesk ledger")
    if version > schema.SCHEMA_VERSION:
        raise LedgerUnusable(f"{path} was written by a newer cashdesk (schema {version}); upgrade cashdesk to open it")
    return version


class SqliteStore:
    """One open ledger file. Use `writing()` for every write; `reading()` for a consistent view."""

    kind = "sqlite"

    def __init__(self, path: Path, conn: sqlite3.Connection, immutable_stamp: tuple | None = None) -> None:
        self.path = self.location = path
        self.conn = conn
        #: Set when the file was opened immutable (a read-only folder): its stamp when opened.
        self.immutable_stamp = immutable_stamp

    @property
    def name(self) -> str:
        """How messages name this ledger."""
        return str(self.path)

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike) -> "SqliteStore":
        """A new, empty ledger file (the caller appends `book_created` next)."""
        path = Path(path)
        if path.exists():
            raise LedgerExists(f"{path} already exists; choose another path or open it")
        if not path.parent.is_dir():
            raise LedgerMissing(f"folder {path.parent} does not exist")
        _refuse_network_filesystem(path)
        with translate_errors(path):
            _create_private_file(path)
            conn = _connect(path)
            conn.execute(f"PRAGMA page_size = {NEW_LEDGER_PAGE_SIZE}")  # before anything is written
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("BEGIN IMMEDIATE")
            schema.create_entries(conn)
            schema.create_projections(Reader(conn).db)
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
            conn.execute("COMMIT")
        return cls(path, conn)

    @classmethod
    def open(cls, path: str | os.PathLike, *, durable: bool = True, read_only: bool = False,
             any_thread: bool = False) -> "SqliteStore":
        """An existing ledger; refuses a missing file, a stranger, a newer schema, a network disk.

        `durable=False` is for synthetic history only (`cashdesk simulate`): commits use
        synchronous=NORMAL, which under WAL survives a crash of the process but not a power cut.
        `read_only=True` is for commands that only read: they work on a ledger whose file or folder
        this user may not write (an auditor's copy, a read-only share). `any_thread=True` is for a store
        lent to one thread at a time (see `KeptStore`)."""
        path = Path(path)
        if not path.is_file():
            raise LedgerMissing(f"no ledger at {path}: create one with `cashdesk init` or `cashdesk demo`")
        _refuse_network_filesystem(path)
        with translate_errors(path):
            conn, access, stamp = _connect_to_read(path) if read_only else (_connect(path, "", any_thread), "", None)
            try:
                version = _check_it_is_ours(conn, path)
            except BaseException:
                conn.close()
                raise
            if access == "":  # a connection that may write: the journal, and an older schema brought up to date
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
                if not durable:  # fewer, larger checkpoints: each one costs two fsyncs
                    conn.execute(f"PRAGMA wal_autocheckpoint = {SYNTHETIC_CHECKPOINT_PAGES}")
                if version < schema.SCHEMA_VERSION:
                    _upgrade(conn, may_fail=read_only)
        return cls(path, conn, stamp)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "SqliteStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self) -> Iterator[Reader]:
        """A read transaction: every query inside sees one snapshot."""
        with translate_errors(self.path):
            self.conn.execute("BEGIN")
            try:
                yield Reader(self.conn)
            finally:
                self.conn.execute("COMMIT")
            if self.immutable_stamp is not None and file_stamp(self.path) != self.immutable_stamp:
                raise LedgerBusy(f"{self.path} was written while it was read without locks (its folder is "
                                 "read-only to this user); run the command again")

    @contextlib.contextmanager
    def writing(self) -> Iterator["Writer"]:
        """The one write path: BEGIN IMMEDIATE, read, check, append, COMMIT (or roll back)."""
        with translate_errors(self.path):
            self._begin_immediate()
            try:
                yield Writer(self.conn)
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # SQLite may already have rolled back (SQLITE_FULL, IOERR)
                    self.conn.execute("ROLLBACK")
                raise

    def _begin_immediate(self) -> None:
        for attempt in range(BEGIN_ATTEMPTS):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise LedgerBusy("the ledger stayed busy with another terminal for a minute; try again")

    # -- maintenance ---------------------------------------------------------------------
    def rebuild(self) -> int:
        """Drop every projection and replay `entries` into fresh ones; returns entries replayed."""
        with self.writing() as writer:
            schema.drop_projections(writer.db)
            schema.create_projections(writer.db)
            count = 0
            for entry in writer.iter_entries():
                apply_entry(self.conn, entry, entry.body_dict())
                count += 1
        return count

    def ensure_projections(self) -> bool:
        """A ledger written before a projection table existed gets every projection rebuilt from its
        entries (the new table filled from the old entries too); True when that happened."""
        present = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if set(schema.PROJECTIONS) <= present:
            return False
        self.rebuild()
        return True

    def backup(self, dest: str | os.PathLike) -> Path:
        """An online copy through SQLite's backup API (consistent while others write)."""
        dest = Path(dest)
        if dest.exists():
            raise LedgerExists(f"{dest} already exists; choose a new file for the backup")
        with translate_errors(dest):
            _create_private_file(dest)
            target = sqlite3.connect(dest)
            try:
                self.conn.backup(target)
            finally:
                target.close()
        return dest
