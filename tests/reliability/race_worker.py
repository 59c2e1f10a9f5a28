"""One racing terminal for test_limit_race: post receipts for one officer, then report them as JSON.

Run as a script, one OS process per terminal, each with its own connection:

    python3 tests/reliability/race_worker.py DB --worker N --officer alice --pin 111111 \
        --attempts 15 --amount-pence 1000 --rendezvous DIR [--split --split-pause-s 0.05]

The worker opens the ledger, signs in, writes `DIR/ready-N`, then polls for `DIR/go` so
that every worker starts posting at the same moment. It catches only `Refused`; anything
else (a sqlite3 error, "database is locked", LedgerBusy) escapes, prints its traceback and
exits non-zero, which the test treats as a failure.

`--split` is the negative control: the deliberately broken write path the design forbids.
The limit is read in one (read) transaction and the receipt is appended in a later one by a
Ledger whose own limit check is switched off, with a pause between the two: the fault being
modelled is "check and insert in two transactions".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ledger.book import Ledger  # noqa: E402
from ledger.refusals import Outcome, Refused  # noqa: E402

GO_TIMEOUT_S = 60.0
GO_POLL_S = 0.001


class UncheckedLedger(Ledger):
    """The broken variant: the limit check inside the write transaction does nothing."""

    def _check_limit(self, writer, actor, business_date, request) -> None:
        return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a ledger file's path or a postgresql:// URL")
    parser.add_argument("--worker", type=int, required=True)
    parser.add_argument("--officer", default="alice")
    parser.add_argument("--pin", default="111111")
    parser.add_argument("--code", default="INC1")
    parser.add_argument("--attempts", type=int, default=15)
    parser.add_argument("--amount-pence", type=int, default=1000)
    parser.add_argument("--rendezvous", type=Path, required=True)
    parser.add_argument("--split", action="store_true", help="check and insert in two transactions (broken)")
    parser.add_argument("--split-pause-s", type=float, default=0.05)
    return parser.parse_args(argv)


def wait_for_go(rendezvous: Path, worker: int) -> None:
    """Say ready (atomically), then poll until the test drops the `go` file."""
    pending = rendezvous / f".ready-{worker}.tmp"
    pending.write_text(str(worker))
    pending.rename(rendezvous / f"ready-{worker}")
    deadline = time.monotonic() + GO_TIMEOUT_S
    while not (rendezvous / "go").exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"worker {worker}: no go file after {GO_TIMEOUT_S}s")
        time.sleep(GO_POLL_S)


def split_headroom_ok(ledger: Ledger, officer: str, amount_pence: int) -> bool:
    """The broken check: read the limit state in its own transaction, which then ends."""
    with ledger.store.reading() as reader:
        session = reader.open_session(officer)
        used_pence = reader.limit_used_pence(officer, session["business_date"])
        limit_pence = ledger.limit_pence(reader, officer)
    return used_pence + amount_pence <= limit_pence


def race(args: argparse.Namespace) -> dict:
    ledger_class = UncheckedLedger if args.split else Ledger
    accepted: list[dict] = []
    refused: dict[str, int] = {}
    with ledger_class.open(args.db, terminal=f"race:w{args.worker}") as ledger:
        actor = ledger.authenticate(args.officer, args.pin)
        wait_for_go(args.rendezvous, args.worker)
        started_s = time.time()
        for attempt in range(args.attempts):
            entry_id = f"race-{'split' if args.split else 'atomic'}-w{args.worker}-{attempt}"
            try:
                if args.split:
                    if not split_headroom_ok(ledger, args.officer, args.amount_pence):
                        raise Refused(Outcome.OFFICER_LIMIT_EXCEEDED, "over the limit (split check)")
                    time.sleep(args.split_pause_s)
                posted = ledger.record_receipt(
                    actor, amount_pence=args.amount_pence, method="cash", code=args.code,
                    payer=f"Racer {args.worker}", entry_id=entry_id,
                )
            except Refused as refusal:
                refused[refusal.outcome.value] = refused.get(refusal.outcome.value, 0) + 1
                continue
            accepted.append({"seq": posted.seq, "entry_id": posted.entry.entry_id,
                             "outcome": posted.outcome.value, "receipt_no": posted.body["receipt_no"],
                             "amount_pence": args.amount_pence})
        finished_s = time.time()
    return {"worker": args.worker, "split": args.split, "attempted": args.attempts, "accepted": accepted,
            "refused": refused, "started_s": started_s, "finished_s": finished_s}


def main(argv: list[str] | None = None) -> int:
    print(json.dumps(race(parse_args(argv))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
