"""The app's notion of "now" and "today", freezable for tests and snapshots.

Everything that depends on the current date (activity status, rotting, agenda groups,
demo data) asks a Clock instead of calling datetime.now(). Tests pass
`Clock.frozen(datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))`.
`PIPEDRIVE_TUI_NOW` (ISO datetime with offset) freezes the app's clock from outside.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo


def _local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    return tz or timezone.utc


@dataclass(frozen=True)
class Clock:
    fixed: datetime | None = None
    tz: tzinfo | None = None

    @classmethod
    def frozen(cls, when: datetime) -> "Clock":
        if when.tzinfo is None:
            raise ValueError("a frozen clock needs an aware datetime")
        return cls(fixed=when, tz=when.tzinfo)

    @classmethod
    def from_env(cls) -> "Clock":
        value = os.environ.get("PIPEDRIVE_TUI_NOW")
        if value:
            return cls.frozen(datetime.fromisoformat(value.replace("Z", "+00:00")))
        return cls()

    @property
    def zone(self) -> tzinfo:
        return self.tz or _local_tz()

    def now(self) -> datetime:
        """Aware datetime in the user's time zone."""
        if self.fixed is not None:
            return self.fixed
        return datetime.now(self.zone)

    def utcnow(self) -> datetime:
        return self.now().astimezone(timezone.utc)

    def today(self) -> date:
        """The user's local date."""
        return self.now().date()

    def tomorrow(self) -> date:
        return self.today() + timedelta(days=1)


SYSTEM_CLOCK = Clock()
