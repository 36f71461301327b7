"""Numbers as the user writes and reads them: the decimal and group separators of their locale.

The locale is Pipedrive's (`users/me` -> `locale`, e.g. "de_DE"), else the system's (LC_ALL,
LC_NUMERIC, LANG). Its symbols come from Babel (the CLDR data), resolved once and kept in the
cache's meta table so a launch does not import Babel.

Reading a typed number (`parse`):
- spaces, no-break spaces, apostrophes and underscores only ever group digits: dropped;
- with both `.` and `,`, the last one is the decimal mark: accepted when that is the locale's
  ("1.234,56" in de_DE), refused otherwise ("1.234,56" in en_US: never 1.23 nor 1.23456);
- one kind of separator: the locale's reading when it is valid there ("1,234" is 1234 in
  en_US, 1.234 in de_DE); else the other reading when only it fits ("12,5" in en_US is 12.5:
  a comma before one or two digits groups nothing); else refused as ambiguous.
What will be saved is shown back in the locale (`preview`), so a reading is never a surprise.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

Result = tuple[Any, str | None]


@dataclass(frozen=True)
class NumberLocale:
    code: str
    decimal: str
    group: str
    name: str

    def dump(self) -> str:
        return "\x1f".join((self.code, self.decimal, self.group, self.name))

    @classmethod
    def load(cls, text: str | None) -> NumberLocale | None:
        parts = (text or "").split("\x1f")
        return cls(*parts) if len(parts) == 4 and len(parts[1]) == 1 and len(parts[2]) <= 1 else None

    @property
    def mark(self) -> str:
        """The decimal mark the parser works with ('.' or ',')."""
        return self.decimal if self.decimal in ".," else "."

    def example(self, value: float = 1234.56) -> str:
        return group(value, 2, self)


EN_US = NumberLocale("en_US", ".", ",", "English (United States)")
_current = EN_US


def current() -> NumberLocale:
    return _current


def use(loc: NumberLocale) -> bool:
    """Make `loc` the locale of every number shown and read; True if it changed."""
    global _current
    changed = loc != _current
    _current = loc
    return changed


def system_code(env: dict[str, str] | None = None) -> str | None:
    """The system's locale for numbers ("de_DE"), or None for C/POSIX/unset."""
    env = dict(os.environ if env is None else env)
    for name in ("LC_ALL", "LC_NUMERIC", "LANG"):
        value = (env.get(name) or "").split(".")[0].split("@")[0]
        if value:
            return None if value in ("C", "POSIX") else value
    return None


@lru_cache(maxsize=32)
def resolve(code: str | None) -> NumberLocale:
    """The separators of a locale code ("de_DE", "de-CH", "fr"); en_US for an unknown one."""
    if not code:
        return EN_US
    if code.replace("-", "_") == "en_US":
        return EN_US
    try:
        from babel import Locale, UnknownLocaleError
        from babel.numbers import get_decimal_symbol, get_group_symbol
    except ImportError:  # pragma: no cover - babel is a dependency
        return EN_US
    try:
        loc = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return EN_US
    decimal, group_ = get_decimal_symbol(loc), get_group_symbol(loc)
    if len(decimal) != 1 or len(group_) > 1:
        return EN_US
    return NumberLocale(str(loc), decimal, group_, loc.english_name or str(loc))


# -- showing ------------------------------------------------------------------------------------


def group(value: float | Decimal, decimals: int, loc: NumberLocale | None = None) -> str:
    """12500.5 -> "12,500.50" (en_US), "12.500,50" (de_DE), "12 500,50" (fr_FR)."""
    loc = loc or _current
    text = f"{value:,.{decimals}f}"
    if loc.decimal == "." and loc.group == ",":
        return text
    return text.replace(",", "\0").replace(".", loc.decimal).replace("\0", loc.group)


def plain(value: Any, loc: NumberLocale | None = None) -> str:
    """A number as it goes into an input field: no grouping, the locale's decimal mark."""
    if value is None or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return str(int(number))
    text = repr(number) if "e" not in repr(number) else f"{number:f}".rstrip("0")
    return text.replace(".", (loc or _current).decimal)


