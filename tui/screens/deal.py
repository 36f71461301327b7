"""Deal detail: fields, stage progress bar (move with < > or a click), people, products (+ add,
enter edit, delete remove), custom fields (enter edits one in place), activities, notes,
history (h)."""

from __future__ import annotations

from textual.screen import Screen

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from tui.formatting import clean, money
from tui.screens.deal_products import DealProductsMixin
from tui.screens.detail_base import DetailScreen
from tui.store.queries.entities import DealDetail, deal_detail
from tui.widgets.stage_progress import StageProgress
from tui.widgets import tones


class DealScreen(DealProductsMixin, DetailScreen):
    ENTITY = "deal"
    NOTE_KEY = "deal_id"
    PIN_FLAG = "pinned_to_deal_flag"
    SECTIONS = (
        ("links", "Person and organization"),
        ("products", "Products"),
        ("custom", "Custom fields"),
        ("activities", "Activities"),
        ("calls", "Calls"),
        ("followers", "Followers"),
        ("participants", "Participants"),
        ("mail", "Mail"),
        ("files", "Files"),
    )
    HELP_TITLE = "Deal"

    def compose_top(self) -> ComposeResult:
        yield StageProgress(id="stage-progress")

    async def on_mount(self) -> None:  # Textual calls DetailScreen.on_mount after this one
        self.fetch_products()

    async def load(self) -> DealDetail | None:
        return await self.store.read(deal_detail, self.entity_id, self.store.clock.now())

    def entity_name(self) -> str:
        return clean(self.detail.deal.get("title")) if self.detail else ""

    def show(self, d: DealDetail) -> None:
        deal = d.deal
        status = deal.get("status", "open")
        badge = {"open": ("OPEN", tones.SUCCESS_B), "won": ("WON", tones.SUCCESS_CHIP), "lost": ("LOST", tones.ERROR_CHIP)}[status]
        header = Text.assemble(
            (clean(deal.get("title")), "bold"),
            "  ",
            (f" {badge[0]} ", badge[1]),
            "  ",
            (money(deal.get("value"), deal.get("currency")), tones.SUCCESS),
            (self.value_note(d), tones.MUTED),
            ("  ·  pipeline ", tones.MUTED),
            clean(d.pipeline_name),
        )
        self.query_one("#detail-header", Static).update(header)
        self.query_one(StageProgress).show(d.stages, deal.get("stage_id"), d.days_in_stage)
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style=tones.MUTED, no_wrap=True)
        table.add_column()
        rows: list[tuple[str, str]] = [
            ("Owner", clean(d.owner) or "—"),
            ("Expected close", deal.get("expected_close_date") or "—"),
            ("Probability", f"{deal['probability']:g}%" if deal.get("probability") is not None else "—"),
            ("Days in stage", str(d.days_in_stage) if d.days_in_stage is not None else "—"),
        ]
        if status == "lost":
            rows.append(("Lost reason", clean(deal.get("lost_reason")) or "—"))
        if status != "open":
            rows.append(("Closed", (deal.get("close_time") or "")[:10] or "—"))
        asks = [r for r in d.custom if r.flags]
        if asks:
            rows.append(("Stage asks for", ", ".join(clean(r.fd.name) + (" (missing)" if r.missing else "") for r in asks)))
        for key, value in rows:
            table.add_row(Text(key), Text(value))
        self.query_one("#detail-facts", Static).update(table)
        self.fill_links(d.person, d.org, "No person or organization linked")
        self.fill_products(d)
        self.fill_custom(d.custom)
        self.fill_activities(d.activities)

    # -- deal actions ------------------------------------------------------------------------------

    async def action_move(self, delta: int) -> None:
        if not self.detail or self.detail.deal.get("status") != "open":
            self.app.bell()
            return
        ids = [sid for sid, _ in self.detail.stages]
        current = self.detail.deal.get("stage_id")
        index = ids.index(current) + delta if current in ids else -1
        if not 0 <= index < len(ids):
            self.notify("No stage there", timeout=2)
            return
        await self._move(ids[index])

    async def _move(self, stage_id: int) -> None:
        await self.store.move_deal(self.entity_id, stage_id)
        name = dict(self.detail.stages).get(stage_id, "")
        self.notify(f"Moved to {clean(name)}", timeout=2, markup=False)

    @on(StageProgress.StageClicked)
    async def stage_clicked(self, event: StageProgress.StageClicked) -> None:
        if self.detail and self.detail.deal.get("status") == "open" and event.stage_id != self.detail.deal.get("stage_id"):
            await self._move(event.stage_id)

    async def action_won(self) -> None:
        await self.store.set_deal_status(self.entity_id, "won")

    async def action_lost(self) -> None:
        from tui.screens.dialogs import LostReasonScreen
        from tui.store.queries.board import recent_lost_reasons

        recent = await self.store.read(recent_lost_reasons)

        async def done(reason: str | None) -> None:
            if reason:
                await self.store.set_deal_status(self.entity_id, "lost", reason)

        self.app.push_screen(LostReasonScreen(self.entity_name(), recent), done)

    async def action_reopen(self) -> None:
        if self.detail and self.detail.deal.get("status") != "open":
            await self.store.set_deal_status(self.entity_id, "open")

    async def entity_form(self) -> Screen[Any]:
        from tui.screens.forms.entity_forms import DealForm

        return await DealForm.load(self.store, self.entity_id)


__all__ = ["DealScreen", "Any"]
