"""The Store's side of mail (a mixin of Store; read-only: Pipedrive's public API sends none).

    await store.load_mail("deal", deal_id)   # when the Mail section is first shown
    await store.load_thread(thread_id)       # when a message is opened
    body = await store.mail_body(message_id) # the HTML body, cached for good

What each costs, and when it is spent:
- an item's messages: GET /v1/{deals|persons|organizations}/{id}/mailMessages, 20 tokens per
  500 messages; only when the item's list was never fetched, or when the item's
  email_messages_count or last incoming/outgoing mail time (kept current by the sync, which
  lists deals, persons and organizations with include_fields=... for them) differs from what
  they were at the last fetch (kept in fetch_marks as "mail:<entity>").
- a thread's messages: GET /v1/mailbox/mailThreads/{id}/mailMessages, 20 tokens; when never
  fetched, or when an item's list showed a message in it newer than the last fetch.
- a body: GET /v1/mailbox/mailMessages/{id}?include_body=1, 2 tokens, once per message.
Opening a deal's newest mail therefore costs 20 + 20 + 2 = 42 tokens the first time, and
nothing again until its mail changes (the cache shows it offline).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tui.store import deal_lines
from tui.store.events import DataChanged
from tui.store.queries import mail as q
from tui.store.rows import norm_time

if TYPE_CHECKING:
    from tui.store.db import Database

PATHS = {"deal": "deals", "person": "persons", "organization": "organizations"}
V1 = "/api/v1"


def _message(obj: Any) -> dict[str, Any] | None:
    """A message of a list ({object, timestamp, data: message}) or of a thread (the message)."""
    if isinstance(obj, dict) and isinstance(obj.get("data"), dict) and "mail_thread_id" not in obj:
        obj = obj["data"]
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), int):
        return None
    return obj


def _party(p: Any) -> str:
    if not isinstance(p, dict):
        return ""
    name, address = str(p.get("name") or ""), str(p.get("email_address") or "")
    return f"{name} <{address}>" if name and address else name or address


def _upsert(conn: sqlite3.Connection, messages: list[dict[str, Any]]) -> list[int]:
    ids = []
    for m in messages:
        sender = (m.get("from") or [{}])[0] if isinstance(m.get("from"), list) and m.get("from") else {}
        recipients = ", ".join(filter(None, (_party(p) for key in ("to", "cc") for p in (m.get(key) or []))))
        data = {k: v for k, v in m.items() if k != "body"}
        conn.execute(
            "INSERT OR REPLACE INTO mail_messages"
            " (id, thread_id, subject, sender, sender_name, recipients, message_time, snippet, sent, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                m["id"],
                m.get("mail_thread_id"),
                str(m.get("subject") or ""),
                str((sender or {}).get("email_address") or ""),
                str((sender or {}).get("name") or ""),
                recipients,
                norm_time(m.get("message_time")),
                str(m.get("snippet") or ""),
                1 if m.get("sent_flag") else 0,
                json.dumps(data, ensure_ascii=False),
            ),
        )
        ids.append(m["id"])
    return ids


def save_list(conn: sqlite3.Connection, entity: str, entity_id: int, messages: list[dict[str, Any]], mark: str | None) -> None:
    ids = _upsert(conn, messages)
    conn.execute("DELETE FROM mail_links WHERE entity = ? AND entity_id = ?", (entity, entity_id))
    conn.executemany(
        "INSERT OR IGNORE INTO mail_links (entity, entity_id, message_id) VALUES (?,?,?)", [(entity, entity_id, i) for i in ids]
    )
    deal_lines.set_mark(conn, f"mail:{entity}", entity_id, mark)


def save_thread(conn: sqlite3.Connection, thread_id: int, messages: list[dict[str, Any]]) -> None:
    _upsert(conn, messages)
    newest = max((norm_time(m.get("message_time")) or "" for m in messages), default="")
    deal_lines.set_mark(conn, "mail_thread", thread_id, newest)


def save_body(conn: sqlite3.Connection, message: dict[str, Any], body: str) -> None:
    _upsert(conn, [message])
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn.execute("INSERT OR REPLACE INTO mail_bodies (message_id, body, fetched_at) VALUES (?,?,?)", (message["id"], body, now))


def _list_due(conn: sqlite3.Connection, entity: str, entity_id: int) -> tuple[bool, str | None]:
    figures = q.figures(conn, entity, entity_id)
    mark, known = deal_lines.get_mark(conn, f"mail:{entity}", entity_id)
    return (not known or (figures is not None and figures != mark)), figures


def _thread_due(conn: sqlite3.Connection, thread_id: int) -> bool:
    mark, known = deal_lines.get_mark(conn, "mail_thread", thread_id)
    if not known:
        return True
    row = conn.execute("SELECT MAX(message_time) FROM mail_messages WHERE thread_id = ?", (thread_id,)).fetchone()
    return bool(row and row[0] and row[0] > (mark or ""))


class MailStore:
    # set by Store
    client: Any
    db: Database
    _emit: Any
    _log_tokens: Any

    async def load_mail(self, entity: str, entity_id: int) -> bool:
        """Fetch an item's messages when due (see the module's docstring). True when fetched;
        ApiError propagates (the cached list stays)."""
        if self.client is None or entity_id < 0 or entity not in PATHS:
            return False
        due, mark = await self.db.read(_list_due, entity, entity_id)
        if not due:
            return False
        if mark is not None and json.loads(mark)[0] == 0:  # Pipedrive counts no message: nothing to ask (0 tokens)
            await self.db.write(save_list, entity, entity_id, [], mark)
            self._emit(DataChanged(frozenset({"mail_messages"})))
            return False
        items: list[dict[str, Any]] = []
        async for page in self.client.pages_v1(f"{V1}/{PATHS[entity]}/{entity_id}/mailMessages"):
            items.extend(m for m in map(_message, page) if m is not None)
        await self.db.write(save_list, entity, entity_id, items, mark)
        await self._log_tokens()
        self._emit(DataChanged(frozenset({"mail_messages"})))
        return True

    async def load_thread(self, thread_id: int) -> bool:
        """Fetch a thread's messages when due (20 tokens). True when fetched."""
        if self.client is None:
            return False
        if not await self.db.read(_thread_due, thread_id):
            return False
        env = await self.client.request("GET", f"{V1}/mailbox/mailThreads/{thread_id}/mailMessages")
        items = [m for m in map(_message, env.get("data") or []) if m is not None]
        await self.db.write(save_thread, thread_id, items)
        await self._log_tokens()
        self._emit(DataChanged(frozenset({"mail_messages"})))
        return True

    async def mail_body(self, message_id: int) -> str | None:
        """A message's HTML body: from the cache, else fetched once (2 tokens). None when not
        cached and there is no client; ApiError propagates."""
        cached: str | None = await self.db.read(q.body, message_id)
        if cached is not None or self.client is None:
            return cached
        env = await self.client.request("GET", f"{V1}/mailbox/mailMessages/{message_id}", params={"include_body": 1})
        message = _message(env.get("data"))
        if message is None:
            return None
        text = str(message.get("body") or "")
        await self.db.write(save_body, message, text)
        await self._log_tokens()
        return text
