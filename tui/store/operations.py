"""Outbox operations beyond create/update/delete, one row each: the pusher looks an operation
up here by the outbox row's `op` instead of importing the module that knows how to send it.

    OPERATIONS["convert"].push(pusher, row)        # -> 'pushed' | 'waiting' | raises ApiError
    OPERATIONS["convert"].verb.format(label=...)    # "converting “Acme lead” into a deal"

A new operation (a call log, an attachment, a merge) is a module with `push(pusher, row)`
(it imports `Pusher` only for typing, so nothing imports back) and one line below. A refused
row is rolled back by `outbox.rollback` like any edit; an operation with more to undo names
its `rollback(conn, row)` here too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.store import calls, conversion, file_upload, followers, merge

if TYPE_CHECKING:
    from tui.store.outbox import Pusher


@dataclass(frozen=True)
class Operation:
    push: Callable[[Pusher, dict[str, Any]], Awaitable[str]]
    verb: str  # how the status bar and a refusal name it: "{label}" is the item's name
    rollback: Callable[[sqlite3.Connection, dict[str, Any]], None] | None = None
    creates: bool = False  # it makes the (local, negative-id) item: a refusal removes it, never GETs it


OPERATIONS: dict[str, Operation] = {
    "convert": Operation(conversion.push, "converting {label} into a deal"),
    "call": Operation(calls.push, "logging the call {label}"),
    "follow": Operation(followers.push_follow, "following {label}", followers.rollback),
    "unfollow": Operation(followers.push_unfollow, "unfollowing {label}", followers.rollback),
    "participant_add": Operation(followers.push_participant_add, "adding {label} as a participant", followers.rollback),
    "participant_remove": Operation(followers.push_participant_remove, "removing {label} as a participant", followers.rollback),
    "merge": Operation(merge.push, "merging {label} into its duplicate", merge.rollback),
    "upload": Operation(file_upload.push, "uploading {label}", file_upload.rollback, creates=True),
}
