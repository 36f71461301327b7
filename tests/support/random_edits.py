"""Random edits of every kind through the store, with a ledger of what the user meant, and
the audit after: lost, duplicated, resurrected, stuck, cache == server."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from tui.store.field_values import same as _same


@dataclass
class Ledger:
    edits: int = 0
    intended: dict[tuple[str, int, str], Any] = field(default_factory=dict)  # (entity, id, field) -> last value
    created: dict[str, list[str]] = field(default_factory=dict)  # entity -> names made
    deleted_names: dict[str, list[str]] = field(default_factory=dict)  # created, then deleted
    deleted_ids: dict[str, list[int]] = field(default_factory=dict)  # existing items deleted


NAME = {"deal": "title", "person": "name", "organization": "name", "activity": "subject", "note": "content"}


async def random_edits(store: Any, rng: random.Random, count: int, tag: str = "") -> Ledger:
    led = Ledger()
    read = store.read
    deals = await read(
        lambda c: [r[0] for r in c.execute("SELECT id FROM deals WHERE status='open' AND id > 0 AND title NOT LIKE 'New deal %'")]
    )
    stages = await read(lambda c: {r[0]: r[1] for r in c.execute("SELECT id, pipeline_id FROM stages")})
    # items made by earlier rounds are left to the ledger's own creates (kind 11 deletes them)
    persons = await read(lambda c: [r[0] for r in c.execute("SELECT id FROM persons WHERE id > 0 AND name NOT LIKE 'New person %'")])
    orgs = await read(lambda c: [r[0] for r in c.execute("SELECT id FROM organizations WHERE id > 0 AND name NOT LIKE 'New org %'")])
    acts = await read(lambda c: [r[0] for r in c.execute("SELECT id FROM activities WHERE id > 0 AND subject NOT LIKE 'Act %'")])
    notes = await read(lambda c: [r[0] for r in c.execute("SELECT id FROM notes WHERE id > 0 AND content NOT LIKE '<p>note %'")])
    fresh: list[tuple[str, int, str]] = []

    def meant(entity: str, eid: int, changes: dict[str, Any]) -> None:
        for key, value in changes.items():
            led.intended[(entity, eid, key)] = value

    for i in range(count):
        led.edits += 1
        kind = rng.randrange(13)
        d = rng.choice(deals)
        if kind == 0:
            pipeline = await read(lambda c, d=d: c.execute("SELECT pipeline_id FROM deals WHERE id=?", (d,)).fetchone()[0])
            stage = rng.choice([s for s, p in stages.items() if p == pipeline])
            await store.move_deal(d, stage)
            meant("deal", d, {"stage_id": stage})
        elif kind == 1:
            status = rng.choice(["won", "lost", "open"])
            await store.set_deal_status(d, status, lost_reason=f"Reason {tag}{i}")
            meant("deal", d, {"status": status})
        elif kind == 2:
            changes = {"title": f"Deal edit {tag}{i}", "value": float(i)}
            await store.update_entity("deal", d, changes)
            meant("deal", d, changes)
        elif kind == 3:
            p = rng.choice(persons)
            changes = {"name": f"Person edit {tag}{i}", "phones": [{"value": f"+1 555 {i:04d}", "primary": True, "label": "work"}]}
            await store.update_entity("person", p, changes)
            meant("person", p, changes)
        elif kind == 4:
            o = rng.choice(orgs)
            await store.update_entity("organization", o, {"name": f"Org edit {tag}{i}"})
            meant("organization", o, {"name": f"Org edit {tag}{i}"})
        elif kind == 5:
            content = f"<p>note {tag}{i}</p>"
            fresh.append(("note", await store.create_note(content, deal_id=d), content))
            led.created.setdefault("note", []).append(content)
        elif kind == 6 and notes:
            n = notes.pop()
            if rng.random() < 0.5:
                await store.update_entity("note", n, {"content": f"<p>edited {tag}{i}</p>"})
                meant("note", n, {"content": f"<p>edited {tag}{i}</p>"})
            else:
                await store.delete_entity("note", n)
                led.deleted_ids.setdefault("note", []).append(n)
        elif kind == 7:
            subject = f"Act {tag}{i}"
            fresh.append(
                (
                    "activity",
                    await store.create_entity("activity", {"subject": subject, "type": "call", "deal_id": d, "due_date": "2026-11-25"}),
                    subject,
                )
            )
            led.created.setdefault("activity", []).append(subject)
        elif kind == 8 and acts:
            a = rng.choice(acts)
            if rng.random() < 0.2:
                acts.remove(a)
                await store.delete_entity("activity", a)
                led.deleted_ids.setdefault("activity", []).append(a)
            else:
                done = rng.random() < 0.5
                await store.set_activity_done(a, done)
                meant("activity", a, {"done": done})
        elif kind == 9:
            title = f"New deal {tag}{i}"
            fresh.append(("deal", await store.create_entity("deal", {"title": title, "value": 10.0}), title))
            led.created.setdefault("deal", []).append(title)
        elif kind == 10:
            name = f"New person {tag}{i}"
            fresh.append(("person", await store.create_entity("person", {"name": name}), name))
            led.created.setdefault("person", []).append(name)
        elif kind == 11 and fresh:
            entity, local, name = fresh.pop(rng.randrange(len(fresh)))
            still = await read(lambda c, e=entity, i=local, n=name: _find(c, e, i, n))
            if still is not None:
                await store.delete_entity(entity, still)
                led.created[entity].remove(name)
                led.deleted_names.setdefault(entity, []).append(name)
        else:
            name = f"New org {tag}{i}"
            fresh.append(("organization", await store.create_entity("organization", {"name": name}), name))
            led.created.setdefault("organization", []).append(name)
    return led


def _find(conn: Any, entity: str, local: int, name: str) -> int | None:
    """The current id of a created item (its local id, or the server's once pushed)."""
    from tui.store.edits import table_of

    row = conn.execute(f"SELECT id FROM {table_of(entity)} WHERE id = ? OR {NAME[entity]} = ?", (local, name)).fetchone()
    return row[0] if row else None


TABLES = (("deal", "deals"), ("person", "persons"), ("organization", "organizations"), ("activity", "activities"), ("note", "notes"))


async def audit(store: Any, sandbox: Any, led: Ledger) -> dict[str, int]:
    """Counts of what went wrong (all 0 when nothing did)."""
    out = {"lost": 0, "duplicated": 0, "resurrected": 0, "stuck": 0, "cache_mismatch": 0, "missing_creates": 0}
    rejected = {(r["entity"], r["entity_id"]) for r in await store.rejections(unseen_only=False)}
    for (entity, eid, key), value in led.intended.items():
        server = {o["id"]: o for o in sandbox.live(entity)}.get(eid)
        if (entity, eid) in rejected or server is None:
            continue
        if not _same(server.get(key), value):
            out["lost"] += 1
    for entity, names in led.created.items():
        live = [o[NAME[entity]] for o in sandbox.live(entity)]
        for name in set(names):
            n = live.count(name)
            out["duplicated"] += max(0, n - names.count(name))
            out["missing_creates"] += max(0, names.count(name) - n)
    for entity, names in led.deleted_names.items():
        live = {o[NAME[entity]] for o in sandbox.live(entity)}
        out["resurrected"] += sum(1 for name in names if name in live)
    for entity, ids in led.deleted_ids.items():
        live = {o["id"] for o in sandbox.live(entity)}
        out["resurrected"] += sum(1 for i in ids if i in live)
    out["stuck"] = await store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
    for entity, table in TABLES:
        cached = await store.read(lambda c, t=table: {r[0]: json.loads(r[1]) for r in c.execute(f"SELECT id, data FROM {t}")})
        server = {o["id"]: o for o in sandbox.live(entity)}
        out["cache_mismatch"] += len(set(cached) ^ set(server))
        for i, obj in server.items():
            mine = cached.get(i, {})
            for key, value in obj.items():
                if key not in ("deal", "person", "organization", "user") and mine.get(key) != value:
                    out["cache_mismatch"] += 1
    return out
