"""The screens a user opens next, imported while the app waits for keys.

Screens are imported when first opened (tui/sections.py), so start-up pays only for the board.
The first open of each then paid for its imports: ~100 of the agenda's ~240 ms (its module
brings the activity form, the entity forms and their queries), part of a deal's and of
Insights'. Once the board is up and the user has not pressed a key for QUIET seconds, these
modules are imported one by one in a thread; a key pauses the rest until the user is idle again.
In a thread the import shares the interpreter lock with the app: the event loop gets it back
within Python's switch interval (5 ms), where an import on the loop would hold a key for the
whole module (up to ~50 ms).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import time
from collections.abc import Awaitable, Callable

MODULES = (
    "tui.screens.deal",
    "tui.screens.agenda",
    "tui.screens.people",
    "tui.screens.organizations",
    "tui.screens.person",
    "tui.screens.organization",
    "tui.screens.search",
    "tui.screens.note_editor",
    "tui.screens.insights",
    "tui.screens.leads",
    "tui.screens.triage",
    "tui.screens.products",
    "tui.screens.palette",
)
QUIET = 1.0  # seconds without a key before the next import
FIRST = 1.5  # seconds after launch before the first (the board's first cards are up by then)


async def warm_up(
    last_input: Callable[[], float],
    *,
    modules: tuple[str, ...] = MODULES,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[str]:
    """Import `modules` not imported yet, each once no key came for QUIET seconds. Returns
    the ones it imported."""
    done: list[str] = []
    await sleep(FIRST)
    for name in modules:
        while (idle := clock() - last_input()) < QUIET:
            await sleep(QUIET - idle)
        if name in sys.modules:
            continue
        await asyncio.to_thread(importlib.import_module, name)
        done.append(name)
    return done
