"""The v1 routes Pipedrive keeps (no v2 equivalent): notes, users, activity types, currencies,
recents, deal flow/changelog, leads, lead labels/sources, filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from tui.sandbox import filters, flow, insights, leads, recents, timeline, v1
from tui.sandbox import validate as v
from tui.sandbox.catalog import LEAD_SOURCES
from tui.sandbox.route_types import Ctx, Table
from tui.sandbox.state import Obj

NOTE_LIST = (
    "user_id lead_id deal_id person_id org_id project_id task_id start limit sort start_date end_date updated_since "
    "pinned_to_lead_flag pinned_to_deal_flag pinned_to_organization_flag pinned_to_person_flag "
    "pinned_to_project_flag pinned_to_task_flag"
)
LEAD_LIST = "limit start owner_id person_id organization_id filter_id sort"


def _raise(exc: Exception) -> Any:
    raise exc


def _currencies(c: Ctx) -> list[Obj]:
    term = (c.query.get("term") or "").lower()
    return [dict(x) for x in c.st.currencies.values() if term in x["code"].lower() or term in x["name"].lower()]


def _today(c: Ctx) -> date:
    return date.fromisoformat(c.now[:10])


def table() -> Table:
    t = Table()
    add = t.add
    # notes
    add("GET", "/api/v1/notes", lambda c: v1.list_notes(c.st, c.query), 20, NOTE_LIST)
    add("POST", "/api/v1/notes", lambda c: (v1.note_out(c.st, v1.create_note(c.st, c.json(), c.now)), None), 10)
    add("GET", "/api/v1/notes/{id}", lambda c: (v1.note_out(c.st, v1.get_note(c.st, c.id())), None), 2)
    add("PUT", "/api/v1/notes/{id}", lambda c: (v1.note_out(c.st, v1.update_note(c.st, c.id(), c.json(), c.now)), None), 10)
    add("DELETE", "/api/v1/notes/{id}", lambda c: (v1.delete_note(c.st, c.id(), c.now), None), 6)
    # users, activity types, currencies
    add("GET", "/api/v1/users", lambda c: ([dict(u) for u in c.st.users.values()], None), 20)
    add("GET", "/api/v1/users/me", lambda c: (v1.me(c.st), None), 2)
    add("GET", "/api/v1/users/{id}", lambda c: (dict(c.st.users[c.id()]) if c.id() in c.st.users else _raise(v.not_found("User")), None), 2)
    add("GET", "/api/v1/activityTypes", lambda c: ([dict(x) for x in c.st.activity_types.values()], None), 20)
    add("GET", "/api/v1/currencies", lambda c: (_currencies(c), None), 20, "term")
    # history
    add("GET", "/api/v1/recents", lambda c: recents.recents(c.st, c.query), 20, "since_timestamp items start limit")
    add("GET", "/api/v1/deals/{id}/flow", lambda c: flow.flow(c.st, c.id(), c.query), 40, "start limit all_changes items")
    add("GET", "/api/v1/deals/{id}/changelog", lambda c: flow.changelog(c.st, c.id(), c.query), 20, "cursor limit")
    add("GET", "/api/v1/persons/{id}/flow", lambda c: flow.party_flow(c.st, "person", c.id(), c.query), 40, "start limit all_changes items")
    add(
        "GET",
        "/api/v1/organizations/{id}/flow",
        lambda c: flow.party_flow(c.st, "organization", c.id(), c.query),
        40,
        "start limit all_changes items",
    )
    # leads
    add("GET", "/api/v1/leads/archived", lambda c: leads.list_leads(c.st, c.query, _today(c), True), 40, LEAD_LIST)
    add(
        "GET",
        "/api/v1/leads",
        lambda c: leads.list_leads(c.st, c.query, _today(c), False),
        20,
        LEAD_LIST + " updated_since archived_status",
    )
    add("POST", "/api/v1/leads", lambda c: (leads.lead_out(c.st, leads.create_lead(c.st, c.json(), c.now)), None), 10, status=201)
    add("GET", "/api/v1/leads/{uuid}", lambda c: (leads.lead_out(c.st, leads.live_lead(c.st, c.params[0])), None), 2)
    add("PATCH", "/api/v1/leads/{uuid}", lambda c: (leads.lead_out(c.st, leads.update_lead(c.st, c.params[0], c.json(), c.now)), None), 10)
    add("DELETE", "/api/v1/leads/{uuid}", lambda c: (leads.delete_lead(c.st, c.params[0], c.now), None), 6)
    add("GET", "/api/v1/leadLabels", lambda c: ([dict(x) for x in c.st.lead_labels.values()], None), 10)
    add("POST", "/api/v1/leadLabels", lambda c: (dict(leads.create_label(c.st, c.json(), c.now)), None), 10)
    add("PATCH", "/api/v1/leadLabels/{uuid}", lambda c: (dict(leads.update_label(c.st, c.params[0], c.json(), c.now)), None), 10)
    add("DELETE", "/api/v1/leadLabels/{uuid}", lambda c: (leads.delete_label(c.st, c.params[0]), None), 6)
    add("GET", "/api/v1/leadSources", lambda c: ([{"name": n} for n in LEAD_SOURCES], None), 2)
    # filters
    add("GET", "/api/v1/filters", lambda c: (filters.list_filters(c.st, c.query), None), 20, "type")
    add("POST", "/api/v1/filters", lambda c: (filters.create_filter(c.st, c.json(), c.now), None), 10)
    add("GET", "/api/v1/filters/{id}", lambda c: (filters.get_filter(c.st, c.id(), c.query), None), 2, "include_field_code")
    # insights: summary (the demo's rates), pipeline statistics, goals
    add("GET", "/api/v1/deals/summary", lambda c: insights.summary(c.st, c.query), 40, "status filter_id user_id pipeline_id stage_id")
    timeline_params = "start_date interval amount field_key user_id pipeline_id filter_id exclude_deals totals_convert_currency"
    add("GET", "/api/v1/deals/timeline", lambda c: timeline.timeline(c.st, c.query), 20, timeline_params)
    stats = "start_date end_date user_id"
    add("GET", "/api/v1/pipelines/{id}/conversion_statistics", lambda c: insights.conversion_statistics(c.st, c.id(), c.query), 40, stats)
    add("GET", "/api/v1/pipelines/{id}/movement_statistics", lambda c: insights.movement_statistics(c.st, c.id(), c.query), 40, stats)
    goal_find = (
        "type.name title is_active assignee.id assignee.type expected_outcome.target expected_outcome.tracking_metric "
        "expected_outcome.currency_id type.params.pipeline_id type.params.stage_id type.params.activity_type_id period.start period.end"
    )
    add("GET", "/api/v1/goals/find", lambda c: insights.goals_find(c.st, c.query), 20, goal_find)
    add("GET", "/api/v1/goals/{uuid}/results", lambda c: insights.goal_results(c.st, c.params[0], c.query), 20, "period.start period.end")
    return t
