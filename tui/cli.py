"""Command line: `pipedrive-tui [options] [login|logout|status|sync|mcp|config|sandbox]`.

Errors are one line on stderr, never a traceback, never the token.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from tui import __version__
from tui.store.db import StoreError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipedrive-tui",
        description="A keyboard-first terminal dashboard for Pipedrive CRM.",
        epilog="With no command, opens the app. Try `pipedrive-tui --demo` without an account.",
    )
    parser.add_argument("--version", action="version", version=f"pipedrive-tui {__version__}")
    parser.add_argument("--profile", help="named profile from the config file")
    parser.add_argument("--base-url", help="API base URL (https://<company>.pipedrive.com, a gateway, a sandbox)")
    parser.add_argument("--data-dir", help="where the local cache lives")
    parser.add_argument("--demo", action="store_true", help="run against the built-in demo sandbox (no account needed)")
    parser.add_argument("--demo-deals", type=int, default=None, metavar="N", help="number of demo deals (default 300)")
    # the same options after the command (`pipedrive-tui status --base-url URL`)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--profile", default=argparse.SUPPRESS)
    common.add_argument("--base-url", default=argparse.SUPPRESS)
    common.add_argument("--data-dir", default=argparse.SUPPRESS)
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS)
    common.add_argument("--demo-deals", type=int, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")
    login = sub.add_parser("login", parents=[common], help="store and verify an API token for a profile")
    login.add_argument("--auth-mode", choices=["token", "oauth", "maton"], default="token")
    login.add_argument("--company-domain", help="your company's Pipedrive subdomain, e.g. acme")
    login.add_argument("--token-stdin", action="store_true", help="read the token(s) from standard input, one per line")
    login.add_argument(
        "--client-id",
        help="OAuth: your app's client id; then a refresh token and the client "
        "secret are asked for, and the access token is renewed automatically",
    )
    login.add_argument("--token-url", help=argparse.SUPPRESS)  # the OAuth token endpoint (tests, a sandbox)
    sub.add_parser("logout", parents=[common], help="forget the stored token of a profile")
    sub.add_parser("status", parents=[common], help="show the user, company, auth mode and rate-limit budget")
    sync = sub.add_parser("sync", parents=[common], help="sync the local cache without opening the app")
    sync.add_argument("--full", action="store_true", help="fetch everything again")
    config = sub.add_parser(
        "config", help="`config path` prints where the config file is; `config check` lists what is wrong in it (exit 1 if anything)"
    )
    config.add_argument("action", choices=["path", "check"])
    sub.add_parser(
        "mcp",
        parents=[common],
        help="run an MCP server on stdio for AI agents: reads from the cache (0 tokens), writes as proposals you approve in the app",
    )
    sub.add_parser("sandbox", help="run the local Pipedrive-compatible sandbox server", add_help=False)
    return parser


def fail(message: str, code: int = 1) -> int:
    print(f"pipedrive-tui: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "sandbox" in argv:
        i = argv.index("sandbox")
        if not any(a.startswith("-") and a not in ("--demo",) for a in argv[:i]) or i == 0:
            from tui.sandbox.server import main as sandbox_main

            return sandbox_main(argv[i + 1 :])
    args = _parser().parse_args(argv)
    from tui.config import ConfigError

    try:
        if args.command == "login":
            return _login(args)
        if args.command == "logout":
            return _logout(args)
        if args.command == "config":
            return _config(args.action)
        if args.command is None:  # the app: no collections until its first screen (tui/heap.py)
            from tui import heap

            heap.hold()
        from tui.runtime import build_runtime

        runtime = build_runtime(args)
        if args.command is not None:
            for line in runtime.notices:
                print(f"pipedrive-tui: {line}", file=sys.stderr)
        if args.command == "status":
            return asyncio.run(_status(runtime))
        if args.command == "mcp":
            from tui.agent.server import main as mcp_main

            return mcp_main(runtime)
        if args.command == "sync":
            from tui.cli_sync import main_sync

            return main_sync(runtime, full=args.full)
        from tui.app import run_app

        return run_app(runtime)
    except KeyboardInterrupt:
        return 130
    except ConfigError as exc:
        return fail(f"bad config file: {exc}")
    except StoreError as exc:
        return fail(str(exc))


async def _status(runtime: Any) -> int:
    from tui.api.errors import ApiError

    if runtime.client is None:
        return fail("no credentials: run `pipedrive-tui login`, set PIPEDRIVE_API_TOKEN, or try --demo")
    try:
        me = await runtime.client.me()
    except ApiError as exc:
        return fail(exc.message)
    finally:
        await runtime.client.aclose()
    budget = runtime.client.budget
    print(f"user:      {me.get('name')} <{me.get('email')}>")
    print(f"company:   {me.get('company_name')} ({me.get('company_domain')})")
    print(f"profile:   {runtime.profile_label}")
    print(f"auth:      {runtime.auth_label}")
    print(f"base URL:  {runtime.base_url}")
    daily = (
        f"{budget.daily_remaining:,} of {budget.daily_limit:,} tokens left today"
        if budget.daily_remaining is not None and budget.daily_limit
        else "daily budget not reported"
    )
    burst = (
        f"{budget.burst_remaining}/{budget.burst_limit} requests left in the 2 s window"
        if budget.burst_limit
        else "burst limit not reported"
    )
    print(f"budget:    {daily}; {burst}")
    tokens, requests = spent_today(runtime.db_path)
    print(f"this app:  {tokens:,} tokens in {requests:,} requests today (UTC)")
    from tui.config_values import AGENT_TOKENS_PER_HOUR
    from tui.store.proposals import spent_last_hour_in

    agent_tokens, waiting = spent_last_hour_in(runtime.db_path)
    cap = runtime.agent.mcp_tokens_per_hour if runtime.agent is not None else AGENT_TOKENS_PER_HOUR
    print(f"MCP:       {agent_tokens:,} of {cap:,} tokens in the last hour (mcp_tokens_per_hour); {waiting} proposals waiting")
    policy = runtime.policy
    rates = ", ".join(f"{state} {policy.tokens_per_hour(state):,}" for state in ("active", "idle", "unfocused"))
    print(
        f"refresh:   every {policy.active:g} s active, {policy.idle:g} s idle, {policy.unfocused:g} s unfocused;"
        f" projected tokens/hour: {rates}"
    )
    return 0


def spent_today(db_path: Any) -> tuple[int, int]:
    """Tokens and requests this app logged today in the profile's cache (0, 0 without one)."""
    from tui.store.token_log import spent_today_in

    return spent_today_in(db_path)


