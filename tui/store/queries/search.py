"""Global search over the cache (the `g` screen and the command palette).

The FTS5 index of tui/store/search_index.py holds folded text, so the query is folded the
same way (accents, case, full-width forms). Words of 3+ characters go to the trigram index
(all must match, anywhere: a substring of a name, an e-mail, an organization's name, an
address, CJK included); shorter words filter those rows, or, when no word is long enough,
are looked for by a scan of the index. A query that looks like a phone number ("+49 30
12-34") is matched by its digits, whatever the spaces, dashes or + around them.

Ranking, per type: the whole name, then a name starting with the query, then a word of the
name starting with it, then anything else; open deals before closed ones; then the most
recently updated. Each type keeps its best `limit` hits and says how many matched in all.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from tui.store.search_index import KINDS as KIND_CODES
from tui.store.search_index import SPAN, digits, fold, rowid_range

KINDS = ("deal", "person", "organization", "lead", "note")
EXACT, PREFIX, WORD, ELSEWHERE = 0, 1, 2, 3
_PHONE = re.compile(r"\+?[\d\s().\-/]+")


@dataclass(slots=True)
class Hit:
    kind: str  # deal | person | organization
    id: int
    title: str  # the deal's title or the name, as the server sent it
    match: int  # EXACT, PREFIX, WORD or ELSEWHERE
    status: str | None = None  # deals
    stage: str | None = None
    pipeline: str | None = None
    value: float | None = None
    currency: str | None = None
    org: str | None = None  # deals and persons
    person: str | None = None  # deals
    email: str | None = None  # persons
    phone: str | None = None
    address: str | None = None  # organizations
    uuid: str | None = None  # leads: the lead's id (hits carry the row's number in `id`)
    parent: tuple[str, int] | None = None  # notes: the deal, person or organization it is on


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)  # grouped in KINDS order, best first
    totals: dict[str, int] = field(default_factory=dict)  # matches per type before the limit
    more: set[str] = field(default_factory=set)  # types with more matches than totals says

    def of(self, kind: str) -> list[Hit]:
        return [h for h in self.hits if h.kind == kind]

    @property
    def empty(self) -> bool:
        return not self.hits


@dataclass(frozen=True)
class Plan:
    folded: str  # the whole query, folded, single-spaced
    match: str | None  # an FTS5 expression, or None (scan)
    filters: tuple[str, ...]  # short words every hit must contain
    phone: bool = False  # matched by its digits


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def plan(text: str) -> Plan | None:
    folded = " ".join(fold(text).split())
    if not folded:
        return None
    number = digits(text)
    if _PHONE.fullmatch(text.strip()) and len(number) >= 3:
        return Plan(folded, _quote(number), (), phone=True)
    words = folded.split()
    long = [w for w in words if len(w) >= 3]
    short = tuple(w for w in words if len(w) < 3)
    return Plan(folded, " AND ".join(_quote(w) for w in long) or None, short)


CAP = 200  # candidates per kind and kind of match: the newest ids first (FTS5 stops early)
_CLASS = """CASE WHEN name = :q THEN 0 WHEN substr(name, 1, length(:q)) = :q THEN 1
                 WHEN instr(' ' || name, ' ' || :q) > 0 THEN 2 ELSE 3 END"""


def _candidates(conn: sqlite3.Connection, p: Plan, kind: str, total: int | None) -> tuple[list[Candidate], bool]:
    """The best candidates of one kind, and whether more match than were looked at. The newest
    CAP matches are read; when more rows match (`total`, or the cap was reached) the newest CAP
    whose name starts with the query and those where a word of the name does are added, so an
    old exact match is not missed."""
    lo, hi = rowid_range(kind)
    args: dict[str, Any] = {"q": p.folded, "lo": lo, "hi": hi, "cap": CAP}
    args.update({f"w{i}": w for i, w in enumerate(p.filters)})
    if p.match is None:  # only short words: scan the names (the trigram index needs 3 characters)
        where = " AND ".join(f"instr(c2, :w{i}) > 0" for i in range(len(p.filters)))
        # the FTS5 content table (documented shadow table: c0.. are the columns): a plain scan
        # of it is about three times faster than one through the virtual table
        rows = conn.execute(
            f"""SELECT id, {_CLASS.replace("name", "c2")}, c5, c6 FROM search_index_content
                                 WHERE id > :lo AND id < :hi AND {where} ORDER BY id DESC LIMIT :cap""",
            args,
        ).fetchall()
        return _ranked(rows, lo, {}), len(rows) >= CAP
    filters = "".join(f" AND instr(name || ' ' || body || ' ' || phone, :w{i}) > 0" for i in range(len(p.filters)))
    sql = f"""SELECT rowid, {_CLASS}, open, touched FROM search_index
               WHERE search_index MATCH :m AND rowid > :lo AND rowid < :hi{filters} ORDER BY rowid DESC LIMIT :cap"""
    rows = conn.execute(sql, {**args, "m": p.match}).fetchall()
    more = len(rows) >= CAP if total is None else total > CAP
    found: dict[int, Candidate] = {}
    _ranked(rows, lo, found)
    if more and not p.phone:
        for expression in (f"name : ^{_quote(p.folded)}", f"name : {_quote(' ' + p.folded)}"):
            _ranked(conn.execute(sql, {**args, "m": expression}).fetchall(), lo, found)
    return sorted(found.values(), key=lambda c: (c[1], -c[2], _desc(c[3]), -c[0])), more


Candidate = tuple[int, int, int, str]  # id, match class, open, touched


def _ranked(rows: list[Any], lo: int, found: dict[int, Candidate]) -> list[Candidate]:
    for rid, match, is_open, touched in rows:
        if rid not in found or match < found[rid][1]:
            found[rid] = (rid - lo - SPAN // 2, match, is_open or 0, touched or "")
    return sorted(found.values(), key=lambda c: (c[1], -c[2], _desc(c[3]), -c[0]))


def _desc(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def _totals(conn: sqlite3.Connection, p: Plan) -> dict[str, int]:
    """How many rows of each kind match: rowids only, so the index alone answers (a query with
    short words, which need the text, is not counted)."""
    if p.match is None or p.filters:
        return {}
    codes = {code: kind for kind, code in KIND_CODES.items()}
    rows = conn.execute(
        f"SELECT (rowid + {SPAN // 2}) / {SPAN}, count(*) FROM search_index WHERE search_index MATCH ? GROUP BY 1", (p.match,)
    )
    return {codes[code]: n for code, n in rows if code in codes}


def search(conn: sqlite3.Connection, text: str, limit: int = 8, kinds: tuple[str, ...] = KINDS) -> Results:
    """The best `limit` hits of each kind for `text`, with what a list shows beside them.
    Totals are exact for words of 3+ characters; otherwise they count the candidates looked
    at, and `more` says which kinds have more than that."""
    p = plan(text)
    results = Results(text)
    if p is None:
        return results
    try:
        counted = _totals(conn, p)
        for kind in kinds:
            if counted or (p.match is not None and not p.filters):
                if kind not in counted:
                    continue
            ranked, more = _candidates(conn, p, kind, counted.get(kind))
            if ranked:
                results.totals[kind] = counted.get(kind, len(ranked))
                if more and kind not in counted:
                    results.more.add(kind)
                results.hits += _details(conn, kind, [(c[0], c[1]) for c in ranked[:limit]], text)
    except sqlite3.OperationalError:  # an FTS5 syntax corner the quoting missed: no hits, not a crash
        return Results(text)
    return results


_DETAILS = {
    "deal": """SELECT d.id, d.title, d.status, s.name, pl.name, d.value, d.currency, o.name, p.name
                 FROM deals d LEFT JOIN stages s ON s.id = d.stage_id LEFT JOIN pipelines pl ON pl.id = d.pipeline_id
                 LEFT JOIN organizations o ON o.id = d.org_id LEFT JOIN persons p ON p.id = d.person_id
                WHERE d.id IN ({ids})""",
    "person": """SELECT p.id, p.name, o.name, p.primary_email, p.primary_phone
                   FROM persons p LEFT JOIN organizations o ON o.id = p.org_id WHERE p.id IN ({ids})""",
    "organization": "SELECT id, name, address FROM organizations WHERE id IN ({ids})",
    "lead": """SELECT l.rowid, l.title, l.id, l.value, l.currency, o.name, p.name
                 FROM leads l LEFT JOIN organizations o ON o.id = l.org_id LEFT JOIN persons p ON p.id = l.person_id
                WHERE l.rowid IN ({ids})""",
    "note": """SELECT n.id, n.content, n.deal_id, n.person_id, n.org_id, d.title, p.name, o.name,
                      json_extract(n.data, '$.lead_id'), l.title, l.rowid
                 FROM notes n LEFT JOIN deals d ON d.id = n.deal_id LEFT JOIN persons p ON p.id = n.person_id
                 LEFT JOIN organizations o ON o.id = n.org_id LEFT JOIN leads l ON l.id = json_extract(n.data, '$.lead_id')
                WHERE n.id IN ({ids})""",
}


def snippet(text: str, query: str, width: int = 90) -> str:
    """The part of a note's text around the first word of the query found in it."""
    flat = " ".join(text.split())
    folded = fold(flat)
    at = -1
    for word in sorted(fold(query).split(), key=len, reverse=True):
        at = folded.find(word)
        if at >= 0:
            break
    if at < 0 or len(flat) <= width or len(folded) != len(flat):  # folding changed lengths: the start
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, at - width // 3)
    end = start + width
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


