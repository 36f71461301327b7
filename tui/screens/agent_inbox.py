"""The agent inbox (section 8): what MCP clients proposed (`pipedrive-tui mcp`), one row each
with the client's name and the time, and the selected one's diff (field, now, proposed).

`a` approves (the change enters the outbox, exactly once), `x` rejects with an optional reason
(never sent), `e` opens the usual form or note editor filled with the proposal and approves
what is saved there, `A` approves every proposal shown. Everything an agent sent is shown as
plain text (tui.formatting.clean, rich Text): no markup, no escape sequences.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.formatting import clean
from tui.keymap import agent as agent_keys
from tui.screens.base import AppScreen
from tui.store import proposals as pq
from tui.store.proposals import Proposal, ProposalError
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar
from tui.widgets.status_bar import StatusBar


def when(created_at: str) -> str:
    try:
        return datetime.fromisoformat(created_at.replace("Z", "+00:00")).astimezone().strftime("%d %b %H:%M")
    except ValueError:
        return clean(created_at)[:16]


def row_text(p: Proposal) -> Text:
    return Text.assemble(
        (f"#{p.id:<4} ", tones.MUTED),
        (f"{when(p.created_at)}  ", tones.MUTED),
        (f"{clean(p.client)[:18]:<18}  ", tones.INFO),
        clean(p.summary),
    )


def diff_table(p: Proposal) -> Table:
    table = Table(box=None, padding=(0, 2), expand=True, show_header=True, header_style=tones.MUTED)
    table.add_column("Field", no_wrap=True)
    table.add_column("Now")
    table.add_column("Proposed")
    for label, before, after in p.diff:
        table.add_row(Text(clean(label)), Text(clean(before) or "—", style=tones.MUTED), Text(clean(after) or "—", style=tones.SUCCESS))
    return table


class RejectReasonScreen(ModalScreen[str | None]):
    """Why is it rejected? Optional: enter with nothing rejects without a reason."""

    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = agent_keys.REASON_BINDINGS

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(f"Reject: {clean(self.summary)}"), classes="dialog-title")
            yield Input(placeholder="Reason (optional, the agent reads it)", id="reason")
            yield Label("enter: reject · escape: keep it waiting", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class AgentInboxScreen(AppScreen):
    CSS_PATH = styles.path("lists.tcss")
    BINDINGS = agent_keys.BINDINGS
    WATCHES = frozenset({"proposals"})
    HELP_TITLE = "Agent inbox"
    AUTO_FOCUS = "#agent-list"

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[Proposal] = []

    def compose(self) -> ComposeResult:
        yield Static(id="agent-title")
        yield OptionList(id="agent-list")
        with VerticalScroll(id="agent-detail", can_focus=False):
            yield Static(id="agent-diff")
        yield StatusBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    @property
    def selected(self) -> Proposal | None:
        index = self.query_one("#agent-list", OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    @work(exclusive=True, group="agent-inbox", exit_on_error=False)
    async def reload(self) -> None:
        await self.store.check_proposals()
        self.shown = await self.store.read(pq.listing)
        options = self.query_one("#agent-list", OptionList)
        keep = options.highlighted or 0
        options.clear_options()
        count = len(self.shown)
        title = f"Agent inbox: {count} proposal{'s' if count != 1 else ''} waiting" if count else "Agent inbox: nothing waiting"
        self.query_one("#agent-title", Static).update(Text(title, style="bold"))
        if not self.shown:
            hint = "Proposals of MCP clients (pipedrive-tui mcp) show here for review."
            options.add_option(Option(Text(hint, style=tones.MUTED), disabled=True))
            self.query_one("#agent-diff", Static).update("")
            return
        options.add_options([Option(row_text(p)) for p in self.shown])
        options.highlighted = min(keep, count - 1)
        self.show(self.shown[options.highlighted])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < len(self.shown):
            self.show(self.shown[event.option_index])

    def show(self, p: Proposal) -> None:
        head = Text.assemble(
            (clean(p.summary), "bold"), "\n", (f"proposed by {clean(p.client)} with {p.tool} at {when(p.created_at)}", tones.MUTED), "\n"
        )
        self.query_one("#agent-diff", Static).update(Text("\n").join([head]) if not p.diff else _group(head, diff_table(p)))

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#agent-list", OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    async def _approve(self, p: Proposal) -> bool:
        try:
            decided = await self.store.approve_proposal(p.id)
        except ProposalError as exc:
            self.notify(str(exc), timeout=3, markup=False)
            return False
        if decided.state != "approved":
            self.notify(f"Proposal #{p.id} could not be applied: {clean(decided.reason)}", severity="warning", timeout=5, markup=False)
            return False
        return True

    async def action_approve(self) -> None:
        p = self.selected
        if p is not None and await self._approve(p):
            self.notify(f"Approved: {clean(p.summary)}", timeout=2, markup=False)
        self.reload()

    async def action_approve_all(self) -> None:
        done = 0
        for p in list(self.shown):
            done += await self._approve(p)
        if done:
            self.notify(f"Approved {done} proposal{'s' if done != 1 else ''}", timeout=2, markup=False)
        self.reload()

    def action_reject(self) -> None:
        p = self.selected
        if p is None:
            return

        async def answer(reason: str | None) -> None:
            if reason is None:
                return
            try:
                await self.store.reject_proposal(p.id, reason or None)
            except ProposalError as exc:
                self.notify(str(exc), timeout=3, markup=False)
            else:
                self.notify(f"Rejected: {clean(p.summary)}", timeout=2, markup=False)
            self.reload()

        self.app.hold_keys_for_screen()
        self.app.push_screen(RejectReasonScreen(p.summary), answer)

    def action_edit(self) -> None:
        p = self.selected
        if p is None:
            return
        self.app.hold_keys_for_screen()
        self.app.run_worker(self._edit(p), exit_on_error=False)

    async def _edit(self, p: Proposal) -> None:
        screen = await editor_for(self.store, p)
        if screen is None:
            self.notify(f"Nothing to edit in “{clean(p.summary)}”: approve (a) or reject (x)", timeout=3, markup=False)
            return
        form, values = screen

        async def saved(result: int | None) -> None:
            self.store.approve_by_save(None)
            if result is not None:
                await self.store.settle_proposal(p.id, result)  # no-op when the save approved it
                self.notify(f"Approved as edited: {clean(p.summary)}", timeout=2, markup=False)
            self.reload()

        self.store.approve_by_save(p.id)  # the form's save is the approval (one transaction)
        await self.app.push_screen(form, saved)  # mounted: the values go into its fields
        if values:
            await form.apply_values(values)


def _group(head: Text, table: Table) -> Any:
    from rich.console import Group

    return Group(head, table)


async def editor_for(store: Any, p: Proposal) -> tuple[Any, dict[str, Any]] | None:
    """The form (or note editor) this proposal's change is made in, filled with it; values to
    apply once it is shown (updates of an existing row)."""
    f = dict(p.fields)
    if p.entity == "note" and p.op == "create":
        from tui.screens.note_editor import NoteEditorScreen

        from tui.notes_html import html_to_text

        editor = NoteEditorScreen(deal_id=f.get("deal_id"), person_id=f.get("person_id"), org_id=f.get("org_id"), lead_id=f.get("lead_id"))
        editor.original = html_to_text(f.get("content") or "")  # the text area starts with the agent's text
        return editor, {}
    if p.entity == "activity" and p.op == "create":
        from tui.screens.forms.activity_form import ActivityForm

        prefill = dict(f)
        participants = prefill.pop("participants", None) or []
        if participants:
            prefill["person_id"] = participants[0].get("person_id")
        return await ActivityForm.load(store, None, prefill), {}
    if p.entity == "deal" and p.op == "create":
        from tui.screens.forms.entity_forms import DealForm

        return await DealForm.load(store, None, f), {}
    if p.entity == "person" and p.op == "create":
        from tui.screens.forms.entity_forms import PersonForm

        return await PersonForm.load(store, None, f), {}
    if p.entity == "organization" and p.op == "create":
        from tui.screens.forms.entity_forms import OrganizationForm

        return await OrganizationForm.load(store, None), {k: f[k] for k in ("name", "address", "owner_id") if f.get(k) is not None}
    if p.op == "update" and p.entity in ("deal", "person", "organization") and p.entity_id is not None and "status" not in f:
        from tui.screens.forms.entity_forms import DealForm, OrganizationForm, PersonForm

        if p.entity == "deal":
            form: Any = await DealForm.load(store, p.entity_id)
        elif p.entity == "person":
            form = await PersonForm.load(store, p.entity_id)
        else:
            form = await OrganizationForm.load(store, p.entity_id)
        return form, {k: v for k, v in f.items() if k != "custom_fields"}
    return None
