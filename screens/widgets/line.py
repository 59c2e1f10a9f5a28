"""One line of text that repaints only itself, and only when its words change."""

from __future__ import annotations

from textual.widgets import Static


class Line(Static):
    """A Static of fixed height (one line in the stylesheet): `show` skips an unchanged text and never asks
    for the screen to be laid out again (Static.update does, and a layout costs more than the queue)."""

    DEFAULT_CSS = """
    Line {
        height: 1;
    }
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, markup=False, **kwargs)
        self.text = text

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.update(text, layout=False)
