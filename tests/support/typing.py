"""Keys as a fast typist or a terminal paste delivers them: all queued at once.

`pilot.press` waits for the app to settle after every key, which hides ordering bugs.
`burst` posts every key to the app's queue before any is handled, like `tmux send-keys`
of a long string followed by ctrl+s.
"""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key


def key_event(key: str) -> events.Key:
    if len(key) == 1:
        return events.Key(_character_to_key(key), key)
    return events.Key(key, None)


def burst(app, *parts: str | tuple[str, ...]) -> None:
    """Queue keys without waiting: a str is typed character by character, a tuple holds key names."""
    for part in parts:
        keys = list(part) if isinstance(part, str) else list(part)
        for key in keys:
            app.post_message(key_event(key))


def paste(app, text: str) -> None:
    app.post_message(events.Paste(text))
