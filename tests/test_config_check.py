"""`pipedrive-tui config path` and `config check`: what is wrong, with line numbers, exit 1."""

import pytest

from tui.cli import main

BAD = """default_profile = "work"
colour = "blue"

[profiles.work]
auth_mode = "tokenn"
company_domain = "acme"
defualt_pipeline = 2

[keys]
"board.won" = "r"
"board.wonn" = "W"
"app.search" = "ctrl+f"

[refresh]
actve = 60
"""


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path))
    return tmp_path


def _check(config_dir, text, capsys):
    (config_dir / "config.toml").write_text(text, encoding="utf-8")
    code = main(["config", "check"])
    return code, capsys.readouterr().out.splitlines()


def test_config_path_prints_the_file(config_dir, capsys):
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(config_dir / "config.toml")


def test_config_check_reports_a_bad_file_with_line_numbers(config_dir, capsys):
    code, lines = _check(config_dir, BAD, capsys)
    path = config_dir / "config.toml"
    assert code == 1
    assert lines == [
        f"{path}:2: unknown setting 'colour' (known: default_profile, keys, profiles, refresh, theme, triage)",
        f"{path}:5: [profiles.work] auth_mode must be one of token, oauth, maton, not 'tokenn'",
        f"{path}:7: unknown key 'defualt_pipeline' in [profiles.work] (did you mean default_pipeline?) "
        "(known: auth_mode, base_url, company_domain, default_pipeline, maton_connection, mcp_auto_approve, mcp_tokens_per_hour)",
        f"{path}:10: key clash: r is both app.sync and board.won (in the pipeline board)",
        f"{path}:11: unknown binding id 'board.wonn' in [keys] (did you mean board.won?) (the ids are in the app's ? help)",
        f"{path}:15: unknown key 'actve' in [refresh] (did you mean active?) (known: active, idle, unfocused, idle_after)",
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ('[profiles.work]\nauth_mode = "token"\n\n[keys]\n"board.won" = "W\n', ":5: not valid TOML"),
        ("[refresh]\nactive = 5\n", ":2: [refresh] active must be a number of seconds from 20 to 3600"),
        ('[keys]\n"board.won" = "x"\n', ":2: key clash: x is both board.lost and board.won (in the pipeline board)"),
        ('default_profile = "home"\n\n[profiles.work]\nauth_mode = "oauth"\n', ":1: default_profile 'home' has no [profiles.home]"),
    ],
)
def test_config_check_one_problem(config_dir, capsys, text, expected):
    code, lines = _check(config_dir, text, capsys)
    assert code == 1 and len(lines) == 1 and expected in lines[0], lines


def test_a_good_file_and_no_file_pass(config_dir, capsys):
    assert main(["config", "check"]) == 0
    assert "no config file" in capsys.readouterr().out
    code, lines = _check(
        config_dir,
        '[profiles.work]\nauth_mode = "maton"\n\n[keys]\n"board.won" = "W"\n"app.search" = "ctrl+f"\n\n[triage]\nstuck_days = 14\n',
        capsys,
    )
    assert code == 0 and lines[-1].endswith(": OK")


# the files of the "trust" issue: every problem in one run, each with its line, no traceback
ISSUE_FILES = [
    ('theme = ["a"]\n', [(1, 'theme must be a theme name in quotes, e.g. theme = "textual-light", not a list')]),
    (
        'default_profile = 5\n\n[refresh]\nidle = "fast"\nactive = 1e26\n\n[triage]\nstuck_days = -4\n',
        [
            (1, 'default_profile must be a profile name in quotes, e.g. default_profile = "work", not 5'),
            (4, "[refresh] idle must be a number of seconds from 60 to 86400, not 'fast'"),
            (5, "[refresh] active must be a number of seconds from 20 to 3600, not 1e+26"),
            (8, "[triage] stuck_days must be a whole number of days from 0 (off) to 3650, e.g. 30, not -4"),
        ],
    ),
    (
        "refresh = []\n\n[profiles.default]\ncompany_domain = 12\n",
        [
            (1, "[refresh] must be a table, e.g. active = 55, not a list"),
            (4, '[profiles.default] company_domain must be your Pipedrive subdomain in quotes, e.g. "acme", not 12'),
        ],
    ),
]


@pytest.mark.parametrize("text,expected", ISSUE_FILES)
def test_config_check_lists_every_bad_value_with_its_line(config_dir, capsys, text, expected):
    (config_dir / "config.toml").write_text(text, encoding="utf-8")
    code = main(["config", "check"])
    captured = capsys.readouterr()
    path = config_dir / "config.toml"
    assert code == 1
    assert captured.out.splitlines() == [f"{path}:{line}: {message}" for line, message in expected]
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize("text,expected", ISSUE_FILES)
def test_the_app_reads_the_file_with_the_same_model(config_dir, text, expected):
    from tui.config import Config
    from tui.config_check import check_text

    (config_dir / "config.toml").write_text(text, encoding="utf-8")
    config = Config.load()
    assert [(p.line, p.message) for p in config.problems] == expected  # the app and the check agree
    assert [(p.line, p.message) for p in check_text(text, config_dir / "config.toml")] == expected
    # every bad value replaced by its default
    assert (config.default_profile, config.theme, config.refresh) == ("default", None, {})
    assert config.triage.stuck_days == 30
    assert all(p.company_domain is None for p in config.profiles.values())


