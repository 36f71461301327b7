"""The Store facade: the only thing screens talk to for data.

CONTRACT (the UI codes against exactly this; keep signatures stable):

    store = await Store.open(path, client, clock=clock, profile="demo")
    store.start()                     # background sync loop + outbox pusher (asyncio tasks)
    unsubscribe = store.subscribe(cb) # cb(event) for StoreEvent (events.py), called on the loop
    store.status                      # StoreStatus
    store.clock                       # tui.clock.Clock
    rows = await store.read(fn, *args, **kw)   # fn(conn: sqlite3.Connection, *args, **kw) runs
                                               # on the reader thread; returns plain data
    await store.sync_now(full=False)
    store.touch()                     # the user did something: keep live refresh frequent
    await store.drain(timeout=None)   # push every pending edit now (tests, CLI); True if empty
    await store.me_id()               # the current user's id (users.is_you) or None
    await store.close()

Edits (optimistic: applied to the cache and queued in the outbox in one transaction;
return once committed; DataChanged fires; pushed in order in the background):

    await store.move_deal(deal_id, stage_id)                 # pipeline_id follows the stage
    await store.set_deal_status(deal_id, "won" | "lost" | "open", lost_reason=None)
    await store.update_entity(entity, entity_id, changes)    # only changed fields are sent
    new_id = await store.create_entity(entity, fields)       # negative local id until pushed
    await store.delete_entity(entity, entity_id)
    await store.set_activity_done(activity_id, done)
    note_id = await store.create_note(html, deal_id=None, person_id=None, org_id=None)
    await store.conflicts() / await store.resolve_conflict(seq, keep="mine" | "theirs")

`entity` is one of: "deal", "person", "organization", "activity", "note"; field names and
value shapes are the Pipedrive API's (v2 for the first four, v1 for notes), e.g.
update_entity("person", 7, {"phones": [{"value": "+49 30 1", "primary": True, "label": "work"}]})
update_entity("note", 3, {"content": "<p>x</p>", "pinned_to_deal_flag": True}).
"""

from __future__ import annotations
