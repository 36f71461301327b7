"""Files (v1, no v2 equivalent), as the v1 spec has them:

    GET    /v1/deals/{id}/files, /v1/persons/{id}/files, /v1/organizations/{id}/files   20 tokens
    GET    /v1/files                  20      POST /v1/files (multipart: file + links)   10
    GET    /v1/files/{id}              2      PUT  /v1/files/{id} (name, description)    10
    DELETE /v1/files/{id}              6      GET  /v1/files/{id}/download               20

Lists are v1 pages (start, limit at most 100, sort "id"/"update_time" with ASC/DESC).
A deleted file is marked (active_flag false) and leaves every list; its download is 404.
The parents' `files_count` (v2 include_fields, v1 deals) counts the active files.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tui.sandbox import paging
from tui.sandbox import validate as v
from tui.sandbox.forms import UploadedFile
from tui.sandbox.route_types import Ctx, RawBody, Table
from tui.sandbox.state import Obj, State
from tui.sandbox.v1 import v1time_now

LIST = "start limit sort"
MAX_LIMIT = 100
LINKS = (
    ("deal_id", "deals", "Deal", "title"),
    ("person_id", "persons", "Person", "name"),
    ("org_id", "organizations", "Organization", "name"),
)
TYPES = {"pdf": "pdf", "txt": "text", "csv": "spreadsheet", "xlsx": "spreadsheet", "png": "img", "jpg": "img", "docx": "document"}
MIME = {"pdf": "application/pdf", "txt": "text/plain", "csv": "text/csv", "png": "image/png", "jpg": "image/jpeg"}


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def add_file(st: State, name: str, content: bytes, links: dict[str, int | None], user_id: int, stamp: str) -> Obj:
    """Store a file (the generator and POST /files): its object and its bytes."""
    fid = st.new_id("files")
    stem, dot, ext = name.rpartition(".")
    digest = hashlib.sha1(content + str(fid).encode()).hexdigest()[:40]
    st.files[fid] = {
        "id": fid,
        "user_id": user_id,
        "deal_id": links.get("deal_id"),
        "person_id": links.get("person_id"),
        "org_id": links.get("org_id"),
        "product_id": None,
        "activity_id": None,
        "lead_id": None,
        "project_id": None,
        "log_id": None,
        "add_time": stamp,
        "update_time": stamp,
        "file_name": f"{stem or name}_{digest}{dot}{ext}" if dot else f"{name}_{digest}",
        "file_type": TYPES.get(extension(name), "other"),
        "file_size": len(content),
        "active_flag": True,
        "inline_flag": False,
        "remote_location": "s3",
        "remote_id": None,
        "cid": "",
        "s3_bucket": "",
        "mail_message_id": "",
        "mail_template_id": "",
        "name": name,
        "description": "",
    }
    st.file_blobs[fid] = content
    return st.files[fid]


def file_out(st: State, f: Obj) -> Obj:
    """The file as the API shows it: the linked items' names and its download URL."""
    out = dict(f)
    for key, coll, _what, label in LINKS:
        obj = getattr(st, coll).get(f.get(key) or -1)
        out[key.replace("_id", "_name")] = (obj or {}).get(label) or ""
    out["product_name"] = ""
    out["lead_name"] = ""
    out["project_name"] = ""
    domain = st.company.get("company_domain") or "demo"
    out["url"] = f"https://{domain}.pipedrive.com/v1/files/{f['id']}/download"
    return out


def count(st: State, key: str, item_id: int) -> int:
    """`files_count` of a deal, person or organization: its active files."""
    return sum(1 for f in st.files.values() if f.get("active_flag") and f.get(key) == item_id)


def _live(st: State, fid: int) -> Obj:
    f = st.files.get(fid)
    if f is None or not f.get("active_flag"):
        raise v.ApiFailure(404, "File not found")
    return f


def _sorted(items: list[Obj], q: dict[str, str]) -> list[Obj]:
    raw = (q.get("sort") or "id ASC").strip()
    field, _, direction = raw.partition(" ")
    if field not in ("id", "update_time") or direction.strip().upper() not in ("", "ASC", "DESC"):
        raise v.bad("sort: supported fields are id and update_time (ASC or DESC)")
    return sorted(items, key=lambda f: (f.get(field) or "", f["id"]), reverse=direction.strip().upper() == "DESC")


