"""Opening and closing a screen restyles what changed, not the screen again: Textual's second
pass over a just-mounted screen is skipped (tui/screens/base.py), and a body that takes the
focus restyles itself alone (ScrollBody in widgets/scrollbars.py)."""

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.test_board_keys import board, settle
from tui.screens.deal import DealScreen


def _count_restyles(monkeypatch) -> list[int]:
    from textual.css.stylesheet import Stylesheet

    counts: list[int] = []
    original = Stylesheet.update_nodes

    def counting(self, nodes, animate=False):
        nodes = list(nodes)
        counts.append(len(nodes))
        return original(self, nodes, animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", counting)
    return counts


async def test_opening_and_closing_a_deal_restyles_no_widget_twice(tmp_path, monkeypatch):
    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        title = b.selected.title
        restyled = _count_restyles(monkeypatch)
        await env.pilot.press("enter")
        await settle(env)
        deal = env.app.screen
        assert isinstance(deal, DealScreen) and title in screen_text(env.app)
        assert deal.focused is not None and deal.focused.id == "detail-body"
        # its widgets were styled when they mounted; the focus restyled one widget
        assert sum(restyled) <= 2, restyled
        restyled.clear()
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is b and title in screen_text(env.app)
        assert sum(restyled) <= 2, restyled


async def test_a_deal_opened_after_a_theme_change_has_the_new_theme(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        shown = {}
        for theme in ("textual-light", "textual-dark"):
            env.app.theme = theme
            await settle(env)
            await env.pilot.press("enter")
            await settle(env)
            deal, under = env.app.screen, env.app.screen_stack[0]
            assert isinstance(deal, DealScreen)
            shown[theme] = deal.styles.background
            assert shown[theme] == under.styles.background  # both are styled by the theme now on
            await env.pilot.press("escape")
            await settle(env)
        assert shown["textual-light"] != shown["textual-dark"]
        assert shown["textual-light"].brightness > 0.5 > shown["textual-dark"].brightness


async def test_switching_sections_restyles_nothing_unless_the_theme_changed_meanwhile(tmp_path, monkeypatch):
    async with app_env(tmp_path) as env:
        await settle(env)
        await env.pilot.press("2")
        await settle(env)
        restyled = _count_restyles(monkeypatch)
        await env.pilot.press("1")
        await settle(env)
        assert env.app.screen is board(env) and sum(restyled) == 0
        await env.pilot.press("2")
        await settle(env)
        assert sum(restyled) <= 1  # the agenda's list takes the focus
        dark = env.app.screen.styles.background
        env.app.theme = "textual-light"  # while the board is hidden
        await settle(env)
        light = env.app.screen.styles.background
        assert light != dark
        await env.pilot.press("1")
        await settle(env)
        b = board(env)
        assert b.styles.background == light
        assert _styles(b) == _restyled(env.app, b)  # nothing left in the old theme


def _styles(screen) -> list[tuple]:
    return [(node, node.styles.background, node.styles.color, node.styles.border) for node in screen.walk_children(with_self=True)]


def _restyled(app, screen) -> list[tuple]:
    app.stylesheet.update_nodes(list(screen.walk_children(with_self=True)))
    return _styles(screen)


async def test_a_screen_kept_unstyled_on_resume_matches_a_full_restyle(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        for key in ("2", "1", "3", "1", "enter", "escape"):
            await env.pilot.press(key)
            await settle(env)
            screen = env.app.screen
            assert _styles(screen) == _restyled(env.app, screen), key


async def test_escape_from_a_deal_paints_the_board_once_and_lays_nothing_out(tmp_path, monkeypatch):
    """Textual lays out and repaints the screen in front again when the screen that left is
    removed, after it was shown whole (tui/app.py: the app's refresh on a screen's removal)."""
    from tests.support.paint import count_layouts, record_dirty

    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        layouts = count_layouts(monkeypatch)
        paints = record_dirty(monkeypatch)
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is b and b.selected.title in screen_text(env.app)
        assert layouts == []
        whole = [r for r in paints if (r.width, r.height) == env.app.size]
        assert len(whole) == 1, paints  # the board, when it came back


async def test_a_built_section_shows_without_textuals_50_ms_hold(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        env.app.action_section("agenda")  # built now: Textual holds paints while it composes
        assert env.app._batch_count == 1
        await settle(env)
        for _ in range(50):  # the hold ends 50 ms after the switch: settle can be quicker
            if not env.app._batch_count:
                break
            await env.pilot.pause(0.01)
        env.app.action_section("board")  # built before: shown at once
        assert env.app._batch_count == 0
        await settle(env)
        assert env.app.screen is board(env) and env.app._batch_count == 0


async def test_a_deal_is_read_once_and_its_first_paint_shows_it(tmp_path, monkeypatch):
    """The detail screen awaits its first read in its mount handler (tui/screens/detail_base.py),
    so Textual's first layout of it already holds the deal: no second layout and paint when the
    read arrives, and no second read (Textual calls each class's on_mount: a subclass that also
    called super().on_mount() read the deal twice)."""
    from textual.screen import Screen

    from tests.support.paint import count_layouts
    from tests.support.screen import rendered

    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        title = b.selected.title
        await env.pilot.press("enter")  # the first open fetches its products, mail, files...
        await settle(env)
        await env.pilot.press("escape")
        await settle(env)
        reads: list[str] = []
        original_read = env.store.read

        async def read(fn, *args, **kwargs):
            reads.append(getattr(fn, "__name__", "?"))
            return await original_read(fn, *args, **kwargs)

        monkeypatch.setattr(env.store, "read", read)
        first_paint: list[str] = []
        real_refresh = Screen._compositor_refresh

        def refresh(self: Screen) -> None:
            real_refresh(self)
            if isinstance(self, DealScreen) and not first_paint:
                first_paint.append("\n".join("".join(s.text for strip in line for s in strip) for line in rendered(self.app)))

        monkeypatch.setattr(Screen, "_compositor_refresh", refresh)
        layouts = count_layouts(monkeypatch)
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, DealScreen) and title in screen_text(env.app)
        assert reads.count("deal_detail") == 1, reads
        assert first_paint and title in first_paint[0]
        # Textual's on resume, on the size it sends a pushed screen, and once its widgets have all
        # mounted; not one more for the content, the note preview or a section's lines
        assert len([s for s in layouts if isinstance(s, DealScreen)]) <= 3, layouts


async def test_a_deals_first_open_refills_the_fetched_sections_and_reads_the_deal_once(tmp_path, monkeypatch):
    """A deal's first open fetches its products, mail, files, calls and followers: a table only
    a section shows refills that section (tui/screens/detail_base.py: SECTION_TABLES); the deal
    is read again only for its products (they change its figures)."""
    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        title = b.selected.title
        reads: list[tuple[str, object]] = []
        original_read = env.store.read

        async def read(fn, *args, **kwargs):
            reads.append((getattr(fn, "__name__", "?"), args[-1] if args else None))
            return await original_read(fn, *args, **kwargs)

        monkeypatch.setattr(env.store, "read", read)
        await env.pilot.press("enter")
        await settle(env, 8)
        deal = env.app.screen
        assert isinstance(deal, DealScreen) and title in screen_text(env.app)
        whole = [r for r in reads if r[0] == "deal_detail"]
        parts = [r[1] for r in reads if r[0] == "extras"]
        assert len(whole) <= 2, reads  # the first read, and the products' arrival
        # which fetches report a change depends on their order (a reload refetches what is still
        # stale); each that does refills its own sections
        assert frozenset({"followers", "participants"}) in parts and frozenset({"calls"}) in parts, parts

        # what the refills show is what the cache holds
        def title(name: str) -> str:
            return str(deal.query_one(f"#title-{name}").render())

        assert title("followers").startswith(f"Followers · {len(deal.followers)}")
        assert title("files").startswith(f"Files · {len(deal.files)}") and title("mail").startswith(f"Mail · {len(deal.mail_rows)}")
        assert title("calls").startswith("Calls · ")
