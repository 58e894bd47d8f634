"""The first-visit assets built by `make css` (portal/frontend/) stay in step with the templates."""

import re
from pathlib import Path

from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_portal_sprite_has_every_icon_the_templates_use():
    sprite = (STATIC / "svg" / "portal-sprites.svg").read_text(encoding="utf-8")
    symbols = set(re.findall(r'<symbol id="([^"]+)"', sprite))
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used.update(re.findall(r"portal-sprites\.svg' %\}#(it-[\w-]+)", template.read_text(encoding="utf-8")))

    assert used, "base.html draws its header icons from the portal sprite"
    assert used <= symbols, f"run `make css`: {sorted(used - symbols)} missing from static/svg/portal-sprites.svg"


def test_fonts_css_points_at_files_that_exist():
    css = (STATIC / "css" / "fonts.css").read_text(encoding="utf-8")
    urls = re.findall(r'url\("\.\./([^"]+)"\)', css)

    assert len(urls) == 18  # nine faces, each a Latin file and a file with the rest
    assert all((STATIC / url).is_file() for url in urls)
    assert css.count("unicode-range:") == 18


def test_base_template_loads_the_purged_stylesheet_not_the_full_theme():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")

    assert "css/bootstrap-italia.purged.min.css" in base
    assert "css/bootstrap-italia.min.css" not in base
    assert "bootstrap-italia.bundle.min.js" not in base
    assert (STATIC / "css" / "bootstrap-italia.purged.min.css").is_file()


def test_home_page_links_the_built_assets(anonymous_client):
    page = anonymous_client.get("/").content.decode()

    assert 'href="/static/css/bootstrap-italia.purged.min.css"' in page
    assert 'href="/static/fonts/subset/titillium-web-400-latin.woff2" as="font"' in page
    assert page.count("/static/svg/portal-sprites.svg#it-") >= 3
