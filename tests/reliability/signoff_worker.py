"""The other terminal for test_signoff_race: keep posting receipts for one officer while the day closes.

Run as a script, in its own OS process with its own connection:

    python3 tests/reliability/signoff_worker.py DB --officer alice --pin 111111 --now 2026-11-23T12:00:00Z \
        --rendezvous DIR

It opens the ledger (clock starting at --now, so its London date is the officer's business date),
signs in, and posts 1p cash receipts in a tight loop. After its first receipt is appended it writes
`DIR/ready`; from then on the test declares the count and signs the day off while this loop keeps
going. When the test drops `DIR/signed` the worker makes one last attempt, then prints one JSON
object: every receipt it was told was appended, and every refusal by outcome. Only `Refused` is
caught; anything else escapes with a traceback and a non-zero exit, which the test fails on.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ledger.book import Ledger  # noqa: E402
from ledger.refusals import Refused  # noqa: E402

#: A bound on the loop, far above what the race needs: the test never waits on it.
MAX_ATTEMPTS = 20_000


class TickingClock:
    """From a fixed moment, a millisecond per reading: the officer's business date, ordered times."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a ledger file's path or a postgresql:// URL")
    parser.add_argument("--officer", default="alice")
    parser.add_argument("--pin", default="111111")
    parser.add_argument("--now", required=True, help="the clock's start, ISO 8601 with a zone")
    parser.add_argument("--rendezvous", type=Path, required=True)
    return parser.parse_args(argv)


def announce(path: Path) -> None:
    pending = path.with_name(f".{path.name}.tmp")
    pending.write_text("1")
    pending.rename(path)


def race(args: argparse.Namespace) -> dict:
    clock = TickingClock(datetime.fromisoformat(args.now.replace("Z", "+00:00")))
    accepted, refused, last = [], {}, None
    with Ledger.open(args.db, clock=clock, terminal="race:receipts") as ledger:
        actor = ledger.authenticate(args.officer, args.pin)
        for attempt in range(MAX_ATTEMPTS):
            final = (args.rendezvous / "signed").exists()
            try:
                posted = ledger.record_receipt(actor, amount_pence=1, method="cash", code="INC1",
                                               payer="Racing Payer", entry_id=f"signoff-race-{attempt}")
                accepted.append({"seq": posted.seq, "entry_id": posted.entry.entry_id,
                                 "outcome": posted.outcome.value})
                outcome = "appended"
            except Refused as refusal:
                outcome = refusal.outcome.value
                refused[outcome] = refused.get(outcome, 0) + 1
            if accepted and not (args.rendezvous / "ready").exists():
                announce(args.rendezvous / "ready")
            if final:
                last = outcome
                break
    return {"accepted": accepted, "refused": refused, "after_sign_off": last}


def main(argv: list[str] | None = None) -> int:
    print(json.dumps(race(parse_args(argv))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
