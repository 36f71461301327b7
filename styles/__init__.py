"""Textual CSS files, shipped inside the wheel."""

from pathlib import Path

STYLES_DIR = Path(__file__).parent


def path(name: str) -> Path:
    """Absolute path of a .tcss file in this package (works installed or from a clone)."""
    return STYLES_DIR / name