def _note_hit(r: Any, match: int, query: str) -> Hit:
    from tui.notes_html import html_to_text

    text = snippet(html_to_text(r[1] or ""), query)
    for kind, ref, name in (("deal", r[2], r[5]), ("person", r[3], r[6]), ("organization", r[4], r[7])):
        if ref is not None and name is not None:
            return Hit("note", r[0], text, match, org=name, parent=(kind, ref))
    if r[8] and r[9] is not None:
        return Hit("note", r[0], text, match, org=r[9], parent=("lead", r[10]), uuid=r[8])
    return Hit("note", r[0], text, match)


def _details(conn: sqlite3.Connection, kind: str, ranked: list[tuple[int, int]], query: str = "") -> list[Hit]:
    rows = {r[0]: r for r in conn.execute(_DETAILS[kind].format(ids=",".join("?" * len(ranked))), [i for i, _ in ranked])}
    hits = []
    for ref, match in ranked:
        r = rows.get(ref)
        if r is None:
            continue
        if kind == "deal":
            hits.append(
                Hit(kind, ref, r[1], match, status=r[2], stage=r[3], pipeline=r[4], value=r[5], currency=r[6], org=r[7], person=r[8])
            )
        elif kind == "person":
            hits.append(Hit(kind, ref, r[1], match, org=r[2], email=r[3], phone=r[4]))
        elif kind == "lead":
            hits.append(Hit(kind, ref, r[1], match, value=r[3], currency=r[4], org=r[5], person=r[6], uuid=r[2]))
        elif kind == "note":
            hits.append(_note_hit(r, match, query))
        else:
            hits.append(Hit(kind, ref, r[1], match, address=r[2]))
    return hits


def hits_by_ids(conn: sqlite3.Connection, found: dict[str, list[int]]) -> list[Hit]:
    """Hits for ids another search found (Pipedrive's), in its order, grouped by kind;
    ids the cache does not hold are left out."""
    hits: list[Hit] = []
    for kind in KINDS[:3]:
        ids = found.get(kind) or []
        if ids:
            hits += _details(conn, kind, [(i, ELSEWHERE) for i in ids])
    return hits
