"""The floor for the terminal benchmarks: a bare Textual app that paints one line.

`j` rewrites the line with a counter (key-to-repaint on the cheapest possible screen);
`escape` does the same with its own counter: a lone ESC byte reaches a Textual app only after
its escape-sequence wait (ESCDELAY, 100 ms, polled every 100 ms by the Linux driver), so this is
the floor for every escape key of the app; `q` quits.
"""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class Bare(App):
    BINDINGS = [Binding("j", "down", "down"), Binding("escape", "back", "back"), Binding("q", "quit", "quit")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.escapes = 0

    def compose(self) -> ComposeResult:
        yield Static("bare app ready", id="line")

    def action_down(self) -> None:
        self.count += 1
        self.query_one("#line", Static).update(f"bare app key {self.count}")

    def action_back(self) -> None:
        self.escapes += 1
        self.query_one("#line", Static).update(f"bare app escape {self.escapes}")


if __name__ == "__main__":
    Bare().run()
