"""Opening a deal costs only what its counts say is needed: no mail or file list is asked for
an item Pipedrive counts none of, and nothing again while the counts stay as they were."""

from tests.support.env import app_env
from tests.support.wait import settle
from tui.sandbox import mailbox
from tui.screens.deal import DealScreen


def _asked(sb, deal_id: int) -> list[str]:
    paths = (f"/api/v1/deals/{deal_id}/mailMessages", f"/api/v1/deals/{deal_id}/files", f"/api/v2/deals/{deal_id}/followers")
    return [r[1] for r in sb.requests if r[1] in paths]


async def test_a_deal_without_mail_or_files_asks_for_neither(tmp_path):
    async with app_env(tmp_path) as env:
        sb = env.sandbox
        index = mailbox.index(sb.state)
        files = {f.get("deal_id") for f in sb.state.files.values()}
        deal = next(d for d in sb.live("deal") if index.count("deal", d["id"]) == 0 and d["id"] not in files)
        env.app.open_deal(deal["id"])
        await settle(env)
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        asked = _asked(sb, deal["id"])
        assert f"/api/v1/deals/{deal['id']}/mailMessages" not in asked and f"/api/v1/deals/{deal['id']}/files" not in asked
        await env.pilot.press("escape")
        await settle(env)
        env.app.open_deal(deal["id"])
        await settle(env)
        await settle(env)
        assert _asked(sb, deal["id"]) == asked  # nothing again: the counts did not change
