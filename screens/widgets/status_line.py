"""A line of words that changes often (a confirmation, a refusal, where the browser is): repainted in
place, and the screen laid out again only when the new words need a different number of lines."""

from __future__ import annotations

from textual.widgets import Static


class StatusLine(Static):
    """A Static for messages: `say` replaces its text without a layout of the whole screen."""

    def say(self, text: str) -> None:
        height = self.content_size.height
        self.update(text, layout=False)
        width = self.content_size.width
        if not width or self.get_content_height(self.content_size, self.app.size, width) != height:
            self.refresh(layout=True)
