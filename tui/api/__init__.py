"""Async Pipedrive client (httpx). No textual import here."""

from tui.api.auth import Auth
from tui.api.budget import Budget
from tui.api.client import PipedriveClient, RequestLog

__all__ = ["Auth", "Budget", "PipedriveClient", "RequestLog"]
