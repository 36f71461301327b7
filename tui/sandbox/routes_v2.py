"""The v2 routes: (method, path, handler, token cost per the spec's x-token-cost, documented
query parameters)."""

from __future__ import annotations

from typing import Any

from tui.sandbox import activities, fields, leads, paging, parties, present, products, v2
from tui.sandbox import search as searching
from tui.sandbox import validate as v
from tui.sandbox.route_types import Ctx, Table

LIST = "sort_by sort_direction limit cursor"
ENTITY_GET = "include_fields custom_fields include_option_labels include_labels"
SEARCH = "term fields exact_match include_fields limit cursor"


def _entity(c: Ctx, entity: str, item: Any) -> tuple[Any, Any]:
    return present.one(c.st, entity, item, c.query), None


def _page(c: Ctx, entity: str, result: tuple[list[Any], Any]) -> tuple[Any, Any]:
    items, extra = result
    return present.present(c.st, entity, items, c.query), extra


def _search(types: list[str]) -> Any:
    def handler(c: Ctx) -> tuple[Any, Any]:
        items, _ = searching.search_items(c.st, c.query, types)
        chunk, extra = paging.offset(items, c.query)
        return {"items": chunk}, extra

    return handler


def _item_search(c: Ctx) -> tuple[Any, Any]:
    wanted = c.query.get("item_types") or "deal,person,organization,product,lead,file,mail_attachment,project"
    types = [t.strip() for t in wanted.split(",") if t.strip()]
    items, related = searching.search_items(c.st, c.query, types, endpoint="itemSearch")
    chunk, extra = paging.offset(items, c.query, maximum=100)
    data: dict[str, Any] = {"items": chunk}
    if related:
        data["related_items"] = related
    return data, extra


def _namespaces(c: Ctx, attr: str) -> set[str]:
    allowed = ("ui_visibility",) if attr == "product_fields" else tuple(fields.UI)
    return fields.include_namespaces(c.query, allowed)


def _fields(attr: str) -> Any:
    def handler(c: Ctx) -> tuple[Any, Any]:
        include = _namespaces(c, attr)
        items = [fields.field_out(f, include) for f in getattr(c.st, attr)]
        return paging.offset(items, c.query)

    return handler


def _field(attr: str) -> Any:
    def handler(c: Ctx) -> tuple[Any, Any]:
        include = _namespaces(c, attr)
        for f in getattr(c.st, attr):
            if f["field_code"] == c.params[0]:
                return fields.field_out(f, include), None
        raise v.not_found("Field")

    return handler


