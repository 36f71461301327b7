"""`M` on a person or an organization: its likely duplicates (from the cache, 0 tokens), then
a side-by-side preview of a merge: each field's two values and what the survivor keeps
(marked with a symbol and a word, never colour alone), how many deals, activities, notes
(and people) move. enter / ctrl+s merges (one PUT, 40 tokens, through the outbox), `s` swaps
which one survives, escape goes back to the list (and from the list, closes).
Dismisses with the survivor's id, or None.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.formatting import clean
from tui.keymap.dialogs import MERGE_BINDINGS
from tui.screens.base import AppModal
from tui.store.edits import EditError
from tui.store.queries.common import label_of
from tui.store.queries.duplicates import Candidate, MergePreview, duplicates, merge_preview
from tui.widgets import tones

MARK = {"kept": "◆ kept", "taken": "◇ taken", "combined": "◆◇ both", "same": "= same"}
WHAT = {"deals": "deal", "activities": "activity", "notes": "note", "people": "person"}
PLURAL = {"deal": "deals", "activity": "activities", "note": "notes", "person": "people"}


def _count(n: int, key: str) -> str:
    word = WHAT[key]
    return f"{n} {word if n == 1 else PLURAL[word]}"


def names(p: MergePreview) -> tuple[str, str]:
    """How the two are called here: with their ids when their names read the same."""
    keep, other = clean(p.keep_name), clean(p.other_name)
    if keep.casefold() == other.casefold():
        return f"{keep} #{p.keep_id}", f"{other} #{p.other_id}"
    return keep, other


def preview_table(p: MergePreview, width: int) -> Table:
    """Field | the survivor's value | the other's | what is kept. The kept value is bold and
    the last column says which with a symbol and a word."""
    narrow = width < 100  # 80 columns: the field names get 13
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 1), expand=True)
    keep_name, other_name = names(p)
    table.add_column("Field", style=tones.MUTED, no_wrap=True, width=13 if narrow else 16)
    table.add_column(Text(f"◆ {keep_name} (stays)"), ratio=1, overflow="fold")
    table.add_column(Text(f"◇ {other_name} (merged)"), ratio=1, overflow="fold")
    table.add_column("Kept", no_wrap=True, width=9)
    for row in p.rows:
        keep = Text(clean(row.keep) or "—", style="bold" if row.source in ("kept", "combined", "same") else tones.MUTED)
        other = Text(clean(row.other) or "—", style="bold" if row.source in ("taken", "combined") else tones.MUTED)
        table.add_row(Text(clean(row.label)), keep, other, Text(MARK[row.source]))
    return table


class MergeScreen(AppModal[int | None]):
    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = MERGE_BINDINGS

    def __init__(self, entity: str, entity_id: int, name: str | None) -> None:
        super().__init__()
        self.entity, self.entity_id, self.name_text = entity, entity_id, name or ""
        self.candidates: list[Candidate] = []
        self.preview: MergePreview | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog merge-dialog"):
            yield Label(Text(f"Likely duplicates of “{clean(self.name_text)}”"), classes="dialog-title", id="merge-title")
            yield OptionList(id="merge-candidates")
            with VerticalScroll(id="merge-preview"):
                yield Static(id="merge-table")
            yield Static("", id="merge-moving")
            yield Label("", classes="dialog-hint", id="merge-hint")

    def on_mount(self) -> None:
        self.query_one("#merge-preview").display = False
        self.query_one("#merge-moving").display = False
        self.load()

    @work(exclusive=True, group="merge", exit_on_error=False)
    async def load(self) -> None:
        if not self.name_text:  # opened from a list row
            self.name_text = await self.store.read(label_of, self.entity, self.entity_id)
            self.query_one("#merge-title", Label).update(Text(f"Likely duplicates of “{clean(self.name_text)}”"))
        self.candidates = await self.store.read(duplicates, self.entity, self.entity_id)
        options = self.query_one("#merge-candidates", OptionList)
        options.clear_options()
        for i, c in enumerate(self.candidates):
            label = Text.assemble(
                (clean(c.name), "bold"),
                ("  " + " · ".join(c.reasons), tones.WARNING),
                (f"  {clean(c.detail)}" if c.detail else "", tones.MUTED),
            )
            options.add_option(Option(label, id=str(i)))
        hint = self.query_one("#merge-hint", Label)
        if not self.candidates:
            options.display = False
            hint.update("No likely duplicates in the cache (same e-mail, phone or name). escape: close")
            return
        options.highlighted = 0
        options.focus()
        hint.update("enter: preview the merge · escape: close")

    @on(OptionList.OptionSelected, "#merge-candidates")
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        other = self.candidates[int(event.option.id or 0)]
        # the older one (lower id: made first in Pipedrive) stays by default; `s` swaps
        keep, gone = sorted((self.entity_id, other.id))
        await self.show_preview(keep, gone)

    async def show_preview(self, keep: int, gone: int) -> None:
        self.preview = await self.store.read(merge_preview, self.entity, keep, gone)
        if self.preview is None:
            self.notify("One of the two is no longer in the cache", severity="warning", markup=False)
            return
        p = self.preview
        keep_name, other_name = names(p)
        self.query_one("#merge-title", Label).update(Text(f"Merge “{other_name}” into “{keep_name}”"))
        self.query_one("#merge-candidates").display = False
        self.query_one("#merge-preview").display = True
        self._fit(self.app.size.height)
        self.query_one("#merge-table", Static).update(preview_table(p, self.app.size.width))
        moving = [_count(n, k) for k, n in p.moving.items() if n]
        self.query_one("#merge-moving", Static).display = True
        self.query_one("#merge-moving", Static).update(
            Text(f"Moving to ◆ {keep_name}: " + (", ".join(moving) if moving else "nothing") + f". ◇ {other_name} is then deleted.")
        )
        self.query_one("#merge-hint", Label).update("enter/ctrl+s: merge · s: keep the other one · escape: back")
        self.query_one("#merge-preview").focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """The fields scroll (up/down) in what is left once the title, the moving line and the
        keys are shown: on 80x24 the keys stay on screen."""
        self.query_one("#merge-preview").styles.max_height = max(4, min(30, height - 10))

    async def action_merge(self) -> None:
        if self.preview is None:
            options = self.query_one("#merge-candidates", OptionList)
            if options.display and options.highlighted is not None:
                options.action_select()
            return
        p = self.preview
        try:
            await self.store.merge(self.entity, p.keep_id, p.other_id)
        except EditError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        keep_name, other_name = names(p)
        self.notify(f"Merged “{other_name}” into “{keep_name}”", timeout=3, markup=False)
        self.dismiss(p.keep_id)

    async def action_swap(self) -> None:
        if self.preview is not None:
            await self.show_preview(self.preview.other_id, self.preview.keep_id)

    def action_back(self) -> None:
        if self.preview is None or len(self.candidates) == 0:
            self.dismiss(None)
            return
        self.preview = None
        self.query_one("#merge-title", Label).update(Text(f"Likely duplicates of “{clean(self.name_text)}”"))
        self.query_one("#merge-preview").display = False
        self.query_one("#merge-moving").display = False
        options = self.query_one("#merge-candidates", OptionList)
        options.display = True
        options.focus()
        self.query_one("#merge-hint", Label).update("enter: preview the merge · escape: close")
