"""`L`: log a call from a deal, person or organization (their screens, the agenda, triage),
then plan the next step as done→next does: the call form, and after it a compact prompt
prefilled by the outcome (no answer: call again tomorrow; connected: follow up in a week).

    await log_call(screen, deal_id=7)                      # person and organization follow the deal
    await log_call(screen, person_id=3, logged=callback)   # callback(call log id, next activity id or None)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tui.formatting import clean
from tui.screens.forms.activity_form import to_utc
from tui.screens.forms.call_form import CallForm
from tui.screens.triage_prompts import Planned, ScheduleScreen
from tui.store.calls import OUTCOMES
from tui.store.queries.calls import CallContext
from tui.store.queries.entities import activity_types

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.store.store import Store

Logged = Callable[[str, int | None], Awaitable[None]]

# what comes after a call, by its outcome: (when, subject)
NEXT_STEP = {
    "connected": ("+1w", "Follow up with {who}"),
    "no_answer": ("tomorrow", "Call {who} again"),
    "left_message": ("+2d", "Call {who} again"),
    "left_voicemail": ("+2d", "Call {who} again"),
    "wrong_number": ("tomorrow", "Find the right number for {who}"),
    "busy": ("today", "Call {who} again"),
}


async def plan_next(store: Store, context: CallContext, plan: Planned) -> int:
    """The next activity, linked like the call (deal, person, organization)."""
    due_date, due_time = to_utc(plan.day.isoformat(), plan.time, store.clock.zone)
    fields: dict[str, Any] = {"subject": plan.subject, "type": plan.type, "due_date": due_date}
    if due_time:
        fields["due_time"] = due_time
    lead = context.lead_id if context.deal_id is None else None
    for key, value in (("deal_id", context.deal_id), ("org_id", context.org_id), ("lead_id", lead)):
        if value is not None:
            fields[key] = value
    if context.person_id is not None:
        fields["participants"] = [{"person_id": context.person_id, "primary": True}]
    activity_id: int = await store.create_entity("activity", fields)
    return activity_id


async def log_call(
    host: Screen[Any],
    *,
    deal_id: int | None = None,
    person_id: int | None = None,
    org_id: int | None = None,
    lead_id: str | None = None,
    logged: Logged | None = None,
) -> None:
    app: Any = host.app
    store: Store = app.store
    app.hold_keys_for_screen()  # keys typed meanwhile go to the form
    form = await CallForm.load(store, deal_id=deal_id, person_id=person_id, org_id=org_id, lead_id=lead_id)

    async def closed(_result: Any) -> None:
        if form.logged is None:
            return
        log_id, outcome = form.logged
        context = form.context
        who = clean(context.person_name or context.org_name or context.deal_title or context.lead_title) or "them"
        app.notify(f"Call logged: {OUTCOMES[outcome].lower()} (u undoes it until it is sent)", timeout=4, markup=False)
        when, subject = NEXT_STEP.get(outcome, ("tomorrow", "Follow up with {who}"))
        types = await store.read(activity_types)

        async def planned(plan: Planned | None) -> None:
            created = None
            if plan is not None:
                created = await plan_next(store, context, plan)
                app.notify(f"Next: “{clean(plan.subject)}” {plan.day:%a %d %b}", timeout=3, markup=False)
            if logged is not None:
                await logged(log_id, created)

        prompt = ScheduleScreen(
            f"Plan the next step with {who}? (escape: no next step)",
            types,
            type_key="call",
            subject=subject.format(who=who),
            when=when,
            today=store.clock.today(),
        )
        app.push_screen(prompt, planned)

    app.push_screen(form, closed)
