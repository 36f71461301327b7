"""The floor for the terminal benchmarks: a bare Textual app that paints one line.

`j` rewrites the line with a counter (key-to-repaint on the cheapest possible screen);
`q` quits.
"""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


class Bare(App):
    BINDINGS = [Binding("j", "down", "down"), Binding("q", "quit", "quit")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("bare app ready", id="line")

    def action_down(self) -> None:
        self.count += 1
        self.query_one("#line", Static).update(f"bare app key {self.count}")


if __name__ == "__main__":
    Bare().run()
