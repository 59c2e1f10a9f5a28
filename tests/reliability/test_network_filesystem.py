"""A ledger on a network filesystem is refused, and the detection is tested with fake mount tables.

SQLite's WAL needs shared memory and POSIX locks that NFS, SMB/CIFS and sshfs do not give
reliably between hosts, so the store reads the mount table (/proc/mounts) and refuses a ledger
whose folder lies on one. Here the table is a file the test writes: the store's real parser reads
it (octal escapes such as \\040 for a space, the deepest mount point winning, a later mount over
an earlier one), and the refusal is seen end to end through `cashdesk`'s own `main`. Each refusal
has its control: the same file under a local filesystem in an otherwise identical table opens.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import ledger.store.sqlite as store_sqlite
import pytest
from book_support import PINS
from console import cli
from ledger.book import Ledger
from ledger.store import NetworkFilesystem, create_store, open_store
from ledger.store.sqlite import filesystem_type, is_network_filesystem, mount_type

from reliability_support import cheap_book

#: A host's mount table as the kernel writes it: device, mount point, type, options, dump, pass.
FAKE_MOUNTS = r"""/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec 0 0
fileserver:/export/cash /srv/council nfs4 rw,vers=4.2,hard 0 0
/dev/sdb1 /srv/council/local ext4 rw,relatime 0 0
//fileserver/cash /mnt/cash\040office cifs rw,vers=3.0 0 0
/dev/sdc1 /mnt/cashbox ext4 rw 0 0
clerk@backup:/ledgers /home/clerk/remote fuse.sshfs rw,nosuid,nodev 0 0
tmpfs /home/clerk/remote/cache tmpfs rw 0 0
oldserver:/a /mnt/over nfs rw 0 0
/dev/sdd1 /mnt/over ext4 rw 0 0
/dev/sde1 /mnt/tab\011and\134back\012slash ext4 rw 0 0
this line is short
"""
CASES = {
    "/srv/council/ledger.db": "nfs4",
    "/srv/council": "nfs4",
    "/srv/council/local/ledger.db": "ext4",  # a local disk mounted under an NFS parent
    "/srv/councillors/ledger.db": "ext4",  # a name that only begins like an NFS mount point
    "/mnt/cash office/ledger.db": "cifs",  # \040 is a space
    "/mnt/cash/ledger.db": "ext4",
    "/mnt/cashbox/ledger.db": "ext4",
    "/home/clerk/remote/ledger.db": "fuse.sshfs",
    "/home/clerk/remote/cache/ledger.db": "tmpfs",  # the deepest mount point wins
    "/mnt/over/ledger.db": "ext4",  # mounted over the NFS one: the later line wins
    "/mnt/tab\tand\\back\nslash/ledger.db": "ext4",
    "/proc/self": "proc",
    "/": "ext4",
}


@pytest.mark.parametrize("target", CASES)
def test_the_mount_table_is_read_as_the_kernel_writes_it(target):
    assert mount_type(target, FAKE_MOUNTS) == CASES[target]


def test_an_empty_or_unreadable_mount_table_knows_nothing(tmp_path):
    assert mount_type("/srv/council/ledger.db", "") == ""
    assert filesystem_type(tmp_path, mount_table=tmp_path / "no-such-table") == ""


@pytest.mark.parametrize("fstype, network", [
    ("nfs", True), ("nfs4", True), ("cifs", True), ("smb3", True), ("fuse.sshfs", True), ("ceph", True),
    ("9p", True), ("ext4", False), ("xfs", False), ("btrfs", False), ("tmpfs", False), ("overlay", False),
    ("fuse", False), ("", False),
])
def test_which_filesystems_count_as_network_ones(fstype, network):
    assert is_network_filesystem(fstype) is network


def mount_table(tmp_path: Path, folder: Path, fstype: str) -> Path:
    """A table that mounts `folder` (resolved, written with the kernel's escapes) as `fstype` over a local root."""
    point = str(folder.resolve()).replace("\\", r"\134").replace(" ", r"\040")
    table = tmp_path / "mounts"
    table.write_text(f"/dev/sda1 / ext4 rw 0 0\nserver:/x {point} {fstype} rw 0 0\n")
    return table


def test_filesystem_type_reads_the_table_it_is_given_and_resolves_symlinks(tmp_path):
    share = tmp_path / "the share"
    share.mkdir()
    (tmp_path / "link").symlink_to(share)
    table = mount_table(tmp_path, share, "nfs4")
    assert filesystem_type(share / "ledger.db", mount_table=table) == "nfs4"
    assert filesystem_type(tmp_path / "link" / "ledger.db", mount_table=table) == "nfs4"
    assert filesystem_type(tmp_path, mount_table=table) == "ext4"


@pytest.fixture
def share(tmp_path, monkeypatch):
    """A folder with a ledger in it, and a way to say what the mount table calls that folder."""
    folder = tmp_path / "cash share"
    folder.mkdir()
    cheap_book(folder / "ledger.db").ledger.close()

    def mounted_as(fstype: str) -> Path:
        monkeypatch.setattr(store_sqlite, "MOUNT_TABLE", mount_table(tmp_path, folder, fstype))
        return folder
    return mounted_as


@pytest.mark.parametrize("fstype", ["nfs4", "nfs", "cifs", "smb3", "fuse.sshfs"])
def test_a_ledger_on_a_network_filesystem_is_refused_to_open_and_to_create(share, fstype):
    folder = share(fstype)
    with pytest.raises(NetworkFilesystem, match=f"network filesystem \\({fstype}\\)"):
        open_store(folder / "ledger.db")
    with pytest.raises(NetworkFilesystem, match="local disk"):
        create_store(folder / "fresh.db")
    with pytest.raises(NetworkFilesystem):
        Ledger.create(folder / "fresh.db", office="Remote", admin="adam", pin=PINS["adam"])
    assert sorted(path.name for path in folder.iterdir()) == ["ledger.db"]


def test_control_the_same_ledger_on_a_local_filesystem_opens(share):
    folder = share("ext4")
    with open_store(folder / "ledger.db") as store, store.reading() as reader:
        assert reader.head()[0] > 0
    create_store(folder / "fresh.db").close()


def test_cashdesk_refuses_a_network_ledger_with_one_line_naming_the_filesystem(share, capsys, monkeypatch):
    folder = share("nfs4")
    ledger = folder / "ledger.db"
    before = ledger.read_bytes()
    assert cli.main(["--db", str(ledger), "head"]) == cli.EXIT_DATABASE
    out, err = capsys.readouterr()
    assert out == "" and err == (f"cashdesk: {ledger} is on a network filesystem (nfs4); SQLite's WAL is not safe "
                                 "there: keep the ledger on a local disk\n")
    fresh = folder / "fresh.db"
    monkeypatch.setattr(sys, "stdin", io.StringIO(PINS["adam"] + "\n"))
    assert cli.main(["--db", str(fresh), "init", "--office", "X", "--admin", "adam", "--pin-stdin"]) == \
        cli.EXIT_DATABASE
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and "network filesystem (nfs4)" in err and not fresh.exists()
    assert ledger.read_bytes() == before

    share("ext4")  # control: the same command on the same file, mounted locally
    assert cli.main(["--db", str(ledger), "head"]) == cli.EXIT_OK
    assert re.fullmatch(r"[0-9]+:[0-9a-f]{64}\n", capsys.readouterr().out)
