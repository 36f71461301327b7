"""Shared test settings. Area fixtures live in tests/support/."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")  # Textual reads the plural name
os.environ.setdefault("NO_COLOR", "")  # never inherit a user's NO_COLOR in tests
if os.environ.get("NO_COLOR") == "":
    del os.environ["NO_COLOR"]

# "Today" for every test and snapshot that depends on the date.
FROZEN_NOW = datetime(2026, 11, 18, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))


import gc  # noqa: E402

import pytest  # noqa: E402

# A test allocates a few hundred thousand short-lived objects (strips, styles, messages): with
# Python's default thresholds that starts a full collection every second or so, ~20% of the
# suite's CPU in all. Collections run ten times less often here; _drop_textual_caches below
# keeps what they scan small.
gc.set_threshold(10_000, 10, 10)


_SHARED: list = []  # the run's shared directory, when this process made it


def pytest_configure(config):
    """The run's controller (or the only process) makes the directory its workers share
    (tests/support/shared.py) before it starts them."""
    from tests.support import shared

    if not hasattr(config, "workerinput"):
        _SHARED.append(shared.start())


def pytest_unconfigure(config):
    from tests.support import shared

    while _SHARED:
        shared.end(_SHARED.pop())


def pytest_collection_modifyitems(items):
    """Tests marked heavy (seconds each) run first: with 4 workers a heavy test started last
    leaves one worker busy while the others have finished. xdist hands out two tests at a time
    (`--maxschedchunk 2` in pyproject.toml), so the heavy ones spread over the workers: with its
    default first batch (a quarter of a worker's share, 48 tests) one worker got all of them."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


async def _wait_for_idle(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """Textual's Pilot waits until the process is idle in slices of 20 ms (every key press
    takes two, every pause one): the same test in slices of 2 ms. Tests wait on messages and
    workers (tests/support/wait.py), not on these sleeps."""
    import asyncio
    from time import monotonic, process_time

    start = monotonic()
    while True:
        cpu = process_time()
        await asyncio.sleep(0.002)
        if monotonic() - start >= max_sleep or (monotonic() - start > min_sleep and process_time() - cpu < 0.0001):
            return


@pytest.fixture(autouse=True)
def _quick_idle(monkeypatch):
    if os.environ.get("PIPEDRIVE_TUI_TEST_TEXTUAL_IDLE"):  # Textual's own slices (to compare)
        return
    import textual.app
    import textual.pilot

    monkeypatch.setattr(textual.pilot, "wait_for_idle", _wait_for_idle)
    monkeypatch.setattr(textual.app, "wait_for_idle", _wait_for_idle)


_GENERATED: dict[tuple, bytes] = {}  # generate()'s arguments -> the state it made, pickled


@pytest.fixture(autouse=True)
def _generate_once(monkeypatch):
    """A sandbox's data is generated once per test process for each set of arguments and
    copied for the next sandbox made with them (the generator gives the same data for the same
    seed, size and date: tests/test_sandbox_api.py checks it), by this worker or another of the
    run (tests/support/shared.py). A copy takes ~5 ms where the generator takes ~70 ms for 60
    deals, ~350 ms for 1,200."""
    import hashlib
    import pickle

    from tests.support import shared

    import tui.sandbox.core
    from tui.sandbox.generator import generate

    def cached(seed, deals, now, **kwargs):
        # the generator works from `now` to the second (the sandbox's clock has run a little)
        second = now.astimezone(ZoneInfo("UTC")).replace(microsecond=0)
        key = (seed, deals, second, tuple(sorted(kwargs.items())))
        if key not in _GENERATED:
            name = "generated-" + hashlib.sha256(repr(key).encode()).hexdigest() + ".pickle"
            data = shared.read(name)  # another worker of this run made it
            if data is None:
                data = pickle.dumps(generate(seed, deals, second, **kwargs), protocol=5)
                shared.write(name, data)
            _GENERATED[key] = data
        return pickle.loads(_GENERATED[key])

    monkeypatch.setattr(tui.sandbox.core, "generate", cached)


def _parse_css_once() -> None:
    """Textual parses the app's CSS and every widget's DEFAULT_CSS again for each app (its parse
    cache belongs to the app's stylesheet): ~13% of a test app's start, ~20 ms of CPU for each
    of the suite's few hundred apps. The rules are shared by every stylesheet of the process
    with the same CSS and theme variables (Textual never changes parsed rules, and its own
    cache hands the same ones to each parse of one stylesheet)."""
    from textual.css.stylesheet import Stylesheet

    original = Stylesheet._parse_rules
    parsed: dict[tuple, list] = {}

    def parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(self._variables.items()))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = original(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    Stylesheet._parse_rules = parse_rules


if not os.environ.get("PIPEDRIVE_TUI_TEST_CSS_PARSE"):  # Textual's parse for each app (to compare)
    _parse_css_once()


@pytest.fixture(autouse=True)
def _no_terminal_output(monkeypatch, request):
    """Headless paints write nothing, and render widgets only in tests marked `paints`; other
    tests render the screen when they read it (tests/support/paint.py)."""
    if os.environ.get("PIPEDRIVE_TUI_TEST_FULL_PAINT"):  # Textual's whole paint (to compare)
        return
    from textual.screen import Screen

    from tests.support.paint import render_without_output

    render = request.node.get_closest_marker("paints") is not None or bool(os.environ.get("PIPEDRIVE_TUI_TEST_RENDER"))
    monkeypatch.setattr(Screen, "_compositor_refresh", render_without_output(Screen._compositor_refresh, render))


@pytest.fixture(autouse=True)
def _drop_textual_caches():
    """Textual keeps an lru_cache keyed by each widget's StylesCache (1,024 of them, each with
    its rendered lines): after a test they outlive its app, and every full collection of the
    rest of the run walks them (~250k objects by the twentieth test). Clearing it after each
    test keeps the heap at what the imports made."""
    yield
    from textual._styles_cache import StylesCache

    StylesCache.get_inner_outer.cache_clear()


@pytest.fixture(autouse=True)
def _steady_text_cursors(monkeypatch):
    """A text cursor that blinks is on or off when a snapshot is taken: in tests an Input's
    cursor does not blink (shown while it has focus), so pictures do not depend on timing."""
    from textual.widgets import Input

    original = Input.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


@pytest.fixture(autouse=True)
def _instant_debounce(monkeypatch):
    """Debounced inputs answer at once in tests (tests wait on messages, not on time)."""
    from tests.support.wait import no_debounce

    no_debounce(monkeypatch)


@pytest.fixture(autouse=True)
def _numbers_in_en_us(monkeypatch):
    """Numbers are read and shown as en_US unless a test says otherwise (tui/numbers.py): the
    machine's LANG never changes what a test sees."""
    from tui import numbers

    for name in ("LC_ALL", "LC_NUMERIC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    numbers.use(numbers.EN_US)
    yield
    numbers.use(numbers.EN_US)


@pytest.fixture(autouse=True)
def _private_config_dir(monkeypatch, tmp_path_factory):
    """Never read or write the user's own config directory (views.toml, config.toml): each
    test gets an empty one unless it sets PIPEDRIVE_TUI_CONFIG_DIR itself."""
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
