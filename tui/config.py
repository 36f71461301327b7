"""Configuration: profiles in config.toml, secrets in secrets.toml (0600), env overrides.

    # ~/.config/pipedrive-tui/config.toml
    default_profile = "work"

    [profiles.work]
    auth_mode = "token"          # token | oauth | maton
    company_domain = "acme"          # or base_url = "https://acme.pipedrive.com"
    default_pipeline = 1

    [keys]                           # binding id -> keys (see `?` in the app)
    "board.won" = "W"

    [refresh]                        # seconds between looks for changes (tui/store/schedule.py)
    active = 55                      # while you press keys
    idle = 480                       # no key for idle_after seconds
    unfocused = 2400                 # the terminal is in the background
    idle_after = 180

    [triage]                         # the triage section (6)
    stuck_days = 30                  # a deal longer than this in one stage needs attention (0 = off)

    [triage.pipelines]               # per pipeline id, overrides stuck_days
    1 = 14

The file is read through the model in tui/config_model.py (the one `config check` uses): a bad
value is replaced by its default and listed in `Config.problems` with its line.

Secrets never live in config.toml: `secrets.toml` beside it is created with mode 0600.
Environment overrides: PIPEDRIVE_API_TOKEN, PIPEDRIVE_COMPANY_DOMAIN, PIPEDRIVE_BASE_URL,
PIPEDRIVE_ACCESS_TOKEN, MATON_API_KEY, MATON_CONNECTION. PIPEDRIVE_TUI_CONFIG_DIR moves the
config directory (tests use it). A keyring was not added: a 0600 file works the same on
every machine the app runs on, headless ones included, with no extra dependency.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from tui.api.auth import MATON_BASE_URL, Auth, base_url_for
from tui.config_values import AGENT_TOKENS_PER_HOUR, STUCK_DAYS, ConfigError, Problem
from tui.private import private_dir, private_file

APP = "pipedrive-tui"


def config_dir() -> Path:
    override = os.environ.get("PIPEDRIVE_TUI_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP))


def data_dir(override: str | Path | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    env = os.environ.get("PIPEDRIVE_TUI_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir(APP))


@dataclass
class Profile:
    name: str
    auth_mode: str = "token"
    base_url: str | None = None
    company_domain: str | None = None
    default_pipeline: int | None = None
    maton_connection: str | None = None
    mcp_auto_approve: list[str] = field(default_factory=list)  # the MCP server's tools approved without review
    mcp_tokens_per_hour: int = AGENT_TOKENS_PER_HOUR  # what the MCP server may spend per hour


@dataclass
class TriageSettings:
    """[triage]: when a deal counts as stuck in its stage (days since it entered it)."""

    stuck_days: int = STUCK_DAYS  # 0 = never stuck
    pipelines: dict[int, int] = field(default_factory=dict)  # pipeline id -> days, overrides stuck_days

    def stuck_after(self, pipeline_id: int | None) -> int:
        return self.pipelines.get(pipeline_id, self.stuck_days) if pipeline_id is not None else self.stuck_days


@dataclass
class Config:
    default_profile: str = "default"
    profiles: dict[str, Profile] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    refresh: dict[str, float] = field(default_factory=dict)
    triage: TriageSettings = field(default_factory=TriageSettings)
    theme: str | None = None  # a Textual theme name, remembered when chosen in the app

    problems: list[Problem] = field(default_factory=list)  # bad values (their defaults are used), with lines
    lines: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)  # setting -> its line (config_model.locate)
    path: Path | None = None

    @classmethod
    def load(cls, directory: Path | None = None) -> "Config":
        """config.toml as the app uses it: every bad value replaced by its default and listed in
        `problems` (tui/config_model.py, the model `config check` reads too). ConfigError only
        when the file cannot be read or is not TOML."""
        path = (directory or config_dir()) / "config.toml"
        if not path.exists():
            return cls()
        text = _read_text(path)
        kept = _checked(path, text)
        if kept is not None:  # the file as it was last read: no pydantic at start-up (~110 ms)
            return kept
        from tui.config_model import parse

        try:
            model, problems, lines = parse(text)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        config = cls(
            default_profile=model.default_profile,
            profiles={name: Profile(name=name, **values.model_dump()) for name, values in model.profiles.items()},
            keys=dict(model.keys),
            refresh=model.refresh.model_dump(exclude_none=True),
            triage=TriageSettings(model.triage.stuck_days, {int(k): v for k, v in model.triage.pipelines.items()}),
            theme=model.theme,
            problems=problems,
            lines=lines,
            path=path,
        )
        _remember_checked(path, text, config)
        return config

    @property
    def key_lines(self) -> dict[str, int]:
        """[keys] binding id -> the line it is on."""
        return {place[1]: line for place, line in self.lines.items() if len(place) == 2 and place[0] == "keys"}

    def notice(self) -> str | None:
        """One notice for the app's start: each problem with its line, and what is used instead."""
        if not self.problems:
            return None
        count = len(self.problems)
        head = f"{self.path}: {count} problem{'s' if count > 1 else ''}; the default is used for each bad value"
        return "\n".join([head] + [f"line {p.line}: {p.message}" if p.line else p.message for p in self.problems])

    def save(self, directory: Path | None = None) -> Path:
        directory = private_dir(directory or config_dir())
        lines = [f"default_profile = {_toml(self.default_profile)}"]
        lines += [f"theme = {_toml(self.theme)}", ""] if self.theme else [""]
        for name, p in self.profiles.items():
            lines.append(f"[profiles.{_key(name)}]")
            for key in ("auth_mode", "base_url", "company_domain", "default_pipeline", "maton_connection"):
                value = getattr(p, key)
                if value is not None:
                    lines.append(f"{key} = {_toml(value)}")
            if p.mcp_auto_approve:
                lines.append(f"mcp_auto_approve = [{', '.join(_toml(t) for t in p.mcp_auto_approve)}]")
            if p.mcp_tokens_per_hour != AGENT_TOKENS_PER_HOUR:
                lines.append(f"mcp_tokens_per_hour = {p.mcp_tokens_per_hour}")
            lines.append("")
        if self.keys:
            lines.append("[keys]")
            lines += [f"{_toml(k)} = {_toml(v)}" for k, v in self.keys.items()]
            lines.append("")
        if self.refresh:
            lines += ["[refresh]"] + [f"{k} = {v:g}" for k, v in self.refresh.items()] + [""]
        if self.triage != TriageSettings():
            lines += ["[triage]", f"stuck_days = {self.triage.stuck_days}"]
            if self.triage.pipelines:
                lines += ["", "[triage.pipelines]"] + [f"{pid} = {days}" for pid, days in sorted(self.triage.pipelines.items())]
        path = private_file(directory / "config.toml")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def remember_theme(name: str, directory: Path | None = None) -> Path:
    """Set the top-level `theme` of config.toml, leaving every other line (comments too) as it is."""
    directory = private_dir(directory or config_dir())
    path = private_file(directory / "config.toml")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    setting = f"theme = {_toml(name)}"
    first_table = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    at = next((i for i, line in enumerate(lines[:first_table]) if line.split("=")[0].strip() == "theme"), None)
    if at is not None:
        lines[at] = setting
    else:
        lines[:0] = [setting, ""] if lines and lines[0].lstrip().startswith("[") else [setting]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; a syntax error is one line naming the file and the line."""
    try:
        return tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _key(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").isalnum() else _toml(name)


# -- secrets ------------------------------------------------------------------------------------


def secrets_path(directory: Path | None = None) -> Path:
    return (directory or config_dir()) / "secrets.toml"


SECRET_KEYS = ("token", "refresh_token", "client_id", "client_secret", "expires_at")


def load_secrets(profile: str, directory: Path | None = None) -> dict[str, Any]:
    """A profile's secrets: token, and for OAuth refresh_token, client_id, client_secret, expires_at."""
    path = secrets_path(directory)
    if not path.exists():
        return {}
    entry = _read_toml(path).get(profile)
    if entry is not None and not isinstance(entry, dict):
        raise ConfigError(f'{path}: [{profile}] must be a table with token = "..."')
    return {k: v for k, v in (entry or {}).items() if k in SECRET_KEYS and v not in (None, "")}


