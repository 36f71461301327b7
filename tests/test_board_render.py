"""Server text is shown literally; snapshot of the board on frozen demo data."""

import pytest
from rich.cells import cell_len

from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.snapshots import snapshot
from tests.test_board_keys import board, settle
from tui.sandbox import Sandbox

ODD = {
    1: "[bold red]x[/] [link=http://evil]click[/link]",
    2: "evil \x1b[31mred\x1b[0m \x1b]0;title\x07 done",
    3: "日本語のとても長い取引タイトル 🚀🚀🚀 with emoji and more words to truncate",
}


async def test_markup_ansi_and_wide_titles_are_literal(tmp_path):
    sb = Sandbox(seed=7, deals=40, token="t0k3n-for-tests", now=FROZEN_NOW)
    first_stage = min(s["id"] for s in sb.state.stages.values() if s["pipeline_id"] == 1)
    for deal_id, title in ODD.items():
        sb.state.deals[deal_id].update(title=title, pipeline_id=1, stage_id=first_stage, status="open")
    async with app_env(tmp_path, sandbox=sb, size=(200, 40)) as env:
        b = board(env)
        await settle(env)
        column = b.columns[0].cards
        lines = [column.render_line(y) for y in range(column.size.height)]
        text = "\n".join("".join(seg.text for seg in strip) for strip in lines)
        assert "[bold red]x[/]" in text
        assert "[link=" in text
        assert "\x1b" not in text and "\x07" not in text
        assert "evil [31mred[0m" in text
        assert "日本語" in text
        widths = {strip.cell_length for strip in lines}
        assert widths == {column.size.width}
        for strip in lines:
            assert cell_len("".join(seg.text for seg in strip)) == column.size.width


async def test_board_snapshot_160x45(tmp_path):
    async with app_env(tmp_path, size=(160, 45), deals=120) as env:
        await settle(env, 0.3)
        await snapshot(env, "board_160x45")


async def test_board_at_80x24_scrolls_horizontally(tmp_path):
    async with app_env(tmp_path, size=(80, 24)) as env:
        b = board(env)
        await settle(env)
        widths = [c.size.width for c in b.columns]
        assert min(widths) >= 25
        await env.pilot.press("l", "l", "l", "l", "l")
        await settle(env)
        assert b.col == 5
        scroller = b.query_one("#board-columns")
        assert scroller.scroll_offset.x > 0
        assert b.columns[5].region.right <= 80


async def test_columns_share_the_width_or_keep_a_readable_minimum(tmp_path):
    for size, expected in (((160, 45), 25), ((120, 35), 25), ((200, 45), 32)):
        async with app_env(tmp_path / f"{size[0]}", size=size) as env:
            b = board(env)
            await settle(env)
            widths = {c.size.width for c in b.columns}
            assert widths == {expected}, (size, widths)


def codepoint_cells(text: str) -> int:
    """Cells as a terminal that draws an emoji sequence part by part counts them (xterm, VTE;
    tmux for skin tones and ❤️): wide characters 2, marks and format characters 0."""
    import unicodedata

    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


async def test_emoji_sequences_keep_the_column_lines_in_line(tmp_path):
    """👩‍💻, a family, ❤️ and 👍🏽 in a title and an organization: every line of the column
    measures the column's width in Rich and in a terminal alike, and the separator between
    the first two columns sits at the same x on every line of the screen."""
    sb = Sandbox(seed=7, deals=40, token="t0k3n-for-tests", now=FROZEN_NOW)
    first_stage = min(s["id"] for s in sb.state.stages.values() if s["pipeline_id"] == 1)
    sb.state.deals[1].update(title="👩\u200d💻 Dev 👨\u200d👩\u200d👧 ❤\ufe0f 👍🏽 x", pipeline_id=1, stage_id=first_stage, status="open")
    org = sb.state.deals[1].get("org_id")
    if org:
        sb.state.organizations[org]["name"] = "🧑\u200d🚀 Space 👍🏿 Org"
    async with app_env(tmp_path, sandbox=sb) as env:
        b = board(env)
        await settle(env)
        column = b.columns[0].cards
        texts = [column.render_line(y).text for y in range(column.size.height)]
        assert any("👩" in t and "💻" in t for t in texts)
        for t in texts:
            assert codepoint_cells(t) == cell_len(t) == column.size.width, t
        screen_lines = [strip.text for strip in env.app.screen._compositor.render_strips()]
        x = b.columns[0].region.right - 1  # the column's right border
        card_rows = range(column.region.y, column.region.bottom)
        for y in card_rows:
            line = screen_lines[y]
            at = next(i for i in range(len(line)) if codepoint_cells(line[:i]) == x)
            assert line[at] == "▕", (y, line)


@pytest.mark.paints  # counts what a paint renders
async def test_a_new_store_status_repaints_the_status_bar_and_no_column(tmp_path, monkeypatch):
    """Every edit and sync changes the app's status (pending edits, last sync): it is shown in
    the status bar, and only there is painted again. It used to repaint the whole screen (an
    app reactive that repaints refreshes the screen): each `>` on the board painted 7,200
    cells to change one line."""
    from collections import Counter
    from dataclasses import replace

    from textual.widget import Widget

    from tests.support.screen import screen_text

    async with app_env(tmp_path) as env:
        await settle(env)
        painted: Counter[str] = Counter()
        real = Widget.render_lines

        def counted(self, crop):  # type: ignore[no-untyped-def]
            painted[type(self).__name__] += crop.height
            return real(self, crop)

        monkeypatch.setattr(Widget, "render_lines", counted)
        env.app.store_status = replace(env.app.store_status, pending=3)
        await settle(env)
        # Textual renders whole the widgets under a changed line (the screen, the row of
        # columns): what matters is that no column and no card is painted again
        assert painted["StatusBar"] == 1 and not {"KanbanColumn", "StageColumn"} & set(painted), painted
        assert "3 pending" in screen_text(env.app).splitlines()[-2]


async def test_a_filter_cleared_redraws_no_card_and_a_changed_card_is_drawn_anew(tmp_path, monkeypatch):
    """A column keeps its cards' drawn lines across reloads (widgets/kanban_column.py), keyed
    by what the card holds: clearing a filter shows cards already drawn without drawing them
    again, and a card whose deal changed is drawn from its new values."""
    import tui.widgets.kanban_column as kc

    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        column = b.columns[0].cards
        first = column.cards[0]
        drawn: list[int] = []
        real = kc.card_lines

        def counting(card, *args, **kwargs):
            drawn.append(card.id)
            return real(card, *args, **kwargs)

        monkeypatch.setattr(kc, "card_lines", counting)
        await env.pilot.press("slash", *first.title[:3].lower())
        await settle(env)
        await env.pilot.press("escape", "escape")
        await settle(env)
        assert "filter:" not in screen_text(env.app) and first.title[:20] in screen_text(env.app)
        shown = {c.id for c in column.cards[: column.page_cards]}
        drawn.clear()
        await env.pilot.press("slash", "z")  # and back again: the cards shown were drawn before
        await settle(env)
        await env.pilot.press("escape", "escape")
        await settle(env)
        # at most the card under the cursor, if the cursor came back to another column
        assert len(shown & set(drawn)) <= 1 < len(shown), (shown, drawn)
        env.sandbox.remote_edit("deal", first.id, {"title": "Renamed deal"})
        await env.store.sync_now()
        await settle(env)
        assert "Renamed deal" in screen_text(env.app)
        assert first.id in drawn
