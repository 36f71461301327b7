"""What the config's model and its readers share without pydantic: the error, a problem on a
line, and the constants of a few settings. tui/config.py reads an unchanged file through
these alone (pydantic costs ~110 ms of start-up); tui/config_model.py validates a new one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def format(self, path: Any) -> str:
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"


AUTH_MODES = ("token", "oauth", "maton")
STUCK_DAYS = 30  # the default of [triage] stuck_days
# the MCP server's tools that propose changes (tui/agent/writes.py): the names [profiles.X]
# mcp_auto_approve may list
AGENT_WRITE_TOOLS = (
    "add_note",
    "schedule_activity",
    "complete_activity",
    "log_call",
    "move_stage",
    "mark_won",
    "mark_lost",
    "update_fields",
    "create_person",
    "create_organization",
    "create_deal",
)
AGENT_TOKENS_PER_HOUR = 2000  # the default hourly cap on the tokens the MCP server may cause
