"""Generated call logs: about half of the done call activities with a person who has a phone
number were logged as calls (Pipedrive keeps the activity with each call log). Its own random
stream, so every other generated item stays as it was for a seed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tui.sandbox.calls import OUTCOMES
from tui.sandbox.state import State

WEIGHTS = (50, 20, 10, 10, 3, 7)  # connected, no answer, left message, voicemail, wrong number, busy


def add(st: State, seed: int) -> None:
    rng = random.Random(seed * 6151 + 17)
    for act in sorted(st.activities.values(), key=lambda a: a["id"]):
        if act.get("type") != "call" or not act.get("done") or not act.get("due_date"):
            continue
        person_id = next((p["person_id"] for p in act.get("participants") or [] if p.get("primary")), act.get("person_id"))
        person = st.persons.get(person_id) if person_id else None
        phones = (person or {}).get("phones") or []
        if not phones or rng.random() < 0.5:
            continue
        outcome = rng.choices(OUTCOMES, WEIGHTS)[0]
        seconds = rng.randint(120, 1500) if outcome == "connected" else rng.randint(0, 40)
        start = datetime.fromisoformat(f"{act['due_date']}T{(act.get('due_time') or '10:00')[:5]}:00")
        end = start + timedelta(seconds=seconds)
        log_id = f"CA{rng.getrandbits(112):028x}"
        st.call_logs[log_id] = {
            "id": log_id,
            "activity_id": act["id"],
            "person_id": person_id,
            "org_id": act.get("org_id"),
            "deal_id": act.get("deal_id"),
            "lead_id": act.get("lead_id"),
            "subject": act.get("subject") or "Call",
            "duration": str(seconds),
            "outcome": outcome,
            "from_phone_number": None,
            "to_phone_number": phones[0]["value"],
            "has_recording": False,
            "start_time": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "end_time": end.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "user_id": act.get("owner_id") or st.me_id,
            "company_id": st.company.get("id", 1),
            "note": None,
        }
