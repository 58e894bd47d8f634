import pytest

from portal.markdown import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    '<iframe src="https://evil.example.com"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<details open ontoggle=alert(1)>",
    '"><script>alert(document.cookie)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<form action=https://evil.example.com><button>x</button></form>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_renders_hostile_input_inert(payload):
    html = render_markdown(payload).lower()

    for dangerous in ("<script", "onerror", "onload", "ontoggle", "javascript:", "<iframe", "style=", "<form", "data:"):
        assert dangerous not in html


def test_markdown_keeps_formatting_lists_tables_and_safe_links():
    html = render_markdown(
        "**MDR** *Art. 62*\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[MDCG](https://health.ec.europa.eu/)"
    )

    assert "<strong>MDR</strong>" in html
    assert "<em>Art. 62</em>" in html
    assert "<li>one</li>" in html
    assert "<td>1</td>" in html
    assert 'href="https://health.ec.europa.eu/"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_top_level_headings_become_plain_text():
    assert "<h1>" not in render_markdown("# Shouting")
    assert "Shouting" in render_markdown("# Shouting")
