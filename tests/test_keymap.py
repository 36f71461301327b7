"""One registry of binding ids (tui/keymap): every Binding in the code has a registered id,
remapped keys work and show in help, clashes and unknown ids are reported once."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import tui
from tests.support.env import app_env
from tests.support.wait import settle
from tui import key_check
from tui.keymap import all_binding_ids, all_bindings

ROOT = Path(__file__).resolve().parents[1]


def _our_modules():
    for package in (tui,):  # tui.widgets included (a package of tui)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".sandbox" in info.name or info.name.endswith("__main__"):
                continue
            yield importlib.import_module(info.name)


def _classes_with_bindings():
    seen = set()
    for module in _our_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or not cls.__module__.startswith("tui.") or not issubclass(cls, DOMNode):
                continue
            seen.add(cls)
            if "BINDINGS" in cls.__dict__:
                yield cls


def test_every_binding_in_the_code_has_a_registered_id():
    known = all_binding_ids()
    classes = list(_classes_with_bindings())
    names = {c.__name__ for c in classes}
    assert {
        "PipedriveApp",
        "BoardScreen",
        "VirtualTable",
        "AgendaList",
        "ConfirmScreen",
        "HelpScreen",
        "SearchScreen",
        "FormScreen",
        "NoteEditorScreen",
        "SummaryScreen",
    } <= names
    problems = []
    for cls in classes:
        for binding in cls.__dict__["BINDINGS"]:
            if not isinstance(binding, Binding):
                problems.append(f"{cls.__qualname__}: {binding!r} is not a Binding with an id")
            elif binding.id not in known:
                problems.append(f"{cls.__qualname__}: {binding.key} -> {binding.action} has no registered id ({binding.id})")
    assert problems == []


def test_bindings_are_made_only_in_the_keymap():
    """No Binding(...) outside tui/keymap, where `bind(id, ...)` makes them."""
    offenders = []
    for path in [*(ROOT / "tui").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")]:
        if "keymap" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Binding":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_ids_are_unique_and_every_list_has_a_context():
    defined: dict[str, Binding] = {}
    lists = []
    for info in pkgutil.iter_modules(importlib.import_module("tui.keymap").__path__):
        module = importlib.import_module(f"tui.keymap.{info.name}")
        for name in dir(module):
            if name.endswith("BINDINGS"):
                lists.append(f"{info.name}:{name}")
                for b in getattr(module, name):
                    assert b.id, (name, b)
                    assert defined.setdefault(b.id, b) is b, f"{b.id} is defined twice"
    placed = {key_check.EVERYWHERE, *(ref for refs in key_check.CONTEXTS.values() for ref in refs)}
    assert sorted(set(lists) - placed) == []
    assert len(all_bindings()) == len(defined)


def test_the_default_keys_have_no_clashes_and_a_remap_can_make_one():
    assert key_check.problems({}) == []
    assert key_check.problems({"board.won": "W", "app.search": "slash"}) != []  # / filters on the board
    problems = key_check.problems({"board.won": "r", "no.such": "x", "form.save": "ctrl+o"})
    assert problems[0] == "unknown binding id in [keys]: no.such (press ? in the app for the ids)"
    assert problems[1:] == ["key clash: r is both app.sync and board.won (in the pipeline board)"]
    assert key_check.problems({"help.close": "q", "board.won": "?"})[0].startswith(
        "key clash: question_mark is both app.help and board.won"
    )


async def test_one_notice_at_start_for_unknown_ids_and_clashes(tmp_path):
    async with app_env(tmp_path, keymap={"board.won": "r", "no.such": "x"}) as env:
        notices = [n for n in env.app._notifications if n.title == "Keys in the config file"]
        assert len(notices) == 1
        assert "no.such" in notices[0].message and "r is both app.sync and board.won" in notices[0].message


async def test_a_remapped_form_save_works_in_a_form(tmp_path):
    from tui.screens.forms.entity_forms import DealForm

    async with app_env(tmp_path, keymap={"form.save": "ctrl+o"}) as env:
        await settle(env)
        deal_id = env.app.screen.selected.id
        form = await DealForm.load(env.store, deal_id)
        await env.app.push_screen(form)
        await settle(env)
        form.field("title").input.value = "Renamed by ctrl+o"
        await env.pilot.press("ctrl+s")  # the old key does nothing now
        await settle(env)
        assert env.app.screen is form
        await env.pilot.press("ctrl+o")
        await settle(env)
        assert env.app.screen is not form
        title = await env.store.read(lambda c: c.execute("SELECT title FROM deals WHERE id=?", (deal_id,)).fetchone()[0])
        assert title == "Renamed by ctrl+o"


async def test_help_shows_the_keys_as_remapped(tmp_path):
    from tui.screens.help import HelpScreen

    async with app_env(tmp_path, keymap={"board.won": "W", "app.search": "ctrl+f"}) as env:
        await settle(env)
        await env.pilot.press("question_mark")
        await settle(env)
        help_screen = env.app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = {binding_id: key for key, _description, binding_id in help_screen.rows}
        assert rows["board.won"] == "W" and rows["app.search"] == "^f"
        names = [name for name, _rows in help_screen.sections]
        assert names == ["Pipeline board", "Moving around", "Everywhere"]  # the screen's own first
        own = [binding_id for _key, _d, binding_id in help_screen.sections[0][1]]
        assert own[:3] == ["board.next_stage", "board.won", "board.lost"]  # the footer's, in order
        assert all(not b.startswith("app.") for b in own)
        assert help_screen.plumbing and "Scroll Up" not in [d for _k, d, _b in help_screen.rows]


def test_a_remap_onto_the_quit_escape_or_palette_keys_is_refused():
    assert key_check.applied({"board.won": "q"}) == {}
    assert [str(r) for r in key_check.refusals({"board.won": "q"})] == [
        "board.won is not remapped: q quits the app, so no remap may take it; it keeps w"
    ]
    assert key_check.refusals({"board.lost": "X,escape"})[0].key == "escape"
    assert key_check.refusals({"agenda.done": "ctrl+p"})[0].why == "opens the command palette"
    assert key_check.refusals({"app.palette": "q"})[0].why == "quits the app"
    # keys a binding has by default stay its own; the quit key is the app's as remapped
    assert key_check.refusals({"help.close": "q,escape", "first_run.quit": "q,escape,x"}) == []
    assert key_check.applied({"app.quit": "Q", "board.won": "q"}) == {"app.quit": "Q", "board.won": "q"}
    assert key_check.refusals({"app.quit": "Q", "board.won": "Q"})[0].binding_id == "board.won"


def test_config_check_names_a_refused_remap_with_its_line(tmp_path, monkeypatch, capsys):
    from tui.cli import main

    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text('[keys]\n"board.won" = "q"\n"board.lost" = "X"\n')
    assert main(["config", "check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path / 'config.toml'}:2: board.won is not remapped: q quits the app, so no remap may take it; it keeps w"
    ]


async def test_q_on_the_board_still_quits_when_a_remap_asked_for_it_to_mark_won(tmp_path):
    from types import SimpleNamespace

    from tui.app import app_for
    from tui.runtime import build_runtime
    from tui.screens.board import BoardScreen
    from tui.store.store import Store

    data = tmp_path / "demo"
    (data / "config").mkdir(parents=True)
    (data / "config" / "config.toml").write_text('theme = "nord"\n\n[keys]\n"board.won" = "q"\n"board.lost" = "X"\n')
    runtime = build_runtime(SimpleNamespace(demo=True, demo_deals=20, data_dir=str(data)))
    store = await Store.open(runtime.db_path, runtime.client, clock=runtime.clock, profile="demo", policy=runtime.policy)

    def won(conn):
        return conn.execute("SELECT count(*) FROM deals WHERE status = 'won'").fetchone()[0]

    try:
        await store.sync_now()
        won_before = await store.read(won)
        app = app_for(runtime, store, start_store=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(SimpleNamespace(app=app, pilot=pilot))
            assert isinstance(app.screen, BoardScreen) and app.screen.selected is not None
            said = [n.message for n in app._notifications if n.title == "Keys in the config file"]
            assert len(said) == 1
            assert "line 4: board.won is not remapped: q quits the app, so no remap may take it; it keeps w" in said[0]
            assert app.user_keymap == {"board.lost": "X"}  # the other remap applies
            await pilot.press("q")
            await pilot.pause()
            assert app._exit  # q quit the app
        assert await store.read(won) == won_before  # and marked no deal won
        assert await store.read(lambda conn: conn.execute("SELECT count(*) FROM outbox").fetchone()[0]) == 0
    finally:
        await store.close()
        await runtime.client.aclose()
        runtime.cleanup()
