"""The Textual app: sections as modes, store events as messages, navigation helpers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import OptionList, Static

from tui import styles
from tui.key_order import OrderedKeys
from tui.keymap import app as app_keys
from tui import heap, key_check, numbers
from tui.api.errors import ApiError
from tui.config import TriageSettings
from tui.no_color import safe_filters
from tui.messages import ConvertedMessage, CreatedMessage, DataRefresh, StoreEventMessage
from tui.widgets import tones
from tui.sections import MODES
from tui.store.db import StoreError
from tui.store.events import ConflictDetected, Converted, Created, DataChanged, EditRejected, StatusChanged, StoreStatus

FORM_FIELDS = {
    "title",
    "value",
    "currency",
    "owner_id",
    "person_id",
    "org_id",
    "expected_close_date",
    "probability",
    "name",
    "emails",
    "phones",
    "address",
}


LOCALE_TABLES = frozenset({"deals", "persons", "organizations", "activities", "notes", "leads", "deal_products", "currencies"})


def rejected_field(event: EditRejected) -> str | None:
    """The form field a refusal concerns: the one Pipedrive's message names ("value: …"), else
    the only one sent."""
    fields = [f for f in event.fields if f in FORM_FIELDS]
    text = event.detail or event.reason
    named = [f for f in fields if f"{f}:" in text] or [f for f in fields if f in text]
    if named:
        return named[0]
    return fields[0] if len(fields) == 1 else None


def restyle(widget: Any) -> None:
    """Drop what a widget cached with the old theme's tones and repaint it."""
    if isinstance(widget, Static):
        widget.update(widget.content, layout=False)
    elif isinstance(widget, OptionList):
        widget._clear_caches()
    clear = getattr(widget, "clear_render_cache", None)
    if clear is not None:
        clear()
    widget.refresh()


if TYPE_CHECKING:  # the palette's module is imported when the palette opens
    from textual.command import Provider


def _data_commands() -> type[Provider]:
    """The palette's deals, persons and organizations (tui/screens/palette.py), imported when
    the palette first opens: it and the search screen are 7 modules and 7-14 ms of the
    launch's imports, which the first frame does not need (tui/warmup.py imports them later)."""
    from tui.screens.palette import DataCommands

    return DataCommands


def _action_commands() -> type[Provider]:
    from tui.screens.palette import ActionCommands

    return ActionCommands


