"""The card beside the triage queue: the selected deal's fields, why it is in the queue, its
last note, last and next activity, person and organization with phone and e-mail. Server
text is shown literally (tui.formatting.clean, notes through notes_html.html_to_text)."""

from __future__ import annotations

from rich.console import RenderableType

from datetime import date

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.formatting import clean, money
from tui.notes_html import html_to_text
from tui.store.queries.triage import ActivityLine, DealPreview, TriageRow
from tui.widgets.agenda_list import type_mark
from tui.widgets.triage_list import reasons_text
from tui.widgets import tones

NOTE_LINES = 8


def _when(a: ActivityLine, today: date) -> str:
    if a.day is None:
        return "no date"
    day = "today" if a.day == today else "tomorrow" if (a.day - today).days == 1 else f"{a.day:%a %d %b}"
    if a.day.year != today.year:
        day += f" {a.day.year}"
    return day + (f" {a.time}" if a.time else "")


def _activity(a: ActivityLine | None, today: date, empty: str) -> Text:
    if a is None:
        return Text(empty, style=tones.FAINT)
    late = a.day is not None and not a.done and a.day < today
    return Text.assemble(
        (f"{type_mark(a.type)} ", tones.INFO),
        clean(a.subject) or "(no subject)",
        ("  ·  ", tones.FAINT),
        (_when(a, today), tones.ERROR_B if late else tones.MUTED),
    )


def note_lines(content: str, limit: int = NOTE_LINES) -> Text:
    lines = [clean(line) for line in html_to_text(content).splitlines()]
    lines = [line for line in lines if line]
    text = Text("\n".join(lines[:limit]))
    if len(lines) > limit:
        text.append(f"\n… {len(lines) - limit} more lines (enter opens the deal)", style=tones.FAINT)
    return text


def render_preview(p: DealPreview, row: TriageRow | None, today: date) -> Group:
    title = Text(clean(p.title), style="bold")
    title.append(f"  {money(p.value, p.currency)}", style=tones.SUCCESS)
    parts: list[RenderableType] = [title]
    if row is not None:
        why = Text("Why: ", style=tones.MUTED)
        why.append_text(reasons_text(row, short=False, sep="; "))
        if row.snoozed_until:
            why.append(f"  (snoozed until {date.fromisoformat(row.snoozed_until):%a %d %b})", style=tones.MUTED)
        parts.append(why)
    table = Table(box=None, show_header=False, padding=(0, 1), expand=False)
    table.add_column(style=tones.MUTED, no_wrap=True)
    table.add_column(overflow="fold")
    stage = clean(p.stage) or "—"
    if p.stage_position:
        stage += f"  ({p.stage_position[0]}/{p.stage_position[1]})"
    rows = [
        ("Pipeline", clean(p.pipeline) or "—"),
        ("Stage", stage + (f", {p.days_in_stage}d in stage" if p.days_in_stage is not None else "")),
        ("Owner", clean(p.owner) or "—"),
        ("Expected close", p.expected_close_date or "—"),
        ("Status", p.status),
    ]
    if p.probability is not None:
        rows.append(("Probability", f"{p.probability:g}%"))
    for key, value in rows:
        table.add_row(Text(key), Text(value))
    table.add_row(Text("Person"), Text(clean(p.person) or "—"))
    if p.person:
        table.add_row(Text("  phone"), Text(clean(p.person_phone) or "—"))
        table.add_row(Text("  e-mail"), Text(clean(p.person_email) or "—"))
    table.add_row(Text("Organization"), Text(clean(p.org) or "—"))
    if p.org and p.org_address:
        table.add_row(Text("  address"), Text(clean(p.org_address)))
    parts += [
        Text(""),
        table,
        Text(""),
        Text("Next activity", style="bold underline"),
        _activity(p.next_activity, today, "none planned"),
        Text(""),
        Text("Last activity", style="bold underline"),
        _activity(p.last_activity, today, "none done yet"),
        Text(""),
        Text("Last note", style="bold underline"),
    ]
    if p.last_note is not None:
        meta = Text((p.last_note_time or "")[:10], style=tones.MUTED)
        if p.last_note_author:
            meta.append(f" · {clean(p.last_note_author)}", style=tones.MUTED)
        parts += [meta, note_lines(p.last_note)]
    else:
        parts.append(Text("no notes", style=tones.FAINT))
    return Group(*parts)


class TriagePreview(Static):
    DEFAULT_CSS = "TriagePreview { height: auto; }"

    def show(self, preview: DealPreview | None, row: TriageRow | None, today: date) -> None:
        if preview is None:
            self.update(Text("This deal is no longer in the cache.", style=tones.FAINT))
            return
        self.update(render_preview(preview, row, today))

    def show_text(self, text: Text) -> None:
        self.update(text)
