"""Markdown written by users, rendered to HTML that is safe to show.

``markdown`` renders, ``nh3`` (a whitelist sanitiser) removes everything that
is not plain formatting: scripts, event handlers, styles, unsafe URLs.
"""

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
