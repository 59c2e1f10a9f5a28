"""A terminal writing a burst of receipts through the real write path, telling the test what it was told.

Run as a script, one OS process, its own connection:

    python3 tests/reliability/crash_worker.py DB --prefix r07 [--officer alice --pin 111111]
        [--max-writes 5000] [--stop FILE] [--pause-ms MS] [--hold in-transaction|after-commit --hold-at K] [--ack-early]

For attempt i it prints, each line flushed at once:

    TRY <entry_id> <amount_pence>     before asking the ledger
    ACK <entry_id> <seq>              after the ledger answered "appended" (the commit has happened)

so that, whenever the process is killed with SIGKILL, the test knows every write the terminal was
told had succeeded, and the one attempt (at most) that was in flight. The content of attempt i
is a function of i alone (see `receipt_of`), so the test can retry it with the same entry_id.

`--hold` parks the worker at attempt K, at an exact point, until it is killed: `in-transaction`
after the entry is inserted but before COMMIT, `after-commit` after COMMIT but before the ACK line.
It prints `HOLD <entry_id> <where>` first. `--ack-early` is the negative control: the broken
terminal that says ACK before it asks the ledger (combined with `--hold in-transaction`, the test
kills it between its acknowledgement and the commit).

`--stop FILE` ends the burst cleanly (printing `DONE`) when FILE appears: the backup-under-load
test uses it to keep writers busy for exactly as long as it needs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ledger.book import Ledger

HOLD_LIMIT_S = 120.0


def receipt_of(prefix: str, attempt: int) -> dict:
    """The exact request of attempt `attempt`: a retry rebuilds it from the entry_id alone."""
    return {"entry_id": f"{prefix}-{attempt:05d}", "amount_pence": 100 + attempt % 50, "method": "cash",
            "code": "INC1", "payer": f"Payer {attempt}", "reference": f"REF-{attempt}"}


def say(*words) -> None:
    sys.stdout.write(" ".join(str(word) for word in words) + "\n")
    sys.stdout.flush()


def park(entry_id: str, where: str) -> None:
    """Stay here until the test kills us (it never lets us go on)."""
    say("HOLD", entry_id, where)
    deadline = time.monotonic() + HOLD_LIMIT_S
    while time.monotonic() < deadline:
        time.sleep(0.05)
    raise SystemExit(f"held at {entry_id} for {HOLD_LIMIT_S}s and nobody killed us")


class HoldingLedger(Ledger):
    """The real Ledger, parked at one entry_id after its INSERT, inside the write transaction."""

    hold_entry_id: str | None = None

    def _append(self, writer, kind, actor, business_date, body, entry_id=None):
        entry = super()._append(writer, kind, actor, business_date, body, entry_id)
        if entry_id is not None and entry_id == self.hold_entry_id:
            park(entry_id, "in-transaction")
        return entry


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--prefix", required=True, help="entry ids are PREFIX-00000, PREFIX-00001 …")
    parser.add_argument("--officer", default="alice")
    parser.add_argument("--pin", default="111111")
    parser.add_argument("--max-writes", type=int, default=5000)
    parser.add_argument("--stop", type=Path, help="finish cleanly once this file exists")
    parser.add_argument("--pause-ms", type=float, default=0.0, help="between writes, as a clerk would")
    parser.add_argument("--hold", choices=("in-transaction", "after-commit"))
    parser.add_argument("--hold-at", type=int, default=0)
    parser.add_argument("--ack-early", action="store_true", help="negative control: ACK before writing")
    return parser.parse_args(argv)


def burst(args: argparse.Namespace) -> None:
    with HoldingLedger.open(args.db, terminal=f"crash:{args.prefix}") as ledger:
        actor = ledger.authenticate(args.officer, args.pin)
        if args.hold == "in-transaction":
            ledger.hold_entry_id = receipt_of(args.prefix, args.hold_at)["entry_id"]
        say("READY")
        for attempt in range(args.max_writes):
            if args.stop is not None and args.stop.exists():
                break
            request = receipt_of(args.prefix, attempt)
            entry_id = request.pop("entry_id")
            say("TRY", entry_id, request["amount_pence"])
            if args.ack_early:
                say("ACK", entry_id, "?")
            posted = ledger.record_receipt(actor, entry_id=entry_id, **request)
            if args.hold == "after-commit" and attempt == args.hold_at:
                park(entry_id, "after-commit")
            if not args.ack_early:
                say("ACK", entry_id, posted.seq)
            if args.pause_ms:
                time.sleep(args.pause_ms / 1000)
    say("DONE")


if __name__ == "__main__":
    burst(parse_args(None))
