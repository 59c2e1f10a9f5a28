"""Every file cashdesk writes besides the ledger is readable by its owner and group only (0640).

Exports, reports, PDFs and pay-run files name payers, officers and amounts as the ledger does, and
the anchor log is what an auditor trusts to catch a rewritten ledger: each is created 0640 whatever
the umask (0 would give 0666; 077 would give 0600 and shut the group out), including when it replaces
an existing file or a stale `.partial` left by an earlier crash. The ledger and its backups are
held to the same in test_roles_matrix.py and storage/test_store.py.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from book_support import TODAY, Clock
from console import cli
from console.desk import Desk
from ledger.private_files import append_privately, replaced_privately

from reliability_support import cheap_book
from roles_support import closed_run

UMASKS = (0o000, 0o022, 0o077)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=UMASKS, ids=lambda umask: f"umask-{umask:03o}")
def umask(request):
    """The process umask for the test (restored after): cashdesk runs in-process, as its `main`."""
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


@pytest.fixture(scope="module")
def signed_off(tmp_path_factory) -> Path:
    """A ledger with alice's day counted and signed off by sam (so every report has rows), and a pay run
    sam scheduled and closed (PR-0001)."""
    path = tmp_path_factory.mktemp("private") / "ledger.db"
    book = cheap_book(path)
    book.ledger.open_session(book.alice, 5000)
    book.ledger.record_receipt(book.alice, amount_pence=1250, method="cash", code="INC1", payer="J Smith")
    book.ledger.declare_count(book.alice, denominations={5000: 1, 1000: 1, 200: 1, 50: 1}, cheques_counted=0)
    book.ledger.sign_off(book.sam, officer="alice", business_date=TODAY)
    assert closed_run(book.ledger, "sam", ("supervisor",)) == "PR-0001"
    book.ledger.close()
    return path


def run(*argv: str) -> None:
    assert cli.main(list(argv)) == cli.EXIT_OK


#: Each command that writes a file, ending in the option that names the file.
OUTPUTS = {
    "export-hledger": ("export", "--format", "hledger", "--output"),
    "export-csv": ("export", "--format", "csv", "--output"),
    "export-jsonl": ("export", "--format", "jsonl", "--output"),
    "report-table": ("report", "daily", "--date", TODAY, "--output"),
    "report-csv": ("report", "reconciliation", "--date", TODAY, "--format", "csv", "--output"),
    "report-json": ("report", "limits", "--date", TODAY, "--format", "json", "--output"),
    "report-pdf": ("report", "daily", "--date", TODAY, "--format", "pdf", "--output"),
    "slip-pdf": ("report", "slip", "--officer", "alice", "--date", TODAY, "--format", "pdf", "--output"),
    "payrun-pdf": ("report", "payrun", "PR-0001", "--format", "pdf", "--output"),
    "payrun-export": ("payrun", "export", "PR-0001", "--out"),
}


@pytest.mark.parametrize("output", OUTPUTS)
def test_exports_and_reports_written_to_a_file_are_private_whatever_the_umask(signed_off, tmp_path, umask, output,
                                                                              capsys):
    target = tmp_path / f"{output}.out"
    run("--db", str(signed_off), *OUTPUTS[output], str(target))
    assert target.stat().st_size > 0 and mode(target) == 0o640, oct(mode(target))
    assert sorted(path.name for path in tmp_path.iterdir()) == [target.name], "no .partial is left behind"


def test_a_file_replaced_and_a_stale_partial_both_end_private(signed_off, tmp_path, umask, capsys):
    target = tmp_path / "export.csv"
    target.write_text("old\n")
    target.chmod(0o666)
    stale = tmp_path / "export.csv.partial"
    stale.write_text("half an earlier export")
    stale.chmod(0o666)
    run("--db", str(signed_off), "export", "--format", "csv", "--output", str(target))
    assert mode(target) == 0o640 and target.read_text().startswith("seq,entry_id")
    assert not stale.exists()


def test_the_consoles_export_is_private_whatever_the_umask(signed_off, tmp_path, umask):
    target = tmp_path / "console-export.jsonl"
    assert Desk(signed_off, clock=Clock()).export("jsonl", target) > 0
    assert mode(target) == 0o640


def test_the_anchor_log_a_sign_off_creates_is_private_whatever_the_umask(tmp_path, umask):
    book = cheap_book(tmp_path / "ledger.db")
    book.ledger.open_session(book.alice, 5000)
    book.ledger.declare_count(book.alice, denominations={5000: 1}, cheques_counted=0)
    book.ledger.sign_off(book.sam, officer="alice", business_date=TODAY)
    log = book.ledger.anchor_log_path()
    book.ledger.close()
    assert log.read_text().count("\n") == 1 and mode(log) == 0o640


def test_an_existing_anchor_log_keeps_the_mode_its_owner_gave_it(tmp_path, umask):
    log = tmp_path / "anchors.log"
    log.write_text("# kept by the finance team\n")
    log.chmod(0o600)
    append_privately(log, "1:abc\n")
    assert mode(log) == 0o600 and log.read_text() == "# kept by the finance team\n1:abc\n"


def test_a_failed_write_leaves_neither_the_file_nor_a_partial(tmp_path):
    target = tmp_path / "report.csv"
    with pytest.raises(RuntimeError), replaced_privately(target) as out:
        out.write("half a report")
        raise RuntimeError("the ledger could not be read")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_one_line_naming_the_file_asked_for(signed_off, tmp_path, capsys):
    target = tmp_path / "no-such-folder" / "export.csv"
    assert cli.main(["--db", str(signed_off), "export", "--format", "csv", "-o", str(target)]) == cli.EXIT_DATABASE
    err = capsys.readouterr().err
    assert err == f"cashdesk: No such file or directory: {target}\n"


def test_negative_control_a_plain_open_under_umask_0_is_world_readable(tmp_path, umask):
    """What the tests above would see if cashdesk wrote with open(): the umask decides, not cashdesk."""
    plain = tmp_path / "plain.csv"
    with open(plain, "w") as out:
        out.write("seq\n")
    assert mode(plain) == 0o666 & ~umask != 0o640

