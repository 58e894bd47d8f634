"""Writes static/svg/portal-sprites.svg: the theme's icon sprite cut down to the icons the portal uses.

    make css        (or: .venv/bin/python portal/frontend/build_sprite.py)

The theme's sprites.svg holds every Bootstrap Italia icon (~190 KiB, 32 KiB
gzipped) and the page header needs four. The templates refer to icons as
``{% static 'svg/portal-sprites.svg' %}#it-<name>``; this script collects those
names from templates/ and copies their ``<symbol>`` elements. Rerun it after
using a new icon (tests/portal/test_frontend_assets.py fails until then).
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TARGET = ROOT / "static" / "svg" / "portal-sprites.svg"
USE = re.compile(r"portal-sprites\.svg' %\}#(it-[\w-]+)")
SYMBOL = re.compile(r'<symbol id="(?P<id>[^"]+)"[^>]*>.*?</symbol>', re.DOTALL)


def used_icons() -> set[str]:
    names: set[str] = set()
    for template in (ROOT / "templates").rglob("*.html"):
        names.update(USE.findall(template.read_text(encoding="utf-8")))
    return names


def main() -> int:
    import bootstrap_italia_template

    source = Path(bootstrap_italia_template.__file__).parent / "static" / "svg" / "sprites.svg"
    symbols = {m["id"]: m.group(0) for m in SYMBOL.finditer(source.read_text(encoding="utf-8"))}
    wanted = sorted(used_icons())
    missing = [name for name in wanted if name not in symbols]
    if missing:
        print(f"Not in the theme's sprite: {', '.join(missing)}", file=sys.stderr)
        return 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(symbols[name] for name in wanted)
    TARGET.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>\n', encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(wanted)} icons ({', '.join(wanted)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
