"""Server text is shown literally; snapshot of the board on frozen demo data."""

from rich.cells import cell_len

from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.snapshots import assert_snapshot
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
        assert_snapshot(env.app, "board_160x45")


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
