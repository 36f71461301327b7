"""What the screen shows, as plain text (from the SVG export, tags and entities removed)."""

import html
import re


def screen_text(app) -> str:
    svg = app.export_screenshot()
    body = svg.split("<g class=", 1)[-1]
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", " ")
