from tui.notes_html import html_to_text, strip_control, summary, text_to_html


def test_user_text_is_escaped_with_line_breaks_kept():
    html = text_to_html("Hi <b>team</b> & co\nsecond line\n\nnew para")
    assert html == "<p>Hi &lt;b&gt;team&lt;/b&gt; &amp; co<br>second line</p><p>new para</p>"


def test_round_trip_keeps_the_text():
    text = "Call back on Monday\n<script>alert(1)</script>\n\n[bold]not markup[/]"
    assert html_to_text(text_to_html(text)) == text


def test_server_html_becomes_readable_text():
    html = (
        "<p>Met with <b>Anna</b> &amp; Jörg</p><p>Next:<br>send offer</p>"
        "<ul><li>pricing</li><li>terms</li></ul>"
        '<ol><li>one</li><li>two</li></ol><p>See <a href="https://x.example/a">the doc</a></p>'
        "<script>evil()</script><style>p{}</style>"
    )
    assert html_to_text(html) == (
        "Met with Anna & Jörg\n\nNext:\nsend offer\n\n• pricing\n• terms\n1. one\n2. two\nSee the doc (https://x.example/a)"
    )


def test_control_characters_never_reach_the_terminal():
    assert html_to_text("<p>red \x1b[31mtext\x1b[0m</p>") == "red [31mtext[0m"
    assert strip_control("a\x07b\tc\nd") == "ab\tc\nd"


def test_summary_is_one_line_and_cut():
    assert summary("<p>a</p><p>b</p>") == "a b"
    assert summary("<p>" + "x" * 100 + "</p>", width=10) == "x" * 9 + "…"
