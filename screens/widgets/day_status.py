"""The officer's day at a glance: session, the limit gauge (used of £250, headroom) and the till."""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.widgets.status_line import StatusLine

if TYPE_CHECKING:  # ledger.views reads the store; the widget only needs the shape of its answer
    from ledger.views import OfficerView

GAUGE_WIDTH = 20


class DayStatus(StatusLine):
    """Always on the officer's screen. Classes: -over-limit at the limit, -near-limit past 80%."""

    DEFAULT_CSS = """
    DayStatus { height: auto; padding: 0 1; }
    """

    def show(self, view: OfficerView, money, till_hidden: bool = False) -> None:
        """The day, the gauge and the till; `till_hidden` while the officer counts (the count is blind)."""
        share = min(view.used_pence / view.limit_pence, 1.0) if view.limit_pence else 1.0
        filled = round(share * GAUGE_WIDTH)
        gauge = "█" * filled + "░" * (GAUGE_WIDTH - filled)
        if view.business_date is None:
            day = "No session open: press o to open today's till"
        else:
            day = f"Day {view.business_date} · {_state(view.state)}"
        till = _till(view, money, till_hidden)
        self.set_class(view.used_pence >= view.limit_pence, "-over-limit")
        self.set_class(0.8 <= share < 1.0, "-near-limit")
        self.say(f"{day}\nLimit {gauge} {money(view.used_pence)} of {money(view.limit_pence)} · "
                 f"{money(view.headroom_pence)} left\n{till}")


def _till(view: OfficerView, money, till_hidden: bool) -> str:
    if view.state is None:
        return "Till: no session open"
    if view.is_open and not till_hidden:
        return f"Till {money(view.cash_pence)} cash · {money(view.cheques_pence)} cheques"
    return "Till hidden while the day is counted" if view.is_open else "Till hidden once the day is counted"


def _state(state: str | None) -> str:
    return {"open": "open", "counted": "counted, waiting for sign-off", "recount": "sent back for a recount",
            "signed_off": "signed off"}.get(state or "", "not open")
