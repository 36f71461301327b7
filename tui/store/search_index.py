"""The global search index: one FTS5 table over deals, persons and organizations.

SQLite's trigram tokenizer finds any substring of 3 or more characters, CJK included (no
word segmentation needed); shorter queries are matched by a scan (queries/search.py).
The bundled SQLite may predate the trigram tokenizer's `remove_diacritics`, so the index
holds a *folded* copy of the text, and queries are folded the same way (`fold`):
NFKD, combining marks dropped (kana voicing marks kept), NFC again, casefold, and the few
letters with a stroke mapped to their base (ł, ø, đ, …) — "Renée" and "RENEE" both become
"renee", "İsmail" "ismail", "Straße" "strasse", "Łódź" "lodz", "Søren" "soren".

What is indexed, per row (`kind`, `ref` = the entity's id):
- deal: `name` = title
- person: `name` = name; `body` = every e-mail and the organization's name;
  `phone` = the digits of every phone number ("+49 30 1234-5" -> "493012345")
- organization: `name` = name; `body` = address
- lead (v11): `name` = title; `ref` = the lead row's rowid (lead ids are UUIDs)
- note (v11): `body` = the note's text (HTML to text, `pd_text`)

Triggers on the three tables keep it current (inserts, updates, deletes, an id changed by
the outbox); renaming an organization re-indexes its people. `open` and `touched` (update
time) let the query rank without reading the entity tables. The rowid is the kind's code
times 2**40 plus the id (`rowid_of`): a row is replaced without a lookup, and each kind is
one rowid range, which FTS5 walks newest id first and stops early (queries/search.py).
Ids of local creates are negative: they stay inside their kind's range.

The SQL functions are Python (`register`): every connection that writes entity rows needs
them, so `schema.connect` and `schema.migrate` register them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from functools import lru_cache
from typing import Any

KINDS = {"deal": 1, "person": 2, "organization": 3, "lead": 4, "note": 5}
SPAN = 1 << 40  # rowid = code * SPAN + id


def rowid_of(kind: str, entity_id: int) -> int:
    return KINDS[kind] * SPAN + entity_id


def rowid_range(kind: str) -> tuple[int, int]:
    """The rowids of one kind (exclusive bounds)."""
    return KINDS[kind] * SPAN - SPAN // 2, KINDS[kind] * SPAN + SPAN // 2


_KEEP_MARKS = {"\u3099", "\u309a"}  # kana (han)dakuten: ガ is not カ
# letters that are not a base letter plus a mark (NFKD keeps them) but are typed without one
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ŀ": "l"})


def fold(text: Any) -> str:
    """Lower-case, accent-free, width-normalised text for matching (the index and the query)."""
    if text is None:
        return ""
    text = str(text)
    if text.isascii():
        return str(text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if c in _KEEP_MARKS or not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept).casefold().translate(_LETTERS)


_NOT_DIGIT = re.compile(r"[^0-9]+")


def digits(text: Any) -> str:
    return _NOT_DIGIT.sub("", str(text or ""))


@lru_cache(maxsize=8)
def _parsed(data: str) -> Any:
    """The person's JSON, parsed once for both pd_emails and pd_phones of a row."""
    try:
        return json.loads(data)
    except ValueError:
        return None


def _values(data: Any, key: str) -> list[str]:
    """The `value`s of a person's emails or phones (v2: [{value, primary, label}]; plain strings too)."""
    obj = _parsed(data) if isinstance(data, str) else None
    items = obj.get(key) if isinstance(obj, dict) else None
    out = []
    for item in items if isinstance(items, list) else []:
        value = item.get("value") if isinstance(item, dict) else item
        if isinstance(value, (str, int)) and str(value).strip():
            out.append(str(value))
    return out


def _emails(data: Any) -> str:
    return " ".join(fold(v) for v in _values(data, "emails"))


def _phones(data: Any) -> str:
    return " ".join(d for d in (digits(v) for v in _values(data, "phones")) if d)


def _text(content: Any) -> str:
    from tui.notes_html import html_to_text

    return fold(" ".join(html_to_text(str(content or "")).split()))


def register(conn: sqlite3.Connection) -> None:
    conn.create_function("pd_fold", 1, fold, deterministic=True)
    conn.create_function("pd_text", 1, _text, deterministic=True)
    conn.create_function("pd_emails", 1, _emails, deterministic=True)
    conn.create_function("pd_phones", 1, _phones, deterministic=True)


