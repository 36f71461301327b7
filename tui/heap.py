"""Python's garbage collector around the launch.

Starting the app allocates a few hundred thousand objects that live as long as the process
(modules, classes, styles, the first screen). With the collector on, each of them is walked by
every full collection that follows: ~120 ms of the launch and a pause of ~70 ms in every
tenth stage move at 10k deals (benchmarks/RESULTS.md). `hold` keeps the collector off while
the app starts; `release`, once the first screen is shown, freezes what is alive (later
collections never walk it again) and turns the collector back on.

Both are no-ops where `hold` was not called (tests, the sandbox, `sync`, `mcp`).
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """No collections until `release` (the CLI calls it before it imports the app)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """What is alive now is kept for good and never walked again; collections resume. Once."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def held() -> bool:
    return _held
