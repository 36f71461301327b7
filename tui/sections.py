"""The app's sections (Textual modes): key, title and screen, in the order of their keys.

Screens are imported when their section is first opened (the board at start): start-up
pays only for what it shows."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from textual._context import NoActiveAppError
from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    mode: str
    title: str
    screen: str  # "module:Class" under tui.screens

    def make(self) -> Screen:
        module, _, name = self.screen.partition(":")
        screen: Screen = getattr(importlib.import_module(f"tui.screens.{module}"), name)()
        styled_now(screen)
        return screen


def styled_now(screen: Screen) -> None:
    """A section's screen is styled from the app's current style sheet when Textual registers
    it (all of ours are read at launch: styles.app_paths). Textual 8 nevertheless sees a new
    mode's screen as out of date and parses every style sheet again and restyles every widget
    of the app, twice (once in `_init_mode`, whose refresh marks the old screen, once in
    `switch_mode`): ~70 ms of each section's first open at 160x45 (benchmarks/insights_bench.py).
    Marking the screen current skips that; a theme change still restyles it when it is shown
    (the count moves on). tests/test_sections.py fails if a first open parses CSS again."""
    try:
        app = screen.app
    except NoActiveAppError:
        return
    screen._css_update_count = app._css_update_count


SECTIONS: tuple[Section, ...] = (
    Section("board", "Pipeline board", "board:BoardScreen"),
    Section("agenda", "Activity agenda", "agenda:AgendaScreen"),
    Section("people", "People", "people:PeopleScreen"),
    Section("organizations", "Organizations", "organizations:OrganizationsScreen"),
    Section("leads", "Leads inbox", "leads:LeadsScreen"),
    Section("triage", "Triage to zero", "triage:TriageScreen"),
    Section("insights", "Insights and forecast", "insights:InsightsScreen"),
    Section("products", "Products", "products:ProductsScreen"),
    Section("archived", "Archived deals", "products:ArchivedDealsScreen"),
    Section("agent", "Agent inbox", "agent_inbox:AgentInboxScreen"),
)

MODES: dict[str, Callable[[], Screen]] = {s.mode: s.make for s in SECTIONS}
