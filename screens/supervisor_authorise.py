"""The supervisor's authorisation queue: each item against their own limit, who keyed it, its exceptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from ledger.service import Actor, Posted
from screens.acts import ActsOnce
from screens.debounce import Debouncer
from screens.finance_queue import CellCache, QueueLoaded, cutoff_words, row_cells, row_left
from screens.widgets.row_list import RowList
from screens.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from ledger.finance_views import WorkQueue

COLUMNS = (("Item", 8, False), ("What", 7, False), ("Payee", 16, False), ("Amount", 11, True), ("By", 6, False),
           ("Limit", 6, False), ("Left", 7, True))
#: The item under the cursor is read once the cursor rests this long (seconds, in the worker).
DETAIL_DEBOUNCE_SECONDS = 0.1


class ItemRead(Message):
    """The item under the cursor, as its authoriser weighs it (`detail` None: no such item)."""

    def __init__(self, item: str, detail: dict | None, problem: str = "") -> None:
        super().__init__()
        self.item = item
        self.detail = detail
        self.problem = problem


def limit_word(row: dict, limit_pence: int) -> str:
    """'yours' (four eyes: you had a hand in it), 'over' your limit, or 'ok'."""
    if row["handled"]:
        return "yours"
    return "over" if row["cost_pence"] > limit_pence else "ok"


def detail_lines(detail: dict, supervisor: str, money) -> list[str]:
    """The item under the cursor in words: what was keyed, the cost against the limit, hands, exceptions."""
    row, keyed = detail["row"], detail["keyed"]
    cost, limit = detail["cost_pence"], detail["limit_pence"]
    lines = [what_was_keyed(row, keyed, detail.get("package"), money)]
    against = (f"within it ({money(limit - cost)} spare)" if cost <= limit
               else f"OVER it by {money(cost - limit)}: a supervisor with a higher limit must authorise it")
    measure = " (52 weeks)" if row["kind"] in ("package", "change") else ""
    lines.append(f"{money(cost)}{measure} against your limit {money(limit)}: {against}.")
    hands = ", ".join(detail["hands"])
    yours = " — you, so another supervisor must authorise it" if supervisor in detail["hands"] else ""
    lines.append(f"Keyed by {row['keyed_by']}; everyone who keyed, changed or ended it: {hands}{yours}.")
    exceptions = detail["exceptions"]
    lines.append(f"Exceptions: {len(exceptions)}" + ("" if exceptions else " (none)"))
    lines += [f"  {note['kind']}: {note['message']}" for note in exceptions]
    return lines


def what_was_keyed(row: dict, keyed: dict, package: dict | None, money) -> str:
    kind = row["kind"]
    if kind == "invoice":
        return (f"{row['item']}: invoice {keyed['invoice_no']} of {keyed['invoice_date']} from {row['payee']}, "
                f"{row['code']}, {keyed['description']}")
    if kind == "payment":
        return f"{row['item']}: payment to {row['payee']}, {row['code']}, {keyed['reason']}"
    if kind == "package" and package is not None:
        ends = f" to {package['end_date']}" if package["end_date"] else ""
        return (f"{row['item']}: package for {package['case_ref']} with carer {row['payee']}, child born "
                f"{package['dob']}, from {package['start']}{ends}, reward {money(row['reward_pence'])}/wk")
    return (f"{row['item']}: {row['package']}'s reward becomes {money(row['reward_pence'])}/wk from "
            f"{row['from_date']}: {keyed.get('reason', '')}")


class AuthorisationScreen(ActsOnce, Screen):
    """Keys: ↑↓ move (the item's detail follows), a authorise, r reject with a reason, ctrl+r refresh, escape back."""

    AUTO_FOCUS = "#auth-queue"
    BINDINGS = [
        Binding("a", "authorise", "Authorise", id="authorise.item",
                tooltip="Authorise the item under the cursor (within your limit, not your own)"),
        Binding("r", "reject", "Reject", id="authorise.reject",
                tooltip="Reject the item under the cursor with a reason (it is dead: re-key to correct)"),
        Binding("ctrl+r", "refresh", "Refresh", id="authorise.refresh", tooltip="Read the queue again"),
        Binding("escape", "back", "Back", id="authorise.back", tooltip="Back to the supervisor's desk"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.queue: WorkQueue | None = None
        self.rows: dict[str, dict] = {}
        self.acts_ready()
        self.debounce = Debouncer(DETAIL_DEBOUNCE_SECONDS)
        self.cells = CellCache(lambda row, flag, left: row_cells(row, self.app.money, flag, left))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the queue…", id="auth-summary", markup=False)
        yield Static("", id="auth-message", markup=False)
        yield RowList(COLUMNS, id="auth-queue")
        yield Static("", id="auth-detail", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger")
    def load(self) -> None:
        try:
            queue = self.app.desk.work_queue(supervisor=self.actor.username)
        except Exception as error:
            self.post_message(QueueLoaded(None, f"The queue cannot be read: {error}"))
            return
        self.post_message(QueueLoaded(queue))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        if message.queue is None:
            self.say(message.problem, error=True)
            return
        queue, money, now = message.queue, self.app.money, self.app.desk.clock()
        self.queue = queue
        self.rows = {row["item"]: row for row in queue.rows}
        self.query_one(RowList).show(self.cells.rows(
            queue.rows, lambda row: (limit_word(row, queue.limit_pence), row_left(queue, row, now)[1])))
        run = queue.run
        deadline = (f"next cut-off {run['run']} {cutoff_words(run['cutoff'])}" if run
                    else "no pay run open")
        shown = f", the first {len(queue.rows)} shown" if queue.waiting > len(queue.rows) else ""
        self.query_one("#auth-summary", Static).update(
            f"{queue.waiting} waiting{shown} · your limit {money(queue.limit_pence)} · {deadline}")
        self.read_detail()

    # -- the item under the cursor ---------------------------------------------------------------
    def on_row_list_highlighted(self) -> None:
        self.read_detail()

    def cursor_item(self) -> str | None:
        return self.query_one(RowList).key_under_cursor()

    def read_detail(self) -> None:
        item = self.cursor_item()
        if item is None:
            self.query_one("#auth-detail", Static).update("Nothing waits for authorisation.")
            return
        self.read_item(item, self.debounce.ticket("detail"))

    @work(thread=True, exit_on_error=False, group="detail")
    def read_item(self, item: str, ticket: int) -> None:
        if not self.debounce.settled("detail", ticket):
            return  # the cursor moved on
        try:
            detail = self.app.desk.item_for_authoriser(item, self.actor.username)
        except Exception as error:
            self.post_message(ItemRead(item, None, f"{item} cannot be read: {error}"))
            return
        self.post_message(ItemRead(item, detail))

    def on_item_read(self, message: ItemRead) -> None:
        if message.item != self.cursor_item():
            return
        if message.detail is not None:
            text = "\n".join(detail_lines(message.detail, self.actor.username, self.app.money))
        else:
            text = message.problem or f"{message.item} is not in the ledger."
        self.query_one("#auth-detail", Static).update(text)

    # -- deciding --------------------------------------------------------------------------------
    def action_authorise(self) -> None:
        item = self._item_to_decide()
        if item is not None:
            self.act_on("authorise_item", item)

    def action_reject(self) -> None:
        from screens.ask_dialog import AskDialog

        item = self._item_to_decide()
        if item is None:
            return

        def rejected(reason: str | None) -> None:
            if reason:
                self.act_on("reject_item", item, reason=reason)

        self.app.push_screen(AskDialog(f"Reject {item}", "Reason", placeholder="what is wrong with it",
                                       note="A rejected item is dead: it is corrected by keying it again."),
                             rejected)

    def _item_to_decide(self) -> str | None:
        item = self.cursor_item()
        if self.posting:
            return None
        if item is None:
            self.say("Nothing waits for authorisation.", error=True)
        return item

    def acted(self, posted: Posted) -> None:
        self.say(decided_words(posted, self.queue), ok=True)
        self.load()

    def say(self, text: str, error: bool = False, ok: bool = False) -> None:
        line = self.query_one("#auth-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.set_class(ok, "-ok")

    def action_back(self) -> None:
        self.dismiss()


def decided_words(posted: Posted, queue: WorkQueue | None) -> str:
    body, seq = posted.body, posted.seq
    if posted.entry.kind == "item_rejected":
        return f"Rejected {body['item']} at seq {seq}: {body['reason']}."
    run = queue.run if queue is not None else None
    joins = f": it joins {run['run']} (cut-off {cutoff_words(run['cutoff'])})" if run else ""
    notes = len(body.get("exceptions", ()))
    seen = f"; {notes} exception{'s' * (notes != 1)} recorded as seen" if notes else ""
    return f"Authorised {body['item']} at seq {seq}{joins}{seen}."