def load_secret(profile: str, directory: Path | None = None) -> str | None:
    value = load_secrets(profile, directory).get("token")
    return str(value) if value else None


def store_secret(profile: str, token: str | None, directory: Path | None = None, extra: dict[str, Any] | None = None) -> Path:
    """Write (or with None remove) a profile's secrets; the file is created 0600. `extra`:
    the OAuth refresh token, client id and secret, expiry."""
    path = secrets_path(directory)
    private_dir(path.parent)
    raw: dict[str, Any] = {}
    if path.exists():
        raw = {k: v for k, v in _read_toml(path).items() if isinstance(v, dict) and "token" in v}
    if token is None:
        raw.pop(profile, None)
    else:
        raw[profile] = {"token": token, **{k: v for k, v in (extra or {}).items() if k in SECRET_KEYS and v is not None}}
    text = "".join(f"[{_key(name)}]\n" + "".join(f"{k} = {_toml(v[k])}\n" for k in SECRET_KEYS if k in v) + "\n" for name, v in raw.items())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, 0o600)
    return path


def oauth_session(profile: str, stored: dict[str, Any], directory: Path | None = None) -> Any:
    """An OAuthSession that renews the access token and stores the new tokens, when the
    profile has a refresh token and client credentials."""
    if not all(stored.get(k) for k in ("refresh_token", "client_id", "client_secret")):
        return None
    from tui.api.oauth import OAuthSession

    def keep(tokens: dict[str, Any]) -> None:
        store_secret(
            profile,
            tokens["access_token"],
            directory,
            {
                "refresh_token": tokens.get("refresh_token"),
                "client_id": stored["client_id"],
                "client_secret": stored["client_secret"],
                "expires_at": tokens.get("expires_at"),
            },
        )

    expires = stored.get("expires_at")
    return OAuthSession(
        str(stored["refresh_token"]),
        str(stored["client_id"]),
        str(stored["client_secret"]),
        float(expires) if expires else None,
        on_tokens=keep,
    )