async def test_the_app_starts_with_the_defaults_and_says_so_once(tmp_path):
    from types import SimpleNamespace

    from tests.support.wait import settle
    from tui.app import app_for
    from tui.runtime import build_runtime
    from tui.screens.board import BoardScreen
    from tui.store.schedule import RefreshPolicy
    from tui.store.store import Store

    data = tmp_path / "demo"
    (data / "config").mkdir(parents=True)
    (data / "config" / "config.toml").write_text(ISSUE_FILES[1][0])
    runtime = build_runtime(SimpleNamespace(demo=True, demo_deals=20, data_dir=str(data)))
    assert runtime.policy == RefreshPolicy() and runtime.triage.stuck_days == 30 and runtime.theme is None
    store = await Store.open(runtime.db_path, runtime.client, clock=runtime.clock, profile="demo", policy=runtime.policy)
    try:
        await store.sync_now()
        app = app_for(runtime, store, start_store=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(SimpleNamespace(app=app, pilot=pilot))
            assert isinstance(app.screen, BoardScreen) and app.theme == "textual-dark"
            said = [n.message for n in app._notifications if "config.toml" in n.message]
            assert len(said) == 1
            for line, message in ISSUE_FILES[1][1]:
                assert f"line {line}: {message}" in said[0]
            assert said[0].count("\nline ") == 4 and "the default is used" in said[0]
    finally:
        await store.close()
        await runtime.client.aclose()
        runtime.cleanup()


def test_every_setting_of_the_model_is_named_in_the_files_words():
    """A value of the wrong type anywhere in the model gets a sentence of config_model.MUST,
    never pydantic's own words."""
    from tui.config_model import TABLES, validate

    places = [(*(p if p != "*" else "work" for p in place), name) for place, (model, _) in TABLES.items() for name in model.model_fields]
    places += [("keys", "board.won"), ("triage", "pipelines", "1")]
    for place in places:
        raw: dict = {}
        table = raw
        for part in place[:-1]:
            table = table.setdefault(part, {})
        table[place[-1]] = [["x"]]
        _, found = validate(raw)
        assert [loc[: len(place)] for loc, _ in found] == [place]  # a list's setting names its bad item
        assert "must" in found[0][1] and "Input should" not in found[0][1], found


def test_login_refuses_to_rewrite_a_file_with_bad_values(config_dir, capsys, monkeypatch):
    import io

    text = "[profiles.default]\ncompany_domain = 12\n"
    (config_dir / "config.toml").write_text(text, encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-token\n"))
    assert main(["login", "--token-stdin"]) == 1
    err = capsys.readouterr().err
    assert "line 2: [profiles.default] company_domain must be" in err and "fix them first" in err
    assert (config_dir / "config.toml").read_text(encoding="utf-8") == text
    assert not (config_dir / "secrets.toml").exists()


def test_an_unchanged_config_is_read_back_without_pydantic_and_a_change_is_checked_again(tmp_path):
    """pydantic costs ~110 ms of start-up: the model reads a file once, its result is kept with
    the file's digest (config.toml.checked) and read back while the text is the same."""
    import subprocess
    import sys

    from tui.config import Config

    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n[refresh]\nactive = 90\nidle = "fast"\n')
    first = Config.load(tmp_path)
    assert first.theme == "nord" and first.refresh == {"active": 90} and [p.line for p in first.problems] == [4]
    assert (tmp_path / "config.toml.checked").exists()
    probe = (
        "import sys; from pathlib import Path; from tui.config import Config; "
        f"c = Config.load(Path({str(tmp_path)!r})); "
        "print('pydantic' in sys.modules, c.theme, c.refresh, [(p.line, p.message) for p in c.problems])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    assert out[0] == "False"  # read back without the model
    again = Config.load(tmp_path)
    assert (again.theme, again.refresh, again.problems, again.lines) == (first.theme, first.refresh, first.problems, first.lines)
    path.write_text('theme = "nord"\n[refresh]\nactive = 5\n')  # a change: the model reads it again
    changed = Config.load(tmp_path)
    assert changed.refresh == {} and [p.line for p in changed.problems] == [3]
    (tmp_path / "config.toml.checked").write_text("{not json")  # damaged: ignored, read again
    assert [p.line for p in Config.load(tmp_path).problems] == [3]
