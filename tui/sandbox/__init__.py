"""A local Pipedrive-compatible backend with generated demo data. No textual import here."""

from tui.sandbox.core import Sandbox
from tui.sandbox.generator import generate

__all__ = ["Sandbox", "generate"]
