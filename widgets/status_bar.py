"""Status line: profile, online/offline/syncing (with progress), pending edits, conflicts,
last sync and the rate-limit budget. Fed by the app's `store_status` reactive."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from tui.formatting import ago
from tui.store.events import StoreStatus
from tui.widgets import tones


def status_text(s: StoreStatus, now: datetime | None = None, width: int = 160) -> Text:
    parts: list[Text] = [Text(f" {s.profile} ", style="bold reverse")]
    if s.mode == "syncing":
        label = "first sync" if s.first_sync else "syncing"
        what = f" {s.sync_collection} {s.sync_done:,}" if s.sync_collection else ""
        if s.first_sync:
            filled = min(10, s.sync_done // 100) if not s.sync_total else int(10 * s.sync_done / max(1, s.sync_total))
            what += " [" + "█" * filled + "░" * (10 - filled) + "]"
        parts.append(Text(f" ⟳ {label}{what}", style=tones.INFO_B))
    elif s.mode == "offline":
        parts.append(Text(" ✖ offline", style=tones.ERROR_B))
    elif s.mode == "signed_out":
        parts.append(Text(" ✖ signed out: press L to log in again", style=tones.ERROR_B))
    elif s.mode == "budget_spent":
        until = f" until {s.resume_at:%H:%M}" if s.resume_at else " until the server's midnight"
        parts.append(Text(f" ✖ daily API budget spent: edits wait{until}", style=tones.ERROR_B))
    elif s.mode == "blocked":
        until = f" until {s.resume_at:%H:%M}" if s.resume_at else ""
        parts.append(Text(f" ✖ blocked by Pipedrive's firewall: paused{until}", style=tones.ERROR_B))
    else:
        parts.append(Text(" ● online", style=tones.SUCCESS))
    if s.pending:
        parts.append(Text(f" · {s.pending} pending", style=tones.WARNING))
    if s.unconfirmed:  # Pipedrive made them but did not say the ids: looked up, never sent again
        parts.append(Text(f" · {s.unconfirmed} created, id not known yet", style=tones.MUTED))
    if s.proposals:  # an agent's proposals (pipedrive-tui mcp) wait for review in section 8
        parts.append(Text(f" · {s.proposals} proposal{'s' if s.proposals > 1 else ''}: press 8", style=tones.WARNING_B))
    if s.conflicts:
        parts.append(Text(f" · {s.conflicts} conflict{'s' if s.conflicts > 1 else ''}: press !", style=tones.ERROR_B))
    parts.append(Text(f" · synced {ago(s.last_sync, now)}" if s.last_sync else " · not synced yet", style=tones.MUTED))
    b = s.budget
    if b is not None and b.daily_remaining is not None and b.daily_limit:
        pct = 100 * b.daily_remaining / b.daily_limit
        if s.refresh == "manual":
            parts.append(Text(f" · API {pct:.0f}% of daily budget left: refresh only on r", style=tones.ERROR_B))
        elif s.refresh == "low_budget":
            parts.append(Text(f" · API {pct:.0f}% of daily budget left: refreshing every 8 min", style=tones.WARNING))
        else:
            parts.append(Text(f" · API {pct:.0f}% of daily budget left", style=tones.ERROR if pct < 10 else tones.MUTED))
    elif b is not None and b.burst_remaining is not None and b.burst_limit and b.burst_remaining < b.burst_limit / 4:
        parts.append(Text(f" · API {b.burst_remaining}/{b.burst_limit} per 2s", style=tones.WARNING))
    if s.last_error and s.mode not in ("signed_out", "budget_spent", "blocked"):
        parts.append(Text(f" · {s.last_error}", style=tones.ERROR))
    text = Text.assemble(*parts)
    text.truncate(width, overflow="ellipsis")
    return text


class StatusBar(Static):
    DEFAULT_CSS = "StatusBar { height: 1; background: $panel; }"

    def on_mount(self) -> None:
        self.watch(self.app, "store_status", self._show, init=True)
        self.set_interval(5, lambda: self._show(getattr(self.app, "store_status", None)))

    def _show(self, status: StoreStatus | None) -> None:
        if status is None:
            return
        clock = getattr(getattr(self.app, "store", None), "clock", None)
        text = status_text(status, clock.now() if clock else None, max(20, self.size.width or 160))
        self.update(text, layout=False)  # one line of fixed height: no layout pass, which repaints the whole screen
