"""The app's sections (Textual modes): key, title and screen, in the order of their keys.

Screens are imported when their section is first opened (the board at start): start-up
pays only for what it shows."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    mode: str
    title: str
    screen: str  # "module:Class" under tui.screens

    def make(self) -> Screen:
        module, _, name = self.screen.partition(":")
        return getattr(importlib.import_module(f"tui.screens.{module}"), name)()


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
