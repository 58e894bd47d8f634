"""Screenshots of the portal's main pages, to check that a CSS change (the purged
Bootstrap Italia stylesheet, fonts) leaves every page looking the same.

    # before the change, against a running server
    .venv/bin/python bench/lighthouse/screens.py shoot --base-url http://127.0.0.1:8301 /tmp/shots-before
    # after it
    .venv/bin/python bench/lighthouse/screens.py shoot --base-url http://127.0.0.1:8302 /tmp/shots-after
    .venv/bin/python bench/lighthouse/screens.py compare /tmp/shots-before /tmp/shots-after

Each page is taken whole at 1280 px and 360 px wide, after the fonts have loaded.
``compare`` prints, for every pair that differs, the share of differing pixels
and the box around them, writes a ``*-diff.png`` beside the second folder's
file, and exits 1 when anything differs. "My area" is taken signed in as the
demo member (``manage.py seed_demo``).
"""

import argparse
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "home": "/",
    "forum": "/forum/",
    "question": "/forum/15/",
    "signin": "/accounts/login/",
    "clinics": "/board/clinics/",
    "guideline": "/guidelines/1.1/",
}
SIGNED_IN_PAGES = {"myarea": "/dashboard/"}
MEMBER = ("member@demo.example.org", "demo-ctcc-2026")
WIDTHS = (1280, 360)


def shoot(base_url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    base = base_url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900}, reduced_motion="reduce")
            page = context.new_page()
            for name, path in PAGES.items():
                _take(page, base + path, out / f"{name}-{width}.png")
            page.goto(base + "/accounts/login/")
            page.fill("#id_login", MEMBER[0])
            page.fill("#id_password", MEMBER[1])
            page.click("main button[type=submit]")
            page.wait_for_load_state("networkidle")
            for name, path in SIGNED_IN_PAGES.items():
                _take(page, base + path, out / f"{name}-{width}.png")
            context.close()
        browser.close()


def _take(page, url: str, target: Path) -> None:
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    print(target)


def compare(first: Path, second: Path) -> int:
    from PIL import Image, ImageChops

    different = 0
    for before in sorted(first.glob("*.png")):
        if before.name.endswith("-diff.png"):
            continue
        after = second / before.name
        if not after.exists():
            print(f"{before.name}: missing in {second}")
            different += 1
            continue
        a, b = Image.open(before).convert("RGB"), Image.open(after).convert("RGB")
        if a.size != b.size:
            print(f"{before.name}: size {a.size} -> {b.size}")
            different += 1
            continue
        diff = ImageChops.difference(a, b)
        box = diff.getbbox()
        if box is None:
            print(f"{before.name}: identical")
            continue
        changed = sum(1 for pixel in diff.getdata() if pixel != (0, 0, 0))
        share = changed / (a.size[0] * a.size[1])
        print(f"{before.name}: {changed} pixels differ ({share:.3%}) in box {box}")
        diff.point(lambda v: 255 if v else 0).save(second / before.name.replace(".png", "-diff.png"))
        different += 1
    return 1 if different else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    take = sub.add_parser("shoot")
    take.add_argument("--base-url", default="http://127.0.0.1:8000")
    take.add_argument("out", type=Path)
    check = sub.add_parser("compare")
    check.add_argument("first", type=Path)
    check.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "shoot":
        shoot(args.base_url, args.out)
        return 0
    return compare(args.first, args.second)


if __name__ == "__main__":
    sys.exit(main())