def table() -> Table:
    t = Table()
    add = t.add

    # deals
    deal_list = f"filter_id ids owner_id person_id org_id pipeline_id stage_id status updated_since updated_until {LIST} "
    add("GET", "/api/v2/deals/search", _search(["deal"]), 20, SEARCH + " person_id organization_id status", search=True)
    add(
        "GET",
        "/api/v2/deals/archived",
        lambda c: _page(c, "deal", v2.list_deals(c.st, c.query, c.now, archived=True)),
        20,
        deal_list + "include_fields custom_fields",
    )
    add("GET", "/api/v2/deals", lambda c: _page(c, "deal", v2.list_deals(c.st, c.query, c.now)), 10, deal_list + ENTITY_GET)
    add("POST", "/api/v2/deals", lambda c: _entity(c, "deal", v2.create_deal(c.st, c.json(), c.now)), 5)
    add("GET", "/api/v2/deals/{id}", lambda c: _entity(c, "deal", v2.get_live(c.st.deals, c.id(), "Deal")), 1, ENTITY_GET)
    add("PATCH", "/api/v2/deals/{id}", lambda c: _entity(c, "deal", v2.update_deal(c.st, c.id(), c.json(), c.now)), 5)
    add("DELETE", "/api/v2/deals/{id}", lambda c: (v2.delete_deal(c.st, c.id(), c.now), None), 3)
    # deal products
    add("GET", "/api/v2/deals/{id}/products", lambda c: _deal_products(c), 10, LIST)
    add(
        "POST",
        "/api/v2/deals/{id}/products",
        lambda c: (dict(products.add_line(c.st, c.id(), c.json(), c.now, c.st.me_id)), None),
        5,
        status=201,
    )
    add(
        "PATCH",
        "/api/v2/deals/{id}/products/{id2}",
        lambda c: (dict(products.update_line(c.st, c.id(), c.id(1), c.json(), c.now, c.st.me_id)), None),
        5,
    )
    add("DELETE", "/api/v2/deals/{id}/products/{id2}", lambda c: (products.delete_line(c.st, c.id(), c.id(1), c.now, c.st.me_id), None), 3)
    # persons, organizations
    add("GET", "/api/v2/persons/search", _search(["person"]), 20, SEARCH + " organization_id", search=True)
    add(
        "GET",
        "/api/v2/persons",
        lambda c: _page(c, "person", parties.list_persons(c.st, c.query, c.now)),
        10,
        f"filter_id ids owner_id org_id deal_id updated_since updated_until {LIST} {ENTITY_GET}",
    )
    add("POST", "/api/v2/persons", lambda c: _entity(c, "person", parties.create_person(c.st, c.json(), c.now)), 5)
    add("GET", "/api/v2/persons/{id}", lambda c: _entity(c, "person", v2.get_live(c.st.persons, c.id(), "Person")), 1, ENTITY_GET)
    add("PATCH", "/api/v2/persons/{id}", lambda c: _entity(c, "person", parties.update_person(c.st, c.id(), c.json(), c.now)), 5)
    add("DELETE", "/api/v2/persons/{id}", lambda c: (v2.soft_delete(c.st.persons, c.id(), "Person", c.now), None), 3)
    add("GET", "/api/v2/organizations/search", _search(["organization"]), 20, SEARCH.replace("include_fields ", ""), search=True)
    add(
        "GET",
        "/api/v2/organizations",
        lambda c: _page(
            c,
            "organization",
            v2.listing(
                c.st,
                v2.live(c.st.organizations),
                c.query,
                filters_=("owner_id",),
                sorts=("id", "update_time", "add_time"),
                ftype="org",
                now=c.now,
            ),
        ),
        10,
        f"filter_id ids owner_id updated_since updated_until {LIST} {ENTITY_GET}",
    )
    add("POST", "/api/v2/organizations", lambda c: _entity(c, "organization", parties.create_org(c.st, c.json(), c.now)), 5)
    add(
        "GET",
        "/api/v2/organizations/{id}",
        lambda c: _entity(c, "organization", v2.get_live(c.st.organizations, c.id(), "Organization")),
        1,
        ENTITY_GET,
    )
    add("PATCH", "/api/v2/organizations/{id}", lambda c: _entity(c, "organization", parties.update_org(c.st, c.id(), c.json(), c.now)), 5)
    add("DELETE", "/api/v2/organizations/{id}", lambda c: (v2.soft_delete(c.st.organizations, c.id(), "Organization", c.now), None), 3)
    # activities
    add(
        "GET",
        "/api/v2/activities",
        lambda c: _page(c, "activity", activities.list_activities(c.st, c.query, c.now)),
        10,
        f"filter_id ids owner_id deal_id lead_id person_id org_id done updated_since updated_until {LIST} include_fields",
    )
    add(
        "POST",
        "/api/v2/activities",
        lambda c: _entity(c, "activity", activities.create_activity(c.st, c.json(), c.now, c.opts.hms_times)),
        5,
    )
    add(
        "GET",
        "/api/v2/activities/{id}",
        lambda c: _entity(c, "activity", v2.get_live(c.st.activities, c.id(), "Activity")),
        1,
        "include_fields",
    )
    add(
        "PATCH",
        "/api/v2/activities/{id}",
        lambda c: _entity(c, "activity", activities.update_activity(c.st, c.id(), c.json(), c.now, c.opts.hms_times)),
        5,
    )
    add("DELETE", "/api/v2/activities/{id}", lambda c: (v2.soft_delete(c.st.activities, c.id(), "Activity", c.now), None), 3)
    # products
    add("GET", "/api/v2/products/search", _search(["product"]), 20, SEARCH, search=True)
    add(
        "GET",
        "/api/v2/products",
        lambda c: _page(
            c,
            "product",
            v2.listing(
                c.st,
                v2.live(c.st.products),
                c.query,
                filters_=("owner_id",),
                sorts=("id", "name", "add_time", "update_time"),
                ftype="products",
                now=c.now,
            ),
        ),
        10,
        "owner_id ids filter_id cursor limit sort_by sort_direction updated_since custom_fields",
    )
    add("POST", "/api/v2/products", lambda c: _entity(c, "product", products.create_product(c.st, c.json(), c.now)), 5, status=201)
    add("GET", "/api/v2/products/{id}", lambda c: _entity(c, "product", products.get_product(c.st, c.id())), 1)
    add("PATCH", "/api/v2/products/{id}", lambda c: _entity(c, "product", products.update_product(c.st, c.id(), c.json(), c.now)), 5)
    add("DELETE", "/api/v2/products/{id}", lambda c: (products.delete_product(c.st, c.id(), c.now), None), 3)
    # pipelines, stages
    add(
        "GET",
        "/api/v2/pipelines",
        lambda c: _plain(paging.keyset(v2.live(c.st.pipelines), c.query, ("id", "update_time", "add_time"))),
        5,
        LIST,
    )
    add("GET", "/api/v2/pipelines/{id}", lambda c: (dict(v2.get_live(c.st.pipelines, c.id(), "Pipeline")), None), 1)
    add("GET", "/api/v2/stages", _stages, 5, "pipeline_id " + LIST)
    add("GET", "/api/v2/stages/{id}", lambda c: (dict(v2.get_live(c.st.stages, c.id(), "Stage")), None), 1)
    # leads (v2 has only search and conversion)
    add("GET", "/api/v2/leads/search", _search(["lead"]), 20, SEARCH + " person_id organization_id", search=True)
    add("POST", "/api/v2/leads/{uuid}/convert/deal", lambda c: (leads.convert(c.st, c.params[0], c.body, c.now), None), 40)
    add(
        "GET",
        "/api/v2/leads/{uuid}/convert/status/{code}",
        lambda c: (leads.status(c.st, c.params[0], c.params[1], c.now, c.opts.conversion_polls, c.opts.conversion_seconds), None),
        1,
    )
    # search, fields
    add(
        "GET",
        "/api/v2/itemSearch",
        _item_search,
        20,
        "term item_types fields search_for_related_items exact_match include_fields limit cursor",
        search=True,
    )
    for name, attr in (
        ("dealFields", "deal_fields"),
        ("personFields", "person_fields"),
        ("organizationFields", "organization_fields"),
        ("productFields", "product_fields"),
    ):
        add("GET", f"/api/v2/{name}", _fields(attr), 10, "include_fields limit cursor")
        add("GET", f"/api/v2/{name}/{{code}}", _field(attr), 1, "include_fields")
    return t


def _plain(result: tuple[list[Any], Any]) -> tuple[Any, Any]:
    items, extra = result
    return [dict(i) for i in items], extra


def _stages(c: Ctx) -> tuple[Any, Any]:
    items = v2.live(c.st.stages)
    pid = v2.int_param(c.query, "pipeline_id")
    if pid is not None:
        items = [s for s in items if s["pipeline_id"] == pid]
    return _plain(paging.keyset(items, c.query, ("id", "update_time", "add_time", "order_nr")))


def _deal_products(c: Ctx) -> tuple[Any, Any]:
    v2.get_live(c.st.deals, c.id(), "Deal")
    items, extra = paging.keyset(products.of_deal(c.st, c.id()), c.query, ("id", "add_time", "update_time", "order_nr"))
    return [dict(i) for i in items], extra
