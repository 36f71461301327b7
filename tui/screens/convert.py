"""Convert a lead into a deal (`C`): pick the pipeline, then the stage; the conversion is
queued in the store's outbox (tui/store/conversion.py) and runs when Pipedrive answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.formatting import clean
from tui.screens.dialogs import ChoiceScreen
from tui.store.edits import EditError
from tui.store.queries import board as qb


async def convert_lead(screen: Any, lead_id: str, title: str, queued: Callable[[str], None] | None = None) -> None:
    """Ask for the pipeline (when there are several) and the stage, then queue the conversion;
    `queued(lead_id)` runs once it is in the outbox."""
    store, app = screen.store, screen.app
    pipelines = await store.read(qb.pipelines)
    if not pipelines:
        app.notify("No pipelines in the cache yet: wait for the sync", timeout=3)
        return
    name = clean(title)

    async def stage_of(pipeline_id: int | None) -> None:
        if pipeline_id is None:
            return
        pipeline = next(p for p in pipelines if p.id == pipeline_id)
        stages = await store.read(qb.stages, pipeline_id)
        if not stages:
            app.notify(f"The pipeline {clean(pipeline.name)} has no stages", timeout=3)
            return

        async def chosen(stage_id: int | None) -> None:
            if stage_id is None:
                return
            try:
                await store.convert_lead(lead_id, stage_id)
            except EditError as exc:
                app.notify(f"Not converted: {exc}", severity="warning", timeout=4, markup=False)
                return
            stage = next(s for s in stages if s.id == stage_id)
            app.notify(f"Converting “{name}” into a deal in {clean(pipeline.name)} › {clean(stage.name)}…", timeout=4, markup=False)
            if queued is not None:
                queued(lead_id)

        app.push_screen(
            ChoiceScreen(
                f"Convert “{name}” into a deal\nStage in {clean(pipeline.name)}:", [(s.name, s.id) for s in stages], current=stages[0].id
            ),
            chosen,
        )

    if len(pipelines) == 1:
        await stage_of(pipelines[0].id)
        return
    app.push_screen(
        ChoiceScreen(f"Convert “{name}” into a deal\nPipeline:", [(p.name, p.id) for p in pipelines], current=pipelines[0].id), stage_of
    )