def _page(st: State, items: list[Obj], q: dict[str, str]) -> tuple[list[Obj], dict[str, Any]]:
    chunk, extra = paging.v1_page(_sorted(items, q), q, MAX_LIMIT)
    return [file_out(st, f) for f in chunk], extra


def list_for(c: Ctx, key: str, coll: str, what: str) -> tuple[Any, Any]:
    parent = getattr(c.st, coll).get(c.id())
    if parent is None or parent.get("is_deleted"):
        raise v.ApiFailure(404, f"{what} not found")
    items = [f for f in c.st.files.values() if f.get("active_flag") and f.get(key) == c.id()]
    data, extra = _page(c.st, items, c.query)
    return (data or None), extra  # v1 answers an empty list with data null


def list_all(c: Ctx) -> tuple[Any, Any]:
    data, extra = _page(c.st, [f for f in c.st.files.values() if f.get("active_flag")], c.query)
    return (data or None), extra


def _int(value: Any, key: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise v.bad(f"{key} must be an integer") from None


def upload(c: Ctx) -> tuple[Any, Any]:
    body = c.body
    if not isinstance(body, dict) or not isinstance(body.get("file"), UploadedFile):
        raise v.bad("No file was sent (a multipart/form-data part named 'file' is required)")
    known = {"file", "deal_id", "person_id", "org_id", "product_id", "activity_id", "lead_id", "project_id"}
    extra = set(body) - known
    if extra:
        raise v.bad(f"Unknown parameters: {', '.join(sorted(extra))}")
    links: dict[str, int | None] = {}
    for key, coll, what, _label in LINKS:
        value = _int(body.get(key), key)
        if value is not None:
            obj = getattr(c.st, coll).get(value)
            if obj is None or obj.get("is_deleted"):
                raise v.bad(f"{what} with id {value} not found")
        links[key] = value
    if not any(links.values()):
        raise v.bad("A file must be attached to a deal, person, organization, product, activity or lead.")
    part: UploadedFile = body["file"]
    name = part.filename.replace("\\", "/").rsplit("/", 1)[-1] or "file"
    f = add_file(c.st, name, part.content, links, c.st.me_id, v1time_now(c.now))
    return file_out(c.st, f), None


def update(c: Ctx) -> tuple[Any, Any]:
    f = _live(c.st, c.id())
    body = c.body if isinstance(c.body, dict) else {}
    extra = set(body) - {"name", "description"}
    if extra:
        raise v.bad(f"Unknown parameters: {', '.join(sorted(extra))}")
    for key in ("name", "description"):
        if key in body:
            f[key] = str(body[key])
    f["update_time"] = v1time_now(c.now)
    return file_out(c.st, f), None


def delete(c: Ctx) -> tuple[Any, Any]:
    f = _live(c.st, c.id())
    f["active_flag"] = False
    f["update_time"] = v1time_now(c.now)
    return {"id": f["id"]}, None


def download(c: Ctx) -> tuple[Any, Any]:
    f = _live(c.st, c.id())
    content = c.st.file_blobs.get(f["id"], b"")
    return RawBody(content, MIME.get(extension(f["name"]), "application/octet-stream"), f["file_name"]), None


def table() -> Table:
    t = Table()
    add = t.add
    add("GET", "/api/v1/deals/{id}/files", lambda c: list_for(c, "deal_id", "deals", "Deal"), 20, LIST)
    add("GET", "/api/v1/persons/{id}/files", lambda c: list_for(c, "person_id", "persons", "Person"), 20, LIST)
    add("GET", "/api/v1/organizations/{id}/files", lambda c: list_for(c, "org_id", "organizations", "Organization"), 20, LIST)
    add("GET", "/api/v1/files", list_all, 20, LIST)
    add("POST", "/api/v1/files", upload, 10)
    add("GET", "/api/v1/files/{id}/download", download, 20)
    add("GET", "/api/v1/files/{id}", lambda c: (file_out(c.st, _live(c.st, c.id())), None), 2)
    add("PUT", "/api/v1/files/{id}", update, 10)
    add("DELETE", "/api/v1/files/{id}", delete, 6)
    return t
