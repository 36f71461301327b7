"""Log in again from inside the app (after Pipedrive refused the credentials, 401).

The token is typed into a hidden input, checked against Pipedrive (GET users/me) before
anything changes, then used for every later request and stored like `pipedrive-tui login`
does (0600 secrets file; not in demo mode). Pending edits are kept and pushed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui import styles
from tui.api.auth import Auth
from tui.api.errors import ApiError, AuthError
from tui.formatting import clean
from tui.keymap import app as app_keys
from tui.widgets import tones

LABELS = {"token": "Personal API token", "oauth": "OAuth access token", "maton": "Maton API key"}


class LoginScreen(ModalScreen[bool]):
    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = app_keys.LOGIN_BINDINGS
    AUTO_FOCUS = "#login-token"
    HELP_TITLE = "Log in"

    def __init__(self, store: Any, on_login: Callable[[str], Any] | None = None, *, token_source: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.on_login = on_login
        self.token_source = token_source  # the environment variable the refused token came from
        self.mode = store.client.auth.mode if store.client else "token"

    def ready_for_keys(self) -> bool:
        return self.focused is not None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Log in to Pipedrive again", classes="dialog-title")
            yield Static(Text(self._message()), classes="dialog-message")
            yield Label(f"{LABELS.get(self.mode, 'Token')} (hidden)")
            yield Input(password=True, id="login-token", placeholder="paste it here, then enter")
            yield Static("", id="login-error", classes="field-error")
            yield Label("enter: check and log in · escape: cancel", classes="dialog-hint")

    def _message(self) -> str:
        kept = "Your pending edits are kept and sent once you are logged in."
        if self.token_source is None:
            return f"Pipedrive refused the stored credentials (they were revoked or expired). {kept}"
        return (
            f"Pipedrive refused the token from {self.token_source} (it was revoked or expired). {kept} "
            f"A token entered here is used now and stored, but {self.token_source} still wins at the next start: "
            "change or unset it too."
        )

    @on(Input.Submitted, "#login-token")
    async def submitted(self, event: Input.Submitted) -> None:
        token = event.value.strip()
        error = self.query_one("#login-error", Static)
        if not token:
            error.update("Paste the token first.")
            return
        current = self.store.client.auth
        auth = Auth.maton(token, current.connection) if self.mode == "maton" else Auth(self.mode, token)
        error.update(Text("Checking with Pipedrive…", style=tones.MUTED))
        try:
            me = await self.store.verify_auth(auth)
        except AuthError:
            error.update("Pipedrive did not accept this token (401). Check it and try again.")
            return
        except ApiError as exc:
            error.update(Text(exc.message))
            return
        self.store.sign_in(auth)
        if self.on_login is not None:
            self.on_login(token)
        self.notify(f"Logged in as {clean(me.get('name'))}", timeout=4, markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
