"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer removes and mounts every key again whenever a screen's bindings are refreshed: on
each focus change, and on each return to a screen from a dialog, even when the same keys come back.
That costs a layout of the whole screen and about twenty milliseconds after every form an officer
posts. This one compares what it would show with what it shows."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class SteadyFooter(Footer):
    """A Footer that skips rebuilding when its keys, their descriptions and their states are unchanged."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def _keys_shown(self) -> tuple:
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple((key, binding.action, binding.description, enabled, tooltip, binding.group)
                     for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
                     if binding.show or key == palette)

    def compose(self):
        if self._bindings_ready:
            self._shown = self._keys_shown()
        return super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if self._bindings_ready and self.is_attached and screen is self.screen and self._keys_shown() == self._shown:
            return
        super().bindings_changed(screen)