# -- resolution ---------------------------------------------------------------------------------


@dataclass
class Credentials:
    profile: str
    auth: Auth
    base_url: str
    oauth: Any = None  # tui.api.oauth.OAuthSession when the profile can renew its access token

    @property
    def mode(self) -> str:
        return self.auth.mode


def resolve(
    config: Config, profile_name: str | None, base_url: str | None = None, env: dict[str, str] | None = None, directory: Path | None = None
) -> Credentials | None:
    """Credentials for a profile after env overrides; None when there are none."""
    env = dict(os.environ if env is None else env)
    name = profile_name or config.default_profile
    profile = config.profiles.get(name, Profile(name=name))
    url = base_url or env.get("PIPEDRIVE_BASE_URL") or profile.base_url
    domain = env.get("PIPEDRIVE_COMPANY_DOMAIN") or profile.company_domain
    if env.get("MATON_API_KEY") or (profile.auth_mode == "maton" and not env.get("PIPEDRIVE_API_TOKEN")):
        key = env.get("MATON_API_KEY") or load_secret(name, directory)
        if key:
            conn = env.get("MATON_CONNECTION") or profile.maton_connection
            return Credentials(name, Auth.maton(key, conn), (url or MATON_BASE_URL).rstrip("/"))
    if env.get("PIPEDRIVE_ACCESS_TOKEN") or (profile.auth_mode == "oauth" and not env.get("PIPEDRIVE_API_TOKEN")):
        stored = load_secrets(name, directory)
        token = env.get("PIPEDRIVE_ACCESS_TOKEN") or stored.get("token")
        if token:
            return Credentials(name, Auth.oauth(token), base_url_for(domain, url), oauth_session(name, stored, directory))
    token = env.get("PIPEDRIVE_API_TOKEN") or (load_secret(name, directory) if profile.auth_mode == "token" else None)
    if token:
        return Credentials(name, Auth.personal(token), base_url_for(domain, url))
    return None


# -- the file as last read through the model ----------------------------------------------------
# config.toml.checked (beside it) holds what the model made of the file, with the file's digest:
# an unchanged file is read back from it without importing pydantic. Any change of the text makes
# the digest differ and the model read it again; a damaged or foreign .checked file is ignored.

CHECKED_VERSION = 1


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checked(path: Path, text: str) -> Config | None:
    import json

    try:
        kept = json.loads(path.with_name(path.name + ".checked").read_text(encoding="utf-8"))
        if kept.get("version") != CHECKED_VERSION or kept.get("digest") != _digest(text):
            return None
        c = kept["config"]
        return Config(
            default_profile=str(c["default_profile"]),
            profiles={name: Profile(**values) for name, values in c["profiles"].items()},
            keys={str(k): str(v) for k, v in c["keys"].items()},
            refresh={str(k): float(v) for k, v in c["refresh"].items()},
            triage=TriageSettings(int(c["triage"]["stuck_days"]), {int(k): int(v) for k, v in c["triage"]["pipelines"].items()}),
            theme=c["theme"],
            problems=[Problem(p[0], str(p[1])) for p in c["problems"]],
            lines={tuple(place): int(line) for place, line in c["lines"]},
            path=path,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def _remember_checked(path: Path, text: str, config: Config) -> None:
    import json
    from dataclasses import asdict

    body = {
        "version": CHECKED_VERSION,
        "digest": _digest(text),
        "config": {
            "default_profile": config.default_profile,
            "profiles": {name: asdict(p) for name, p in config.profiles.items()},
            "keys": config.keys,
            "refresh": config.refresh,
            "triage": {"stuck_days": config.triage.stuck_days, "pipelines": {str(k): v for k, v in config.triage.pipelines.items()}},
            "theme": config.theme,
            "problems": [[p.line, p.message] for p in config.problems],
            "lines": [[list(place), line] for place, line in config.lines.items()],
        },
    }
    try:
        checked = private_file(path.with_name(path.name + ".checked"))
        checked.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # a read-only config dir: the model reads the file at each start, as before