def shown(value: float | int | Decimal, loc: NumberLocale | None = None, *, money: bool = False) -> str:
    """A number as read back to the user: grouped, with as many decimals as it has (an amount
    with cents: two)."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    exponent = d.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    if money and decimals == 1:
        decimals = 2
    return group(d, min(decimals, 10), loc)


# -- reading ------------------------------------------------------------------------------------

_GROUPING_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’_]")
_SIGN = {"-": -1, "−": -1, "+": 1}


def parse(
    text: str,
    what: str = "Value",
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    loc: NumberLocale | None = None,
) -> Result:
    """(number or None when empty, error message or None). Never guesses an ambiguous reading."""
    value, error = read(text, loc)
    if error:
        return None, f"{what} {error}" if error.startswith("must") else f"{what}: {error}"
    if value is None:
        return None, None
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        return None, f"{what} must be between {plain(minimum, loc)} and {plain(maximum, loc)}"
    return value, None


def read(text: str, loc: NumberLocale | None = None) -> Result:
    """(int or float, None), (None, None) for an empty text, or (None, why it is refused)."""
    loc = loc or _current
    typed = text.strip()
    raw = _GROUPING_SPACES.sub("", typed)
    if not raw:
        return None, None
    sign = 1
    if raw[0] in _SIGN:
        sign, raw = _SIGN[raw[0]], raw[1:]
    if not raw or not re.fullmatch(r"[0-9.,]+", raw) or not any(c.isdigit() for c in raw):
        return None, f"must be a number, e.g. 1250 or {group(1250.5, 2, loc)}"
    number, error = _read(raw, loc, typed)
    if error:
        return None, error
    as_float = float(sign * number)
    return (int(as_float) if as_float.is_integer() and abs(as_float) < 2**53 else as_float), None


def _read(raw: str, loc: NumberLocale, typed: str) -> tuple[Decimal, str | None]:
    mark = loc.mark
    other = "," if mark == "." else "."
    has_mark, has_other = mark in raw, other in raw
    if has_mark and has_other:
        last = max(raw.rfind(mark), raw.rfind(other))
        whole, _, frac = raw.rpartition(raw[last])
        if raw[last] != mark or raw.count(mark) != 1 or not _grouped(whole, other) or not frac:
            return Decimal(0), f"'{typed}' is not a number in {loc.name}: write {loc.example()}"
        return _dec(whole.replace(other, "") + "." + frac), None
    sep = mark if has_mark else other if has_other else ""
    if not sep:
        return _dec(raw), None
    parts = raw.split(sep)
    if sep == mark and len(parts) == 2 and parts[1]:  # the locale's decimal mark
        return _dec((parts[0] or "0") + "." + parts[1]), None
    if _grouped(raw, sep):  # 1,234,567 / 1.234.567 / 1,234 (en_US) / 1.234 (de_DE) groups
        if len(parts) > 2 or sep == loc.group:
            return _dec(raw.replace(sep, "")), None
    if sep == other and len(parts) == 2 and parts[0] and parts[1] and len(parts[1]) != 3:
        return _dec(parts[0] + "." + parts[1]), None  # "12,5" in en_US: only a decimal fits
    if len(parts) == 2 and parts[0] and parts[1]:
        one, two = _dec(parts[0] + parts[1]), _dec(parts[0] + "." + parts[1])
        return Decimal(0), f"'{typed}' is ambiguous: write {shown(one, loc)} or {shown(two, loc)}"
    return Decimal(0), f"'{typed}' is not a number in {loc.name}: write {loc.example()}"


def _grouped(text: str, sep: str) -> bool:
    return re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(sep)}[0-9]{{3}})*", text) is not None


def _dec(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above allow only digits
        return Decimal(0)


def preview(text: str, unit: str = "", loc: NumberLocale | None = None, *, money: bool = False) -> str | None:
    """What a typed number will be saved as ("= 1,234.56 GBP"), or the reason it will not."""
    value, error = read(text, loc)
    if error:
        return error
    if value is None:
        return None
    return f"= {shown(value, loc, money=money)}{(' ' + unit) if unit else ''}"