def _login(args: Any) -> int:
    from tui.api import PipedriveClient
    from tui.api.auth import MATON_BASE_URL, Auth, base_url_for
    from tui.api.errors import ApiError
    from tui.config import Config, Profile, config_dir, store_secret

    config = Config.load()
    if config.problems:  # login rewrites the file: never with a bad value silently replaced
        return fail(f"{config.notice()}\nfix them first (`pipedrive-tui config check` lists them); login rewrites the file")
    name = args.profile or config.default_profile
    read = (lambda prompt: sys.stdin.readline().strip()) if args.token_stdin else (lambda prompt: getpass.getpass(prompt).strip())
    session = None
    if args.auth_mode == "oauth" and args.client_id:
        # an OAuth app's refresh token: the access token is renewed from it, hourly, for good
        refresh = read(f"OAuth refresh token for profile '{name}' (input hidden): ")
        secret = read("OAuth client secret (input hidden): ")
        if not refresh or not secret:
            return fail("a refresh token and the client secret are needed")
        from tui.api.oauth import TOKEN_URL, OAuthSession

        session = OAuthSession(refresh, args.client_id, secret, token_url=args.token_url or TOKEN_URL)
        token = ""
    else:
        label = {"token": "API token", "oauth": "OAuth access token", "maton": "Maton API key"}[args.auth_mode]
        token = read(f"{label} for profile '{name}' (input hidden): ")
        if not token:
            return fail("no token given")
    auth = {"token": Auth.personal, "oauth": Auth.oauth, "maton": Auth.maton}[args.auth_mode](token or "pending")
    base = MATON_BASE_URL if args.auth_mode == "maton" and not args.base_url else base_url_for(args.company_domain, args.base_url)

    async def verify() -> dict[str, Any]:
        client = PipedriveClient(base, auth, max_retries=1, oauth=session)
        try:
            if session is not None:
                await client._renew()  # the first access token
            me = await client.me()
            me["_token"] = client.auth.secret
            return me
        finally:
            await client.aclose()

    try:
        me = asyncio.run(verify())
    except ApiError as exc:
        return fail(f"login failed: {exc.message}")
    domain = args.company_domain or me.get("company_domain")
    profile = config.profiles.get(name, Profile(name=name))
    profile.auth_mode = args.auth_mode
    if args.base_url:
        profile.base_url = args.base_url
    elif args.auth_mode != "maton" and domain:
        profile.company_domain = domain
    config.profiles[name] = profile
    if not config.profiles or name not in config.profiles or config.default_profile not in config.profiles:
        config.default_profile = name
    config.save()
    extra = None
    if session is not None:
        extra = {
            "refresh_token": session.refresh_token,
            "client_id": session.client_id,
            "client_secret": session.client_secret,
            "expires_at": session.expires_at,
        }
    path = store_secret(name, me.pop("_token"), config_dir(), extra)
    kept = "tokens" if session is not None else "token"
    print(f"Logged in as {me.get('name')} ({me.get('company_name')}); {kept} stored in {path} (mode 0600)")
    return 0


def _config(action: str) -> int:
    from tui.config import config_dir
    from tui.config_check import check

    path = config_dir() / "config.toml"
    if action == "path":
        print(path)
        return 0
    if not path.exists():
        print(f"{path}: no config file (the defaults apply)")
        return 0
    problems = check(path)
    for problem in problems:
        print(problem.format(path))
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in {path}", file=sys.stderr)
        return 1
    print(f"{path}: OK")
    return 0


def _logout(args: Any) -> int:
    from tui.config import Config, config_dir, store_secret

    config = Config.load()
    name = args.profile or config.default_profile
    from tui.config import load_secret

    if load_secret(name, config_dir()) is None:
        print(f"Profile '{name}' has no stored token; nothing to forget")
        return 0
    store_secret(name, None, config_dir())
    print(f"Forgot the token of profile '{name}'")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
