"""Which home screen a signed-in user lands on: their role's desk, or a choice when they hold several."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from ledger.service import Actor
from screens.widgets.steady_footer import SteadyFooter

#: The desks, in the order a person holding several roles is offered them.
ROLE_ORDER = ("officer", "supervisor", "finance", "auditor", "admin")
DESK_NAMES = {"officer": "Counter (officer)", "supervisor": "Supervisor's desk", "finance": "Finance desk",
              "auditor": "Audit", "admin": "Administration"}


def home_for(actor: Actor, role: str | None = None) -> Screen:
    """The home for `role`; with no role given, the only desk the user has, or a chooser.
    A desk for a role the user does not hold is never given (NoDesk), whoever asks."""
    desks = [name for name in ROLE_ORDER if name in actor.roles]
    if role is None and len(desks) > 1:
        return DeskChooser(actor, desks)
    chosen = role if role in desks else (desks[0] if desks and role is None else "")
    if chosen == "officer":
        from screens.officer import OfficerHome

        return OfficerHome(actor)
    if chosen == "supervisor":
        from screens.supervisor import SupervisorHome

        return SupervisorHome(actor)
    if chosen == "finance":
        from screens.finance import FinanceHome

        return FinanceHome(actor)
    if chosen == "auditor":
        from screens.auditor import AuditorHome

        return AuditorHome(actor)
    if chosen == "admin":
        from screens.admin import AdminHome

        return AdminHome(actor)
    return NoDesk(actor)


class DeskChooser(Screen):
    """For someone holding several roles: pick the desk to work at (ctrl+d comes back here)."""

    BINDINGS = [Binding("ctrl+x", "sign_out", "Sign out", id="chooser.sign_out")]

    def __init__(self, actor: Actor, desks: list[str]) -> None:
        super().__init__()
        self.actor = actor
        self.desks = desks

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="dialog", id="desk-chooser"):
            yield Static(f"{self.actor.username}, which desk?", classes="dialog-title", markup=False)
            yield OptionList(*[Option(DESK_NAMES[name], id=name) for name in self.desks])
        yield SteadyFooter()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(home_for(self.actor, event.option.id))

    def action_sign_out(self) -> None:
        from screens.messages import SignOutRequested

        self.post_message(SignOutRequested())


class NoDesk(Screen):
    """A user holding no role with a desk in this console (no roles at all)."""

    BINDINGS = [Binding("ctrl+x", "sign_out", "Sign out", id="nodesk.sign_out")]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.actor.username} holds no role with a desk in this console "
                     f"({', '.join(sorted(self.actor.roles)) or 'no roles'}). Ask an admin.", markup=False)
        yield SteadyFooter()

    def action_sign_out(self) -> None:
        from screens.messages import SignOutRequested

        self.post_message(SignOutRequested())
