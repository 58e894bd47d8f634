"""The XSS corpus and the judge of what a browser would run, shared by the
forum's tests (tests/forum/test_xss.py) and the portal-wide ones
(tests/security/test_xss_everywhere.py).

"Executable" is judged on the parsed page: no <script> but the portal's own
static files, no event-handler attribute (``on...=``) on any element, no
``javascript:`` (or ``vbscript:``/``data:``) URL in a link or a source, no
frame, object, embed or base element. Text containing the payload is fine as
long as it is escaped (``&lt;script&gt;``).
"""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert('xss-script')</script>",
    "<img src=x onerror=alert('xss-img')>",
    "[clicca qui](javascript:alert('xss-md'))",
    "[clicca qui](JaVaScRiPt:alert('xss-md-case'))",
    "<svg onload=alert('xss-svg')>",
    "\"><script>alert('xss-quote')</script>",
    "'><img src=x onerror=alert('xss-single-quote')>",
    "<a href=\"javascript:alert('xss-a')\">link</a>",
    "<a href='jav&#x09;ascript:alert(1)'>tab</a>",
    "<iframe src=\"javascript:alert('xss-iframe')\"></iframe>",
    "<details open ontoggle=alert('xss-toggle')>x</details>",
    "![immagine](x\" onerror=\"alert('xss-md-img'))",
    "<body onload=alert('xss-body')>",
    '<div style="background:url(javascript:alert(1))">stile</div>',
]
PAYLOAD_IDS = [f"payload{n}" for n in range(len(PAYLOADS))]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
FEED = "{http://www.w3.org/2005/Atom}"


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def executable_markup(html: str) -> list[str]:
    """What in ``html`` a browser would run: empty when the page is safe."""
    found = []
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            found.append(f"<script {attrs}>")
        if tag in ("iframe", "object", "embed", "base"):
            found.append(f"<{tag} {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value and "javascript:" in value.lower():
                found.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRIBUTES and value:
                url = re.sub(r"[\x00-\x20]", "", value).lower()
                if url.startswith(DANGEROUS_SCHEMES):
                    found.append(f"<{tag} {name}={value!r}>")
    # The same, on the raw text, as a browser's lenient parser might see it.
    found += re.findall(r"<script\b(?![^>]*\bsrc=\"/static/)[^>]*>", html, flags=re.IGNORECASE)
    # Quoted attribute values are escaped text (a raw quote cannot be in them): leave them out.
    unquoted = re.sub(r'="[^"]*"', '=""', html)
    found += re.findall(r"<[a-z][^<>]*\son[a-z]+\s*=[^<>]*>", unquoted, flags=re.IGNORECASE)
    found += re.findall(r"href\s*=\s*[\"']?\s*javascript:", html, flags=re.IGNORECASE)
    return found


RAW_MARKUP = (
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "<iframe",
    "<body onload",
    "<details open ontoggle",
    "<object data",
    '<form action="javascript',
    "<base href",
    "<math>",
)


def assert_safe(html: str) -> None:
    found = executable_markup(html)
    assert found == [], found
    for raw in RAW_MARKUP:
        assert raw not in html, raw


def assert_safe_feed(xml: str) -> list[ET.Element]:
    assert "<script" not in xml
    assert "<img" not in xml
    entries = ET.fromstring(xml).findall(f"{FEED}entry")  # noqa: S314 (our own feed, in a test)
    for entry in entries:
        title = entry.find(f"{FEED}title")
        assert title.get("type") in (None, "text")  # shown as text by feed readers, never as HTML
        for element in entry:
            if element.get("type") == "html":
                # Feed readers render this HTML: it must be as safe as a page.
                assert_safe(element.text or "")
    return entries