# The rows each entity contributes (views, so the migration's fill and the triggers share them).
_VIEWS = """
CREATE VIEW search_deal_rows AS
    SELECT id + 1 * 1099511627776 AS rid, 'deal' AS kind, id AS ref, pd_fold(title) AS name, '' AS body, '' AS phone,
           status = 'open' AS open, update_time AS touched
      FROM deals;
CREATE VIEW search_person_rows AS
    SELECT p.id + 2 * 1099511627776 AS rid, 'person' AS kind, p.id AS ref, pd_fold(p.name) AS name,
           trim(pd_emails(p.data) || ' ' || pd_fold(o.name)) AS body, pd_phones(p.data) AS phone,
           0 AS open, p.update_time AS touched
      FROM persons p LEFT JOIN organizations o ON o.id = p.org_id;
CREATE VIEW search_organization_rows AS
    SELECT id + 3 * 1099511627776 AS rid, 'organization' AS kind, id AS ref, pd_fold(name) AS name, pd_fold(address) AS body,
           '' AS phone, 0 AS open, update_time AS touched
      FROM organizations;
"""

_COLUMNS = "rowid, kind, ref, name, body, phone, open, touched"


def _put(kind: str, view: str, key: str = "new.id") -> str:
    # delete, then insert: no OR REPLACE inside triggers, whose conflict policy the outer
    # statement (the cache's upserts) would override
    return (
        f"DELETE FROM search_index WHERE rowid = {key} + {KINDS[kind] * SPAN};\n    "
        f"INSERT INTO search_index ({_COLUMNS}) SELECT * FROM {view} WHERE ref = {key};"
    )


def _triggers(table: str, kind: str, view: str, before: str = "", after: str = "", key: str = "id") -> str:
    """Insert and update (the cache upserts) re-index the row; delete drops it."""
    drop = f"DELETE FROM search_index WHERE rowid = old.{key} + {KINDS[kind] * SPAN};"
    return f"""
CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN
    {before}{_put(kind, view, f"new.{key}")}
END;
CREATE TRIGGER {table}_search_update AFTER UPDATE ON {table} BEGIN
    {before}{drop}
    {_put(kind, view, f"new.{key}")}
END;
CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN
    {drop}{after}
END;
"""


# An organization's name is part of its people's rows: re-index them when the name the
# index holds for the organization changes (before its own row is replaced), or it goes.
_PEOPLE_OF = "(SELECT id FROM persons WHERE org_id = {key})"
_RENAMED = f"(SELECT name FROM search_index WHERE rowid = new.id + {3 * SPAN}) IS NOT pd_fold(new.name)"
_ORG_RENAMED = f"""DELETE FROM search_index WHERE rowid IN (SELECT id + {2 * SPAN} FROM persons WHERE org_id = new.id)
           AND {_RENAMED};
    INSERT INTO search_index ({_COLUMNS})
        SELECT * FROM search_person_rows WHERE ref IN {_PEOPLE_OF.format(key="new.id")}
           AND ref + {2 * SPAN} NOT IN (SELECT rowid FROM search_index WHERE rowid IN
               (SELECT id + {2 * SPAN} FROM persons WHERE org_id = new.id));
    """
_ORG_GONE = f"""
    DELETE FROM search_index WHERE rowid IN (SELECT id + {2 * SPAN} FROM persons WHERE org_id = old.id);
    INSERT INTO search_index ({_COLUMNS})
        SELECT * FROM search_person_rows WHERE ref IN {_PEOPLE_OF.format(key="old.id")};"""

# v5: the global search index (see the module docstring), filled from what the cache holds.
SCHEMA = (
    """
CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(
    kind UNINDEXED, ref UNINDEXED, name, body, phone, open UNINDEXED, touched UNINDEXED,
    tokenize = 'trigram'
);
"""
    + _VIEWS
    + _triggers("deals", "deal", "search_deal_rows")
    + _triggers("persons", "person", "search_person_rows")
    + _triggers("organizations", "organization", "search_organization_rows", _ORG_RENAMED, _ORG_GONE)
    + f"""
DELETE FROM search_index;
INSERT INTO search_index ({_COLUMNS}) SELECT * FROM search_deal_rows;
INSERT INTO search_index ({_COLUMNS}) SELECT * FROM search_person_rows;
INSERT INTO search_index ({_COLUMNS}) SELECT * FROM search_organization_rows;
"""
)


# v11: leads (by rowid: their ids are UUIDs) and the text of notes join the index.
LEADS_AND_NOTES = (
    f"""
CREATE VIEW search_lead_rows AS
    SELECT rowid + {4 * SPAN} AS rid, 'lead' AS kind, rowid AS ref, pd_fold(title) AS name, '' AS body, '' AS phone,
           is_archived = 0 AS open, update_time AS touched
      FROM leads;
CREATE VIEW search_note_rows AS
    SELECT id + {5 * SPAN} AS rid, 'note' AS kind, id AS ref, '' AS name, pd_text(content) AS body, '' AS phone,
           0 AS open, update_time AS touched
      FROM notes;
"""
    + _triggers("leads", "lead", "search_lead_rows", key="rowid")
    + _triggers("notes", "note", "search_note_rows")
    + f"""
INSERT INTO search_index ({_COLUMNS}) SELECT * FROM search_lead_rows;
INSERT INTO search_index ({_COLUMNS}) SELECT * FROM search_note_rows;
"""
)
