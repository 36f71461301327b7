"""The app's sections (Textual modes): key, title and screen, in the order of their keys."""

from __future__ import annotations

from dataclasses import dataclass

from textual.screen import Screen

from tui.screens.agenda import AgendaScreen
from tui.screens.board import BoardScreen
from tui.screens.organizations import OrganizationsScreen
from tui.screens.people import PeopleScreen
from tui.screens.products import ArchivedDealsScreen, ProductsScreen
from tui.screens.triage import TriageScreen


@dataclass(frozen=True)
class Section:
    mode: str
    title: str
    screen: type[Screen]


SECTIONS: tuple[Section, ...] = (
    Section("board", "Pipeline board", BoardScreen),
    Section("agenda", "Activity agenda", AgendaScreen),
    Section("people", "People", PeopleScreen),
    Section("organizations", "Organizations", OrganizationsScreen),
    Section("triage", "Triage to zero", TriageScreen),
    Section("products", "Products", ProductsScreen),
    Section("archived", "Archived deals", ArchivedDealsScreen),
)

MODES: dict[str, type[Screen]] = {s.mode: s.screen for s in SECTIONS}
