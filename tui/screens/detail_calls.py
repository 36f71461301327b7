"""Calls on the deal, person and organization screens: the Calls section (newest first, the
ones still being sent marked), `L` logs one (tui/screens/call_flow.py), `u` takes back the last
one logged here while it is not sent, `y` copies a phone number or e-mail address. A mixin of
DetailScreen reaching the screen through a typed `host`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text

from tui.formatting import clean
from tui.screens.detail_section import Section
from tui.store.calls import OUTCOMES
from tui.store.queries.calls import CallRow, call_context
from tui.store.registry import REF_KEYS
from tui.widgets import tones

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.detail_base import DetailScreen

MARKS = {"connected": "✆", "no_answer": "✗", "left_message": "✉", "left_voicemail": "✉", "wrong_number": "⚠", "busy": "⊘"}


def call_text(call: CallRow, zone: Any) -> Text:
    when = "—"
    if call.start_time:
        started = datetime.fromisoformat(call.start_time.replace("Z", "+00:00")).astimezone(zone)
        when = started.strftime("%Y-%m-%d %H:%M")
    seconds = call.duration or 0
    length = f"{seconds // 60}:{seconds % 60:02d}"
    text = Text.assemble(
        (f"{MARKS.get(call.outcome, '☎')} ", tones.INFO),
        (when.ljust(17), tones.MUTED),
        (OUTCOMES.get(call.outcome, clean(call.outcome)).ljust(15), tones.WARNING if call.outcome != "connected" else tones.SUCCESS),
        (length.rjust(6) + "  ", tones.MUTED),
        clean(call.subject),
    )
    if call.to_phone_number:
        text.append(f"  {clean(call.to_phone_number)}", style=tones.FAINT)
    if call.sending:
        text.append("  ⧗ sending", style=tones.WARNING)
    return text


class DetailCalls:
    last_call: str | None = None  # the call log logged from this screen last (undo)
    calls_asked = False  # the user's newest call logs were asked for once on this screen

    @property
    def host(self) -> DetailScreen:
        return cast("DetailScreen", self)

    def show_calls(self, rows: list[CallRow]) -> None:
        host = self.host
        if not host.query("#section-calls"):
            return
        if not self.calls_asked:
            self.calls_asked = True
            host.run_worker(host.store.refresh_call_logs(), exit_on_error=False)  # 20 tokens, at most every 10 minutes
        sending = sum(c.sending for c in rows)
        host.set_title("calls", "Calls", len(rows), f"{sending} sending" if sending else "")
        host.query_one("#section-calls", Section).fill(
            [(call_text(c, host.store.clock.zone), ("call", i)) for i, c in enumerate(rows)], "No calls logged: press L after a call"
        )

    def action_log_call(self) -> None:
        from tui.screens.call_flow import log_call

        host = self.host

        async def logged(log_id: str, _next: int | None) -> None:
            self.last_call = log_id

        host.app.hold_keys_for_screen()  # keys typed meanwhile go to the form
        links: dict[str, Any] = {REF_KEYS[host.ENTITY]: host.entity_id}
        host.app.run_worker(log_call(host, **links, logged=logged), exit_on_error=False)

    async def action_undo_call(self) -> None:
        host = self.host
        if self.last_call is None:
            host.notify("Nothing to undo here: u takes back a call logged on this screen", timeout=3)
            return
        if await host.store.cancel_call(self.last_call):
            host.notify("Call taken back: nothing was sent to Pipedrive", timeout=3)
        else:
            host.notify("That call is already in Pipedrive; it stays logged", severity="warning", timeout=4)
        self.last_call = None

    async def action_copy_contact(self) -> None:
        """`y`: the phone number or e-mail address to the clipboard (a choice when there are several)."""
        host = self.host
        keys = {REF_KEYS[host.ENTITY]: host.entity_id}
        context = await host.store.read(call_context, keys.get("deal_id"), keys.get("person_id"), keys.get("org_id"), keys.get("lead_id"))
        values = [("☎ " + p, p) for p in context.phones] + [("✉ " + e, e) for e in context.emails]
        if not values:
            host.notify("No phone number or e-mail address to copy", timeout=3)
            return

        def copy(value: str | None) -> None:
            if value:
                host.app.copy_to_clipboard(value)
                host.notify(f"Copied {clean(value)}", timeout=2, markup=False)

        if len(values) == 1:
            copy(values[0][1])
            return
        from tui.screens.dialogs import ChoiceScreen

        host.app.push_screen(ChoiceScreen(f"Copy which of {clean(context.person_name)}'s?", values), copy)