class PipedriveApp(OrderedKeys, App):
    TITLE = "pipedrive-tui"
    CSS_PATH = styles.app_paths()  # every screen's style sheet, read once (see styles.app_paths)
    BINDINGS = app_keys.BINDINGS
    MODES = MODES  # type: ignore[assignment]  # a dict of screen factories is one of Textual's forms
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_data_commands, _action_commands}  # imported when the palette opens

    # the status bar watches it; repaint=False: an app reactive that repaints repaints the whole
    # screen, and the status changes with every edit and sync (a `>` repainted 7,200 cells)
    store_status: reactive[StoreStatus] = reactive(StoreStatus, always_update=True, repaint=False)

    def __init__(
        self,
        store: Any,
        *,
        profile_label: str = "default",
        keymap: dict[str, str] | None = None,
        start_store: bool = True,
        notices: list[str] | None = None,
        on_login: Any = None,
        triage: Any = None,
        theme: str | None = None,
        on_theme: Any = None,
        config_dir: Path | None = None,
        key_lines: dict[str, int] | None = None,
        token_source: str | None = None,
        warm_up: bool = False,
    ) -> None:
        super().__init__()
        self._filters = safe_filters(self._filters)  # NO_COLOR (tui/no_color.py)
        self.triage_settings = triage or TriageSettings()  # [triage] of the config file
        self.on_login = on_login  # persists a token verified by the login screen (None in demo mode)
        self.token_source = token_source  # the environment variable the token came from (None: stored)
        self.notices = list(notices or [])
        self.store = store
        self.profile_label = profile_label
        self.user_keymap = dict(keymap or {})
        self.key_lines = dict(key_lines or {})  # binding id -> its line in config.toml, for the notice
        self.start_store = start_store
        self.warm_up = warm_up  # import the screens opened next while no key comes (tui/warmup.py)
        self.last_input = time.monotonic()
        self._unsubscribe = None
        self.on_theme = on_theme  # remembers a theme chosen in the app (the config file's `theme`)
        self.config_dir = config_dir  # views.toml's directory (the demo's own; None: tui.config.config_dir())
        if theme and theme != self.theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notices.append(f"Unknown theme {theme!r} in the config file; using {self.theme} (ctrl+p, Theme, lists them)")
        self._saved_theme = self.theme

    # -- themes --------------------------------------------------------------------------------------

    def get_css_variables(self) -> dict[str, str]:
        """Textual's theme variables, and the tones (widgets/tones.py) of rich Text built in
        Python taken from them, so every colour follows the theme."""
        variables = super().get_css_variables()
        variables["separator"] = tones.separator(variables)  # lines between panes: 3:1 at least
        if getattr(self, "_tones_pushed", False):
            self.console.pop_theme()
        self.console.push_theme(tones.rich_theme(variables))
        self._tones_pushed = True
        return variables

    def _theme_changed(self, theme: Any) -> None:
        """Repaint what was drawn with the old tones, and remember the choice."""
        for stack in self._screen_stacks.values():
            for screen in stack:
                for widget in screen.walk_children(with_self=False):
                    restyle(widget)
        if self.on_theme is not None and theme.name != self._saved_theme:
            self._saved_theme = theme.name
            try:
                self.on_theme(theme.name)
            except OSError as exc:
                self.notify(f"The theme is not remembered: {exc}", severity="warning", timeout=8, markup=False)

    async def on_mount(self) -> None:
        self.set_timer(3, heap.release)  # if no board shows its first cards (first run, no pipelines)
        if self.warm_up:
            from tui.warmup import warm_up

            self.run_worker(warm_up(lambda: self.last_input), group="warm-up", exit_on_error=False)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.store_status = self.store.status
        self._unsubscribe = self.store.subscribe(lambda event: self.post_message(StoreEventMessage(event)))
        for line in self.notices:
            self.notify(line, timeout=8 + 2 * line.count("\n"), markup=False)  # a list of problems stays longer
        for line in getattr(self.store, "notices", []):
            self.notify(line, title="Cache repaired", severity="warning", timeout=30, markup=False)
        if self.user_keymap:
            problems = key_check.problems(self.user_keymap, self.key_lines)
            if problems:  # one notice for all of them
                self.notify(
                    "\n".join(problems) + "\n(`pipedrive-tui config check` shows the lines)",
                    title="Keys in the config file",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
            # unknown ids and remaps onto the quit, escape or palette keys are left out
            self.user_keymap = key_check.applied(self.user_keymap)
            self.set_keymap(self.user_keymap)
        if self.store.client is None:
            from tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen())
            return
        await self._locale_changed()
        self.switch_mode("board")
        if self.start_store:
            self.store.start()

    async def _locale_changed(self) -> None:
        """Numbers are typed and shown in the user's locale (tui/numbers.py); a change redraws
        every screen's figures."""
        if not numbers.use(await self.store.number_locale()) or not self.screen_stack:
            return
        for stack in self._screen_stacks.values():
            for screen in stack:
                for widget in screen.walk_children(with_self=False):
                    restyle(widget)
                screen.post_message(DataRefresh(LOCALE_TABLES, None))

    def on_app_focus(self) -> None:
        """The terminal has focus again (focus reporting): refresh now if the data is stale."""
        if self.store is not None:
            self.store.set_focus(True)

    def on_app_blur(self) -> None:
        """Unfocused: refresh rarely (tui/store/schedule.py)."""
        if self.store is not None:
            self.store.set_focus(False)

    async def on_unmount(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_input = time.monotonic()
            if self.store is not None:
                try:
                    self.store.touch()
                except RuntimeError:
                    pass
        await super().on_event(event)

    # -- errors ------------------------------------------------------------------------------------

    async def run_action(self, action: Any, default_namespace: Any = None) -> bool:  # type: ignore[override]
        """Every key and command runs here: a cache problem (disk full, read-only) raised by
        an action is one clear line and the app stays open."""
        try:
            return await super().run_action(action, default_namespace)
        except (StoreError, ApiError) as exc:
            self._problem(exc)
            return True

    def _problem(self, exc: Exception) -> None:
        if isinstance(exc, ApiError):
            self.notify(exc.message, title="Pipedrive", severity="error", timeout=10, markup=False)
        else:
            self.notify(str(exc), title="Not saved", severity="error", timeout=15, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """The same for callbacks (a dialog's answer); anything else exits as Textual does,
        but see _fatal_error."""
        if isinstance(error, (StoreError, ApiError)):
            self._problem(error)
            return
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Textual's crash report, without local variables: they hold customer data."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    # -- store events ----------------------------------------------------------------------------

    def on_store_event_message(self, message: StoreEventMessage) -> None:
        event = message.event
        if isinstance(event, StatusChanged):
            self.store_status = event.status
        elif isinstance(event, EditRejected):
            self.notify(event.reason, title="Change refused", severity="error", timeout=10, markup=False)
            self.run_worker(self._reopen_form(event), exit_on_error=False)
        elif isinstance(event, ConflictDetected):
            fields = ", ".join(event.fields)
            self.notify(
                f"Someone else changed {fields} of this {event.entity} meanwhile; your edit is on hold: press ! to choose",
                title="Conflict",
                severity="warning",
                timeout=10,
                markup=False,
            )
        elif isinstance(event, DataChanged):
            if "users" in event.tables:  # the user's locale may have come or changed
                self.run_worker(self._locale_changed(), group="locale", exclusive=True, exit_on_error=False)
            for screen in self.screen_stack:
                screen.post_message(DataRefresh(event.tables, event.ids))
        elif isinstance(event, Created):
            for screen in self.screen_stack:
                screen.post_message(CreatedMessage(event.entity, event.local_id, event.server_id))
        elif isinstance(event, Converted):
            dropped = f" ({event.dropped} change(s) still queued for the lead were dropped)" if event.dropped else ""
            self.notify(f"The lead is now a deal{dropped}", title="Converted", timeout=5, markup=False)
            for screen in self.screen_stack:
                screen.post_message(ConvertedMessage(event.lead_id, event.deal_id))

    async def _reopen_form(self, event: EditRejected) -> None:
        """A refused field edit reopens its form with everything that was typed in it and
        Pipedrive's reason next to the field it names (else under the form)."""
        field = rejected_field(event)
        typed = {k: v for k, v in event.values.items() if k in FORM_FIELDS or k == "stage_id"}
        if event.op != "update" or not (field or typed) or event.entity not in ("deal", "person", "organization"):
            return
        from tui.screens.forms import entity_forms

        cls: Any = {"deal": entity_forms.DealForm, "person": entity_forms.PersonForm, "organization": entity_forms.OrganizationForm}[
            event.entity
        ]
        form = await cls.load(self.store, event.entity_id)
        await self.push_screen(form)
        await form.apply_values(typed)
        form.show_errors({field: event.reason} if field else {"": event.reason})

    # -- navigation --------------------------------------------------------------------------------

    def action_section(self, name: str) -> None:
        if name in MODES and self.current_mode != name:
            self.switch_mode(name)

    def action_sync(self) -> None:
        self.store.request_sync()
        self.notify("Syncing with Pipedrive…", timeout=2)

    def action_login(self) -> None:
        if self.store.client is None:
            return
        from tui.screens.login import LoginScreen

        self.push_screen(LoginScreen(self.store, self.on_login, token_source=self.token_source))

    def action_conflicts(self) -> None:
        from tui.screens.conflicts import ConflictScreen

        self.push_screen(ConflictScreen())

    async def open_form_with(self, entity: str, entity_id: int, values: dict[str, Any]) -> None:
        """The entity's edit form (or the note editor) with these values filled in."""
        if entity == "note":
            from tui.screens.note_editor import NoteEditorScreen

            editor = await NoteEditorScreen.edit(self.store, entity_id)
            await self.push_screen(editor)
            if "content" in values:
                from tui.notes_html import html_to_text

                from textual.widgets import TextArea

                editor.query_one("#note-text", TextArea).load_text(html_to_text(str(values["content"])))
            return
        from tui.screens.forms import activity_form, entity_forms

        from tui.screens.forms.lead_form import LeadForm

        cls: Any = {
            "deal": entity_forms.DealForm,
            "person": entity_forms.PersonForm,
            "organization": entity_forms.OrganizationForm,
            "activity": activity_form.ActivityForm,
            "lead": LeadForm,
        }[entity]
        form = await cls.load(self.store, entity_id)
        await self.push_screen(form)
        await form.apply_values(values)

    def action_search(self, text: str = "") -> None:
        from tui.screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.box.focus()
            return
        self.push_screen(SearchScreen(text))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, help_sections

        sections, plumbing = help_sections(self.screen)
        title = getattr(self.screen, "HELP_TITLE", None) or self.screen.__class__.__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(title, sections, plumbing))

    def open_deal(self, deal_id: int) -> None:
        from tui.screens.deal import DealScreen

        self.push_screen(DealScreen(deal_id))

    def open_lead(self, lead_id: str) -> None:
        from tui.screens.lead import LeadScreen

        self.push_screen(LeadScreen(lead_id))

    def open_note(self, note_id: int, parent: tuple[str, int]) -> None:
        """The deal, person or organization a note is on, with the note selected."""
        from tui.screens.deal import DealScreen
        from tui.screens.organization import OrganizationScreen
        from tui.screens.person import PersonScreen

        screen = {"deal": DealScreen, "person": PersonScreen, "organization": OrganizationScreen}[parent[0]]
        self.push_screen(screen(parent[1], note_id=note_id))

    def open_person(self, person_id: int) -> None:
        from tui.screens.person import PersonScreen

        self.push_screen(PersonScreen(person_id))

    def open_organization(self, org_id: int) -> None:
        from tui.screens.organization import OrganizationScreen

        self.push_screen(OrganizationScreen(org_id))

    # Textual holds every paint for 50 ms when it switches modes, so that a section's screen
    # is not seen half built. A section already built has nothing to hide: `1` back to the
    # board, `2` to the agenda again waited 50 ms for nothing (bench: 66-80 ms of a switch).
    _to_built_section = False

    def switch_mode(self, mode: str) -> Any:
        self._to_built_section = mode in self._screen_stacks
        try:
            return super().switch_mode(mode)
        finally:
            self._to_built_section = False

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._to_built_section:
            super().delay_update(delay)

    # A screen that leaves the stack (escape from a deal) is removed after the screen beneath
    # is shown again, and Textual then lays that screen out and repaints all of it once more
    # (the board at 10k: ~90 ms after it was already on screen, in the way of the next key).
    # Textual repainted it whole when it came back, its layout does not depend on the screens
    # removed from behind or above it, and a layout it needs is kept pending while it is
    # covered and runs when it is shown: the app refresh a screen's removal asks for is
    # dropped; what else Textual does after the removal (the mouse's hover) is kept. Other
    # refreshes of the app go on as in Textual.
    _removing_screen = False

    def _prune(self, *nodes: Any, parent: Any = None) -> Any:
        removal = super()._prune(*nodes, parent=parent)
        after = removal._post_remove
        if parent is self and after is not None:  # screens: the app's only children

            def after_removal() -> None:
                self._removing_screen = True
                try:
                    after()
                finally:
                    self._removing_screen = False

            removal._post_remove = after_removal
        return removal

    def refresh(self, *, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Any:
        if self._removing_screen:
            return self  # the screen in front was repainted whole when it came back (pop_screen)
        return super().refresh(repaint=repaint, layout=layout, recompose=recompose)

    def get_system_commands(self, screen: Screen):
        """Textual's own (theme, screenshot, quit …); the app's commands come from
        tui/screens/palette.py (COMMANDS), with their keys."""
        yield from super().get_system_commands(screen)


def app_for(runtime: Any, store: Any, **options: Any) -> PipedriveApp:
    """The app on a runtime's settings (tui/runtime.py) and an open store."""
    return PipedriveApp(
        store,
        profile_label=runtime.profile_label,
        keymap=runtime.keymap,
        notices=runtime.notices,
        on_login=runtime.save_token,
        triage=runtime.triage,
        theme=runtime.theme,
        on_theme=runtime.save_theme,
        config_dir=runtime.config_dir,
        key_lines=runtime.key_lines,
        token_source=runtime.token_source,
        **options,
    )


def run_app(runtime: Any) -> int:
    """Open the store, run the app, close everything; say what edits are left unsent. Returns
    an exit code."""
    import sys

    from tui.store import edits
    from tui.store.store import Store

    async def main() -> int:
        label = runtime.profile_label
        if runtime.sandbox is None and runtime.auth_mode:
            label += " · " + {"token": "API token", "oauth": "OAuth", "maton": "Maton"}.get(runtime.auth_mode, runtime.auth_mode)
        store = await Store.open(runtime.db_path, runtime.client, clock=runtime.clock, profile=label, policy=runtime.policy)
        app = app_for(runtime, store, warm_up=True)
        unsent: tuple[int, ...] = (0, 0, 0)
        try:
            await app.run_async()
        finally:
            if runtime.client is not None:
                try:
                    await asyncio.wait_for(store.drain(), timeout=3)
                except Exception:
                    pass
            try:
                unsent = await store.read(edits.counts)
            except Exception:
                pass
            await store.close()
            if runtime.client is not None:
                await runtime.client.aclose()
            runtime.cleanup()
        notice = unsent_notice(unsent[0], unsent[1], kept=runtime.temp_dir is None)
        if notice:
            print(f"pipedrive-tui: {notice}", file=sys.stderr)
        return app.return_code or 0

    return asyncio.run(main())


def unsent_notice(pending: int, conflicts: int, *, kept: bool = True) -> str | None:
    """What is said after the app closes with edits not yet on Pipedrive (nothing if none)."""
    parts = []
    if pending:
        edits_word = "edit waits" if pending == 1 else "edits wait"
        goes = "it goes" if pending == 1 else "they go"
        where = f"{goes} at the next start" if kept else "the demo's data is discarded, so they are not sent"
        parts.append(f"{pending} {edits_word} to be sent to Pipedrive; {where}")
    if conflicts:
        noun = "edit is" if conflicts == 1 else "edits are"
        parts.append(f"{conflicts} {noun} held by a conflict; press ! at the next start to settle")
    return "; ".join(parts) or None
