"""What the screen shows, as plain text: the text an SVG screenshot of it holds.

An SVG screenshot (`app.export_screenshot()`) draws each run of text that is not all blanks
at its place; its text, tags removed, is those runs one after another, line by line. This reads
the same runs from the compositor's full render, without building the SVG (~4 ms against
~90 ms at 160x45). tests/test_screen_text.py checks that the two agree.
"""


def rendered(app) -> list:
    """The current screen as the compositor renders it for a screenshot: per line, its strips."""
    return app.screen._compositor.render_update(full=True, screen_stack=app._background_screens).strips


def screen_text(app) -> str:
    lines = (
        "".join(seg.text for strip in line for seg in strip if not seg.control and seg.text != " " * len(seg.text))
        for line in rendered(app)
    )
    return "\n".join(lines).replace("\xa0", " ")


def svg_text(app) -> str:
    """The text of an SVG screenshot, tags and entities removed (what screen_text matches)."""
    import html
    import re

    svg = app.export_screenshot()
    body = svg.split('-matrix">', 1)[-1]
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", " ")
