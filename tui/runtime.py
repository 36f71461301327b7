"""What the CLI hands to the app or a headless command: client, cache path, clock, keys."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.numbers import system_code
from tui.config import Config, Profile, TriageSettings, config_dir, data_dir, resolve
from tui.private import notice, private_dir, tighten

DEMO_TOKEN = "demo-token"


@dataclass
class Runtime:
    client: PipedriveClient | None
    profile_label: str
    data_dir: Path
    db_path: Path
    keymap: dict[str, str] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock.from_env)
    sandbox: Any = None
    base_url: str | None = None
    auth_mode: str | None = None
    temp_dir: Path | None = None
    notices: list[str] = field(default_factory=list)  # one-liners for the user at start
    refresh: dict[str, float] = field(default_factory=dict)  # [refresh] of the config file
    triage: TriageSettings = field(default_factory=TriageSettings)  # [triage] of the config file
    theme: str | None = None  # `theme` of the config file
    config_dir: Path | None = None  # where the app reads and writes its settings (None: tui.config.config_dir())
    key_lines: dict[str, int] = field(default_factory=dict)  # [keys] binding id -> its line in config.toml
    token_source: str | None = None  # the environment variable the credentials came from (None: stored)
    agent: Profile | None = None  # the profile's settings of the MCP server (mcp_auto_approve, mcp_tokens_per_hour)

    @property
    def auth_label(self) -> str:
        label = {
            "token": "personal API token (x-api-token)",
            "oauth": "OAuth access token (Bearer)",
            "maton": "Maton gateway (MATON_API_KEY)",
        }.get(self.auth_mode or "", self.auth_mode or "none")
        return label + ("; demo sandbox" if self.sandbox is not None else "")

    @property
    def policy(self) -> Any:
        from tui.store.schedule import RefreshPolicy

        return RefreshPolicy(**self.refresh)

    def save_token(self, token: str) -> None:
        """Store a token verified inside the app, as `pipedrive-tui login` does (not in demo mode)."""
        if self.sandbox is None:
            from tui.config import store_secret

            store_secret(self.profile_label, token, self.settings_dir)

    @property
    def settings_dir(self) -> Path:
        """config.toml, views.toml and secrets.toml: the user's config dir, or the demo's own."""
        return self.config_dir or config_dir()

    def save_theme(self, name: str) -> None:
        """A theme chosen in the app (ctrl+p, Theme) is the theme of the next start (the demo's
        in the demo's own config dir)."""
        from tui.config import remember_theme

        remember_theme(name, self.settings_dir)

    def cleanup(self) -> None:
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


def build_runtime(args: Any) -> Runtime:
    clock = Clock.from_env()
    if getattr(args, "demo", False):
        return _demo_runtime(args, clock)
    config = Config.load()
    creds = resolve(config, getattr(args, "profile", None), getattr(args, "base_url", None), directory=config_dir())
    ambiguity = ambiguous_credentials()
    profile = getattr(args, "profile", None) or config.default_profile
    directory = _usable(data_dir(getattr(args, "data_dir", None)))
    notices = _secure(directory, config_dir()) + _config_notice(config) + ([ambiguity] if ambiguity else [])
    if creds is None:
        return Runtime(
            None,
            profile,
            directory,
            directory / f"{profile}.sqlite3",
            config.keys,
            clock,
            notices=notices,
            refresh=config.refresh,
            triage=config.triage,
            theme=config.theme,
            key_lines=config.key_lines,
            agent=config.profiles.get(profile),
        )
    client = PipedriveClient(creds.base_url, creds.auth, oauth=creds.oauth)
    return Runtime(
        client,
        creds.profile,
        directory,
        directory / f"{creds.profile}.sqlite3",
        config.keys,
        clock,
        None,
        creds.base_url,
        creds.mode,
        notices=notices,
        refresh=config.refresh,
        triage=config.triage,
        theme=config.theme,
        key_lines=config.key_lines,
        token_source=token_source(creds.auth),
        agent=config.profiles.get(creds.profile),
    )


DEMO_CACHE = "demo.sqlite3"


def _demo_runtime(args: Any, clock: Clock) -> Runtime:
    """The demo: a sandbox generated at each start (seed 7, so the same deals each time), a
    cache started afresh to match it, and a config dir of its own (`<data dir>/config`), so
    a theme chosen or a view pinned in the demo never reaches a real profile's files. Without
    --data-dir all of it is in a temporary directory removed at exit."""
    from tui.sandbox import Sandbox

    # as a Growth-plan account sees it: 40 requests / 2 s, custom fields of every type,
    # products on deals, leads with notes and activities
    sandbox = Sandbox(
        seed=7,
        deals=getattr(args, "demo_deals", None) or 300,
        token=DEMO_TOKEN,
        now=clock.now(),
        daily_budget=300_000,
        growth_burst_limits=True,
        demo_extras=True,
        history=True,
        duplicates=True,
        locale=system_code() or "en_US",  # the demo user reads numbers as this system does
    )
    client = PipedriveClient("http://sandbox.local", Auth.personal(DEMO_TOKEN), transport=sandbox.transport())
    temp = None
    if getattr(args, "data_dir", None):
        directory = Path(args.data_dir).expanduser()
    else:
        temp = Path(tempfile.mkdtemp(prefix="pipedrive-tui-demo-"))
        directory = temp
    _usable(directory)
    settings = _usable(directory / "config")
    try:
        for stale in (DEMO_CACHE, f"{DEMO_CACHE}-wal", f"{DEMO_CACHE}-shm", f"{DEMO_CACHE}-journal"):
            # the last session's cache holds that session's sandbox, which is gone
            (directory / stale).unlink(missing_ok=True)
    except OSError as exc:
        from tui.store.db import CacheUnavailable

        raise CacheUnavailable(f"Cannot start the demo's cache afresh in {directory}: {exc.strerror or exc}") from None
    config = Config.load(settings)
    notices = _secure(directory) + _config_notice(config)
    return Runtime(
        client,
        "demo",
        directory,
        directory / DEMO_CACHE,
        config.keys,
        clock,
        sandbox,
        "http://sandbox.local",
        "token",
        temp,
        notices,
        config.refresh,
        config.triage,
        config.theme,
        settings,
        config.key_lines,
        agent=config.profiles.get("demo"),
    )


# the environment variable that supplies each kind of credential (tui/config.py: resolve)
TOKEN_VARIABLES = {"token": "PIPEDRIVE_API_TOKEN", "oauth": "PIPEDRIVE_ACCESS_TOKEN", "maton": "MATON_API_KEY"}


def token_source(auth: Auth, env: dict[str, str] | None = None) -> str | None:
    """The environment variable the credential in use came from, or None when it was stored
    (`pipedrive-tui login`): an environment variable wins over the stored one at every start."""
    import os

    env = dict(os.environ if env is None else env)
    name = TOKEN_VARIABLES.get(auth.mode)
    return name if name and env.get(name, "").strip() == auth.secret else None


def ambiguous_credentials(env: dict[str, str] | None = None) -> str | None:
    """Two kinds of credentials in the environment: say which one is used."""
    import os

    env = dict(os.environ if env is None else env)
    set_ = [name for name in ("MATON_API_KEY", "PIPEDRIVE_ACCESS_TOKEN", "PIPEDRIVE_API_TOKEN") if env.get(name)]
    if len(set_) < 2:
        return None
    return (
        f"{' and '.join(set_)} are all set: using {set_[0]} (the first of MATON_API_KEY, PIPEDRIVE_ACCESS_TOKEN, "
        "PIPEDRIVE_API_TOKEN); unset the others to choose"
    )


def _config_notice(config: Config) -> list[str]:
    """Bad values in config.toml: the app starts with their defaults and says so once."""
    notice = config.notice()
    return [notice + "\n(`pipedrive-tui config check` lists them)"] if notice else []


def _usable(directory: Path) -> Path:
    try:
        return private_dir(directory)
    except OSError as exc:
        from tui.store.db import CacheUnavailable

        raise CacheUnavailable(f"Cannot use the data directory {directory}: {exc.strerror or exc}") from None


def _secure(*directories: Path) -> list[str]:
    """Fix looser modes of our directories and files; a one-line notice of what was fixed."""
    message = notice(tighten(directories))
    return [message] if message else []
