"""The board filtered by a text (`/` on the board), matched in memory at each key.

A deal matches when its title, its person's or its organization's name contains the folded
text (tui/store/search_index.py folds both sides). Doing that in SQL meant scanning the
index for the deals that match and handing their ids to each of the board's statements;
at 100,000 deals one letter matches almost every deal and a key cost about 550 ms.

Here one statement, once per board (pipeline, status, owner, view, sort) and cache version,
reads the board's deals in column order with their folded names and the figures of a stage
summary. Each key then scans those rows (`needle in hay`), sums the matches per stage and
reads only the cards in view, by id. The rows are kept per reader connection while
`PRAGMA data_version` is unchanged (it moves when another connection commits).
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import Final, NamedTuple

from tui.store.queries.kept import version
from tui.store.queries.board_base import _CARDS, BoardQuery, BoardWindow, DealCard, StageSummary, _Facts, _order, finish_summaries
from tui.store.search_index import KINDS, SPAN, fold

SEP = "\x1f"  # between the three folded names of a deal: a typed text never holds it


# A deal's row: (id, hay, currency, value, probability), hay being its folded title, person
# and organization names with SEP between them. A plain tuple, not a NamedTuple: the garbage
# collector stops tracking a tuple of plain values the first time it sees it, and tracks a
# NamedTuple for ever: at 48,000 open deals every full collection walked them all (~20-30 ms
# in the middle of a key).
_Deal = tuple[int, str, str | None, float | None, float | None]
ID: Final = 0
HAY: Final = 1
CURRENCY: Final = 2
VALUE: Final = 3
PROBABILITY: Final = 4


class _Board(NamedTuple):
    key: tuple[object, ...]
    stages: dict[int, list[_Deal]]  # stage id -> its deals in the column's order
    enabled: bool  # the pipeline weights values by probability
    stage_prob: dict[int, int | None]


class _Matched(NamedTuple):
    needle: str
    stages: dict[int, list[_Deal]]


_BOARDS: dict[int, _Board] = {}  # id(connection) -> the board's rows
_MATCHED: dict[int, tuple[tuple[object, ...], _Matched]] = {}  # id(connection) -> the last text's matches


def _board(conn: sqlite3.Connection, query: BoardQuery) -> _Board:
    base = replace(query, text="")
    key = (base, version(conn))
    kept = _BOARDS.get(id(conn))
    if kept is not None and kept.key == key:
        return kept
    where, params = base.where(alias_joins=True, conn=conn)
    cursor = conn.execute(
        f"""SELECT d.id, d.stage_id, d.currency, d.value, d.probability, t.c2, p.c2, o.c2
              FROM deals d
              LEFT JOIN search_index_content t ON t.id = d.id + {KINDS["deal"] * SPAN}
              LEFT JOIN search_index_content p ON p.id = d.person_id + {KINDS["person"] * SPAN}
              LEFT JOIN search_index_content o ON o.id = d.org_id + {KINDS["organization"] * SPAN}
              {where} AND d.stage_id IS NOT NULL
             ORDER BY {_order(conn, base)}""",
        params,
    )
    cursor.row_factory = None
    stages: dict[int, list[_Deal]] = {}
    for did, stage_id, currency, value, probability, title, person, org in cursor:
        hay = f"{title or ''}{SEP}{person or ''}{SEP}{org or ''}"
        stages.setdefault(stage_id, []).append((did, hay, currency, value, probability))
    pipeline = conn.execute("SELECT probability_enabled FROM pipelines WHERE id = ?", (query.pipeline_id,)).fetchone()
    stage_prob = {r[0]: r[1] for r in conn.execute("SELECT id, deal_probability FROM stages WHERE pipeline_id = ?", (query.pipeline_id,))}
    board = _Board(key, stages, bool(pipeline and pipeline[0]), stage_prob)
    _BOARDS[id(conn)] = board
    return board


def prepare(conn: sqlite3.Connection, query: BoardQuery) -> int:
    """Read the board's rows ahead (the filter box opened): the first key then only scans.
    About 0.5 s at 48,000 open deals in a pipeline; the number of rows read."""
    return sum(len(deals) for deals in _board(conn, query).stages.values())


def matched(conn: sqlite3.Connection, query: BoardQuery) -> tuple[_Board, _Matched]:
    """The board's rows and, per stage, the deals that match the query's text (in order).
    Typing on ("ac" after "a") scans only what the shorter text matched."""
    board = _board(conn, query)
    needle = fold(query.text).strip()
    kept = _MATCHED.get(id(conn))
    if kept is not None and kept[0] == board.key and kept[1].needle == needle:
        return board, kept[1]
    source = board.stages
    if kept is not None and kept[0] == board.key and kept[1].needle and kept[1].needle in needle:
        source = kept[1].stages  # every match of "ac" is a match of "a"
    stages = {sid: [d for d in deals if needle in d[HAY]] for sid, deals in source.items()}
    found = _Matched(needle, stages)
    _MATCHED[id(conn)] = (board.key, found)
    return board, found


def summaries(board: _Board, found: _Matched, stage_ids: list[int] | None) -> dict[int, StageSummary]:
    groups: dict[tuple[int, str | None], list[float]] = {}
    for sid, deals in found.stages.items():
        if stage_ids is not None and sid not in stage_ids:
            continue
        for deal in deals:
            acc = groups.get((sid, deal[CURRENCY]))
            if acc is None:
                acc = groups[(sid, deal[CURRENCY])] = [0, 0.0, 0.0, 0.0]
            acc[0] += 1
            value = deal[VALUE]
            if value is not None:
                acc[1] += value
                if deal[PROBABILITY] is not None:
                    acc[2] += value * deal[PROBABILITY] / 100.0
                else:
                    acc[3] += value
    rows = ((sid, cur, int(a[0]), a[1], a[2], a[3]) for (sid, cur), a in groups.items())
    return finish_summaries(rows, board.enabled, board.stage_prob)


def cards_by_id(conn: sqlite3.Connection, ids: list[int], now: datetime) -> dict[int, DealCard]:
    if not ids:
        return {}
    cursor = conn.execute(f"{_CARDS} WHERE d.id IN ({','.join('?' * len(ids))})", ids)
    cursor.row_factory = None
    facts = _Facts(conn, now)
    return {row[0]: facts.card(row) for row in cursor}


def window(
    conn: sqlite3.Connection,
    query: BoardQuery,
    *,
    now: datetime,
    wants: dict[int, set[int]],
    follow: int | None,
    block: int,
    only: list[int] | None,
) -> BoardWindow:
    """board_window() for a query with a text."""
    board, found = matched(conn, query)
    sums = summaries(board, found, only)
    position = None
    if follow is not None:
        for sid, deals in found.stages.items():
            index = next((i for i, d in enumerate(deals) if d[ID] == follow), None)
            if index is not None:
                position = (sid, index)
                break
    wants = {sid: set(bs) for sid, bs in wants.items()}
    if position is not None:
        wants.setdefault(position[0], set()).add(position[1] // block)
    slices = {
        sid: {b: [d[ID] for d in found.stages.get(sid, [])[b * block : (b + 1) * block]] for b in sorted(bs)}
        for sid, bs in wants.items()
        if only is None or sid in only
    }
    cards = cards_by_id(conn, [i for blocks in slices.values() for ids in blocks.values() for i in ids], now)
    blocks = {sid: {b: [cards[i] for i in ids if i in cards] for b, ids in bs.items()} for sid, bs in slices.items()}
    return BoardWindow(sums, position, blocks)


def stage_slice(conn: sqlite3.Connection, query: BoardQuery, stage_id: int, *, now: datetime, offset: int, limit: int) -> list[DealCard]:
    """stage_cards() for a query with a text."""
    _board_rows, found = matched(conn, query)
    ids = [d[ID] for d in found.stages.get(stage_id, [])[offset : offset + limit]]
    cards = cards_by_id(conn, ids, now)
    return [cards[i] for i in ids if i in cards]
