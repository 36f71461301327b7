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
        f"{path}:5: unknown auth_mode 'tokenn' in [profiles.work] (use token, oauth, maton)",
        f"{path}:7: unknown key 'defualt_pipeline' in [profiles.work] (did you mean default_pipeline?) "
        "(known: auth_mode, base_url, company_domain, default_pipeline, maton_connection)",
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
