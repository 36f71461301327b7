"""A fetch a screen starts in a worker, one at a time.

A detail screen asks for its item's files and mail on every fill, and it fills again on any
change it shows (a sync page, an edit). An exclusive worker replaced the fetch under way: a
second request went out for what the first was bringing, and a fetch cancelled after storing
its page but before saying so left the section on the old list until the next change. Asked
while one runs, the fetch now runs once more after it (it asks Pipedrive only when the item's
figures say its list changed), and no fill cancels one on the wire.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.dom import DOMNode


class SerialFetch:
    def __init__(self, group: str) -> None:
        self.group = group
        self.running = False
        self._again = False

    def ask(self, owner: DOMNode, fetch: Callable[[], Awaitable[None]]) -> None:
        if self.running:
            self._again = True
            return
        self.running = True
        owner.run_worker(self._run(fetch), group=self.group, exit_on_error=False)

    async def _run(self, fetch: Callable[[], Awaitable[None]]) -> None:
        try:
            while True:
                self._again = False
                await fetch()
                if not self._again:
                    return
        finally:
            self.running = False
