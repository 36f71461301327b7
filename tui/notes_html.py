"""Note content: plain text <-> the HTML Pipedrive stores.

- `text_to_html`: the user's text, HTML-escaped, one <p> per paragraph, <br> for single
  line breaks. Nothing the user typed is ever interpreted as markup.
- `html_to_text`: server HTML shown as readable text: paragraphs and <br> become line
  breaks, list items get bullets, links show their text (and the URL when it differs),
  entities are decoded, scripts/styles dropped, every other tag ignored. Control
  characters (ANSI escapes) are stripped so nothing reaches the terminal raw.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible format characters (Unicode category Cf): bidi overrides and isolates can make a
# title read differently from what it is ("Trojan Source"), zero-width ones hide text or
# break column alignment. ZWNJ/ZWJ (U+200C/D) stay: scripts and emoji sequences need them.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
PLACEHOLDER = "\ufffd"


def strip_control(text: str) -> str:
    """Text safe for a terminal: control characters (ANSI escapes, OSC) removed, invisible
    format characters (bidi controls, zero-width spaces) shown as PLACEHOLDER. Keeps
    newlines and tabs."""
    return _INVISIBLE.sub(PLACEHOLDER, _CONTROL.sub("", text))


_FORMATTING = re.compile(r"<(b|strong|i|em|u|s|strike|del|a|ul|ol|li|h[1-6]|table|img|blockquote|pre|code|font)\b", re.I)


def has_formatting(content: str | None) -> bool:
    """True when note HTML holds formatting the plain-text editor cannot keep."""
    return content is not None and _FORMATTING.search(content) is not None


def text_to_html(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    paragraphs = re.split(r"\n\s*\n", text)
    out = []
    for para in paragraphs:
        lines = [html.escape(line, quote=False) for line in para.split("\n")]
        out.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(out)


class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._href: list[str | None] = []
        self._link_text: list[list[str]] = []
        self._list: list[list[int]] = []  # stack of [ordered, counter]

    def _emit(self, text: str) -> None:
        if self._link_text:
            self._link_text[-1].append(text)
        else:
            self.parts.append(text)

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head", "title"}:
            self._skip += 1
        elif tag == "br":
            self._emit("\n")
        elif tag in self.BLOCK:
            self._newline()
        elif tag in {"ul", "ol"}:
            self._newline()
            self._list.append([1 if tag == "ol" else 0, 0])
        elif tag == "li":
            self._newline()
            depth = max(len(self._list) - 1, 0)
            if self._list and self._list[-1][0]:
                self._list[-1][1] += 1
                self.parts.append("  " * depth + f"{self._list[-1][1]}. ")
            else:
                self.parts.append("  " * depth + "• ")
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))
            self._link_text.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head", "title"}:
            self._skip = max(0, self._skip - 1)
        elif tag == "p":
            self._newline()
            self.parts.append("\n")  # paragraphs are separated by a blank line
        elif tag in self.BLOCK or tag == "li":
            self._newline()
        elif tag in {"ul", "ol"}:
            if self._list:
                self._list.pop()
            self._newline()
        elif tag == "a" and self._link_text:
            text = "".join(self._link_text.pop()).strip()
            href = self._href.pop() if self._href else None
            shown = text
            if href and href.strip() and href.strip() != text:
                shown = f"{text} ({href.strip()})" if text else href.strip()
            self._emit(shown)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._emit(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(content: str) -> str:
    parser = _TextExtractor()
    parser.feed(content or "")
    parser.close()
    while parser._link_text:  # unclosed <a>
        parser.parts.extend(parser._link_text.pop())
    text = "".join(parser.parts)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return strip_control(text)


def summary(content: str, width: int = 80) -> str:
    """One-line preview of a note."""
    text = " ".join(html_to_text(content).split())
    return text if len(text) <= width else text[: width - 1] + "…"
