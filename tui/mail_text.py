"""A mail body (HTML) as readable text: lines, which of them are quoted, and the links.

The HTML is laid out by inscriptis (Apache-2.0, on lxml): block elements, lists and tables
as text, scripts and styles dropped, entities decoded. Each link with an http(s) or mailto
address gets a number, shown after its text ("the proposal [1]") and kept in `links`.
Quoted replies are found three ways: inside <blockquote>, "> " lines, and the "On …, …
wrote:" line that introduces a quote (it stays visible; what follows is quoted). Every line
passes through `strip_control` (no escape sequences, no bidi controls reach the terminal);
nothing here is Rich markup: the screen builds Text objects from these strings.

No Textual, no Rich: converting a 1 MB body takes about half a second, so the mail screen
runs `convert` in a worker thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tui.notes_html import strip_control

LINK_SCHEMES = ("http://", "https://", "mailto:")
_INTRO = re.compile(r"^\s*(On\s.{1,200}\swrote:|Am\s.{1,200}\sschrieb.{0,40}:|Le\s.{1,200}\sa écrit\s?:)\s*$", re.I)
_QUOTED = re.compile(r"^\s*>")


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    quoted: bool = False
    intro: bool = False  # "On …, … wrote:"


@dataclass
class MailText:
    lines: list[Line] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def quoted_count(self) -> int:
        return sum(line.quoted for line in self.lines)


def _number_links(tree: Any) -> list[str]:
    """Number the http(s)/mailto links: " [n]" after each one's text; their addresses, in order."""
    links: list[str] = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href.lower().startswith(LINK_SCHEMES):
            continue
        href = strip_control(href).replace("\ufffd", "")
        links.append(href)
        a.tail = f" [{len(links)}]" + (a.tail or "")
    return links


def convert(html: str) -> MailText:
    """The body's text lines (quoted ones marked) and its numbered links."""
    if not html or not html.strip():
        return MailText()
    import lxml.html
    from inscriptis import Inscriptis
    from inscriptis.model.config import ParserConfig

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # not HTML at all (lxml refuses some inputs): show it as text
        return MailText([Line(strip_control(line)) for line in html.splitlines()])
    for bad in tree.xpath("//script|//style|//head"):
        bad.drop_tree()
    links = _number_links(tree)
    parser = Inscriptis(tree, ParserConfig(annotation_rules={"blockquote": ["quote"]}))
    text = parser.get_text()
    return MailText(_lines(text, _merged(sorted((a.start, a.end) for a in parser.get_annotations()))), links)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Nested or touching quote spans as disjoint ones, in order."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _lines(text: str, spans: list[tuple[int, int]]) -> list[Line]:
    out: list[Line] = []
    pos = 0
    span_i = 0
    in_quote_after_intro = False
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        while span_i < len(spans) and spans[span_i][1] <= start:
            span_i += 1
        in_block = span_i < len(spans) and spans[span_i][0] < max(end, start + 1)
        line = strip_control(raw.replace("\t", "    ")).rstrip()
        if not line.strip():
            if out and not out[-1].text:
                continue  # one blank line at most
            out.append(Line("", quoted=in_block or in_quote_after_intro))
            continue
        in_quote = in_block or in_quote_after_intro
        intro = not in_quote and _INTRO.match(line) is not None  # an intro inside a quote is quoted
        quoted = in_quote or _QUOTED.match(line) is not None
        in_quote_after_intro = in_quote_after_intro or intro
        out.append(Line(line, quoted=quoted, intro=intro))
    while out and not out[-1].text:
        out.pop()
    while out and not out[0].text:
        out.pop(0)
    return _dedent(out)


def _dedent(lines: list[Line]) -> list[Line]:
    """The layout's common left margin removed (keeping quotes' and lists' own indents)."""
    margins = [len(line.text) - len(line.text.lstrip(" ")) for line in lines if line.text]
    cut = min(margins, default=0)
    if not cut:
        return lines
    return [Line(line.text[cut:], line.quoted, line.intro) for line in lines]


_ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


def reply_url(sender: str, recipients: str, subject: str, sent: bool) -> str:
    """mailto: addressed to the sender (to the first recipient of one's own message), with
    "Re: <subject>"; both URL-encoded, so nothing in them adds headers or a body."""
    from urllib.parse import quote

    address = sender
    if sent or not address:
        found = _ADDRESS.search(recipients)
        address = found.group(1) if found else recipients.split(",")[0].strip() or sender
    address = strip_control(address).replace("\ufffd", "").strip()
    subject = " ".join(strip_control(subject).replace("\ufffd", "").split())
    if not re.match(r"(?i)re:", subject):
        subject = f"Re: {subject}"
    return f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"
