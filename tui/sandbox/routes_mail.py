"""The v1 mail routes (read-only; Pipedrive's public API sends no mail): a deal's, person's or
organization's messages (start/limit paging, newest first, include_body), a thread and its
messages, one message with its body. Token costs are the spec's (tui/api/costs_table.py)."""

from __future__ import annotations

from typing import Any

from tui.sandbox import mailbox, paging
from tui.sandbox import validate as v
from tui.sandbox.route_types import Ctx, Table
from tui.sandbox.state import Obj

ITEM_LIST = "start limit include_body"


def _include_body(c: Ctx) -> bool:
    raw = c.query.get("include_body")
    if raw in (None, "", "0"):
        return False
    if raw == "1":
        return True
    raise v.bad("Validation failed: include_body: Invalid enum value. Expected 0 | 1")


def _of_item(entity: str) -> Any:
    def handler(c: Ctx) -> tuple[list[Obj], Obj]:
        body = _include_body(c)
        found = mailbox.of_item(c.st, entity, c.id())
        chunk, pagination = paging.v1_page(found, c.query)
        data = [
            {"object": "mailMessage", "timestamp": m["message_time"][:19].replace("T", " "), "data": mailbox.message_out(m, body)}
            for m in chunk
        ]
        return data, {"pagination": pagination}

    return handler


def table() -> Table:
    t = Table()
    add = t.add
    add("GET", "/api/v1/deals/{id}/mailMessages", _of_item("deal"), 20, ITEM_LIST)
    add("GET", "/api/v1/persons/{id}/mailMessages", _of_item("person"), 20, ITEM_LIST)
    add("GET", "/api/v1/organizations/{id}/mailMessages", _of_item("organization"), 20, ITEM_LIST)
    add(
        "GET",
        "/api/v1/mailbox/mailThreads/{id}/mailMessages",
        lambda c: ([mailbox.message_out(m) for m in mailbox.thread_messages(c.st, c.id())], None),
        20,
    )
    add("GET", "/api/v1/mailbox/mailThreads/{id}", lambda c: (mailbox.thread_out(c.st, mailbox.get_thread(c.st, c.id())), None), 20)
    add(
        "GET",
        "/api/v1/mailbox/mailMessages/{id}",
        lambda c: (mailbox.message_out(mailbox.get_message(c.st, c.id()), _include_body(c)), None),
        2,
        "include_body",
    )
    return t
