"""The Textual console: sign-in, the home screen for the user's role, the idle lock. Thin on purpose."""

from __future__ import annotations

import functools
import gc
import time
from functools import partial

from textual.app import App
from textual.binding import Binding

from console.desk import Desk
from console.formatting import money
from ledger.service import Actor
from screens.homes import home_for
from screens.lock import LockScreen
from screens.messages import SignedIn, SignOutRequested
from screens.signin import SignInScreen

IDLE_LOCK_DEFAULT_SECONDS = 300
#: Allocations between collections of the youngest objects (Python's default is 700).
YOUNG_COLLECTION_THRESHOLD = 10_000


@functools.cache  # once a process: a second app in the same process (tests) freezes nothing more
def steady_collector() -> None:
    """A console lives long and allocates in bursts, a frame at a time. Everything loaded by start-up lives
    as long as the process: leave it out of every full collection (gc.freeze), and collect young objects
    less often, so that full collections (40-90 ms each on the bench's machine, a dropped frame or five)
    come about a tenth as often."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


class CashdeskApp(App[int]):
    """One console process: one person signed in at a time."""

    CSS_PATH = "console.tcss"
    TITLE = "cashdesk"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Leave cashdesk"),
        Binding("f1", "keys", "Keys", id="app.keys", tooltip="Show the keys of this screen"),
        Binding("ctrl+l", "lock", "Lock", id="app.lock", tooltip="Lock the console now", show=False),
    ]

    def __init__(self, desk: Desk, monotonic=time.monotonic) -> None:
        super().__init__()
        self.desk = desk
        self.actor: Actor | None = None
        self.money = money
        self._monotonic = monotonic
        self._last_activity = monotonic()
        self._locked = False
        self._idle_seconds = IDLE_LOCK_DEFAULT_SECONDS

    def on_mount(self) -> None:
        steady_collector()
        self.push_screen(SignInScreen())
        self.set_interval(5, self.lock_if_idle)
        self.set_interval(60, self.refresh_idle_seconds)

    def on_unmount(self) -> None:
        self.desk.close()

    async def on_event(self, event) -> None:
        from textual import events

        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_activity = self._monotonic()
        await super().on_event(event)

    # -- who is signed in --------------------------------------------------------------------
    def on_signed_in(self, message: SignedIn) -> None:
        self.actor = message.actor
        self._last_activity = self._monotonic()
        self.refresh_idle_seconds()
        self.switch_screen(home_for(message.actor))
        self.sub_title = f"{message.actor.username} · {', '.join(sorted(message.actor.roles))}"

    def on_sign_out_requested(self, message: SignOutRequested) -> None:
        self.sign_out()

    def sign_out(self) -> None:
        self.actor = None
        self.sub_title = ""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(SignInScreen())

    # -- the idle lock -----------------------------------------------------------------------
    def idle_lock_seconds(self) -> int:
        try:
            return int(self.desk.setting("idle_lock_seconds", IDLE_LOCK_DEFAULT_SECONDS))
        except Exception:
            return IDLE_LOCK_DEFAULT_SECONDS

    def refresh_idle_seconds(self) -> None:
        """Re-read the idle-lock setting in a worker (the timer itself never touches the database)."""
        def load() -> None:
            seconds = self.idle_lock_seconds()
            self.call_from_thread(setattr, self, "_idle_seconds", seconds)

        self.run_worker(load, thread=True, exclusive=True, group="idle", exit_on_error=False)

    def lock_if_idle(self) -> None:
        if self.actor and not self._locked:
            if self._monotonic() - self._last_activity >= self._idle_seconds:
                self.action_lock()

    def action_lock(self) -> None:
        if self.actor is None or self._locked:
            return
        self._locked = True
        self.push_screen(LockScreen(self.actor.username), self._after_unlock)

    def _after_unlock(self, unlocked: bool | None) -> None:
        self._locked = False
        self._last_activity = self._monotonic()
        if not unlocked:
            self.sign_out()

    def get_system_commands(self, screen):
        """The palette offers every key of the current screen, by its description, then the usual."""
        from textual.app import SystemCommand

        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id and active.enabled and active.node is screen:
                yield SystemCommand(binding.description, binding.tooltip or binding.description,
                                    partial(screen.run_action, binding.action))
        yield from super().get_system_commands(screen)

    def action_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()
