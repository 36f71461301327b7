"""Display formatting shared by widgets and screens (no textual import)."""

from __future__ import annotations

from datetime import datetime, timezone

from tui import numbers
from tui.notes_html import strip_control


def clean(text: object) -> str:
    """Server text made safe for one terminal line: no control characters, no newlines."""
    if text is None:
        return ""
    return " ".join(strip_control(str(text)).split())


def money(value: float | None, currency: str | None, decimals: int | None = None, symbol: str | None = None) -> str:
    """12500 EUR -> "€12,500"; 12500.5 CHF -> "CHF 12,500.50". Whole amounts drop the decimals.
    Separators are the user's locale's (tui/numbers.py): "€12.500,50" in de_DE."""
    v = float(value or 0)
    dp = 2 if decimals is None else decimals
    text = numbers.group(v, dp if dp and v != int(v) else 0)
    code = currency or ""
    if symbol and len(symbol) == 1:
        return f"{symbol}{text}" if v >= 0 else f"-{symbol}{text[1:]}"
    return f"{text} {symbol or code}".strip()


def compact_money(value: float, currency: str | None, symbol: str | None = None) -> str:
    """Short totals for column headers: €1.2M, $350k."""
    v = float(value or 0)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):  # noqa: B007 (used after the break)
        if abs(v) >= limit:
            num = f"{v / limit:.1f}".rstrip("0").rstrip(".").replace(".", numbers.current().decimal)
            break
    else:
        num, suffix = numbers.group(v, 0), ""
    if symbol and len(symbol) == 1:
        return f"{symbol}{num}{suffix}"
    return f"{num}{suffix} {symbol or currency or ''}".strip()


def initials(name: str | None) -> str:
    parts = [p for p in clean(name).split() if p]
    if not parts:
        return "--"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


def ago(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    now = now or datetime.now(timezone.utc)
    seconds = int((now - when).total_seconds())
    if seconds < 5:
        return "just now"
    if seconds < 60:
        return f"{seconds}s ago"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    if seconds < 86400:
        return f"{seconds // 3600}h ago"
    return f"{seconds // 86400}d ago"


def fit_join(parts: list[str], width: int, sep: str = " · ") -> str:
    """As many parts as fit in `width` cells, then "+N" for the rest (never cut mid-part)."""
    from rich.cells import cell_len

    shown: list[str] = []
    for i, part in enumerate(parts):
        rest = len(parts) - i - 1
        candidate = sep.join(shown + [part])
        tail = f" +{rest}" if rest else ""
        if cell_len(candidate + tail) <= width:
            shown.append(part)
            continue
        more = len(parts) - len(shown)
        return sep.join(shown) + (f" +{more}" if shown else f"+{more}")
    return sep.join(shown)
