"""First-visit page weight: what a browser with an empty cache downloads for a page.

Loads each page in Debian's Chromium (Playwright, a fresh context, so nothing is
cached), waits until the network is idle, and records every response. The
compressed size of each response is then measured the way production serves it:
each URL is fetched again with ``Accept-Encoding: br, gzip`` (what browsers send
over HTTPS) and with ``Accept-Encoding: gzip``. WhiteNoise serves the .br/.gz
files that ``CompressedManifestStaticFilesStorage`` writes at collectstatic;
pages are gzipped by Django's GZipMiddleware (no brotli); fonts are woff2,
already compressed, and are served as they are. Sizes are grouped by type
(document, stylesheet, font, script, image, other) and compared with the
budgets of issue 8: HTML + CSS + fonts at most 150 KiB, JavaScript at most
80 KiB. The budget is checked on the larger of the two encodings (gzip), so it
holds for clients without brotli too. Exit status 1 when a page is over budget.

Run against a production-shaped server (DEBUG=0, collectstatic done, gunicorn):

    . env-with SECRET_KEY DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 \\
        BEHIND_TLS_PROXY=0 STATIC_ROOT=/tmp/static DATABASE_URL=...
    .venv/bin/python manage.py collectstatic --noinput
    .venv/bin/gunicorn portal.wsgi:application --bind 127.0.0.1:8301 --workers 2 &
    .venv/bin/python bench/page_weight.py --base-url http://127.0.0.1:8301 \\
        / /forum/ /forum/15/ /board/clinics/ /guidelines/1.1/

Options: ``--json`` prints the measurements as JSON; ``--mobile`` uses a 360 px
viewport (fonts loaded can differ with the layout).
"""

import argparse
import contextlib
import gzip
import json
import sys
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
KIB = 1024
BUDGET_HTML_CSS_FONTS_KIB = 150
BUDGET_JS_KIB = 80
GROUPS = ("document", "stylesheet", "font", "script", "image", "other")


@dataclass
class Resource:
    url: str
    kind: str
    raw: int
    gzip: int
    brotli: int


def encoded_size(url: str, encoding: str) -> tuple[int, int]:
    """(compressed bytes on the wire, decoded bytes) for one encoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310 - the benchmarked server
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        body = response.read()
        served_as = response.headers.get("Content-Encoding", "")
    if served_as == "gzip":
        return len(body), len(gzip.decompress(body))
    if served_as == "br":
        import brotli

        return len(body), len(brotli.decompress(body))
    return len(body), len(body)


def kind_of(resource_type: str) -> str:
    return resource_type if resource_type in GROUPS else "other"


def measure(base_url: str, paths: list[str], *, mobile: bool) -> dict[str, list[Resource]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[Resource]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            for path in paths:
                viewport = {"width": 360, "height": 740} if mobile else {"width": 1280, "height": 900}
                context = browser.new_context(viewport=viewport)  # a fresh context: an empty cache
                page = context.new_page()
                seen: dict[str, str] = {}
                page.on("response", lambda r, seen=seen: seen.setdefault(r.url, r.request.resource_type))
                page.goto(base_url.rstrip("/") + path, wait_until="networkidle")
                context.close()
                resources = []
                for url, resource_type in seen.items():
                    if not url.startswith(("http://", "https://")):
                        continue
                    gz, raw = encoded_size(url, "gzip")
                    br, _ = encoded_size(url, "br, gzip")  # what a browser asks for over HTTPS
                    resources.append(Resource(url=url, kind=kind_of(resource_type), raw=raw, gzip=gz, brotli=br))
                results[path] = resources
        finally:
            browser.close()
    return results


def totals(resources: list[Resource]) -> dict[str, dict[str, int]]:
    out = {kind: {"count": 0, "raw": 0, "gzip": 0, "brotli": 0} for kind in GROUPS}
    for resource in resources:
        row = out[resource.kind]
        row["count"] += 1
        row["raw"] += resource.raw
        row["gzip"] += resource.gzip
        row["brotli"] += resource.brotli
    return out


def kib(n: int) -> str:
    return f"{n / KIB:7.1f}"


def report(path: str, resources: list[Resource], *, verbose: bool) -> bool:
    """Print one page's table; True when it is within both budgets."""
    sums = totals(resources)
    print(f"\n{path}")
    print(f"  {'type':<12}{'files':>6}{'raw KiB':>10}{'gzip KiB':>10}{'br KiB':>10}")
    for kind in GROUPS:
        row = sums[kind]
        if row["count"]:
            print(f"  {kind:<12}{row['count']:>6}{kib(row['raw']):>10}{kib(row['gzip']):>10}{kib(row['brotli']):>10}")
    if verbose:
        for resource in sorted(resources, key=lambda r: (r.kind, r.url)):
            name = resource.url.split("/", 3)[-1]
            print(f"    {resource.kind:<11} {kib(resource.gzip)} gz {kib(resource.brotli)} br  /{name}")
    first = [sums[kind] for kind in ("document", "stylesheet", "font")]
    first_gzip, first_br = sum(r["gzip"] for r in first), sum(r["brotli"] for r in first)
    js_gzip, js_br = sums["script"]["gzip"], sums["script"]["brotli"]
    ok_first = first_gzip <= BUDGET_HTML_CSS_FONTS_KIB * KIB
    ok_js = js_gzip <= BUDGET_JS_KIB * KIB
    print(
        f"  HTML+CSS+fonts: {kib(first_gzip).strip()} KiB gzip, {kib(first_br).strip()} KiB br"
        f" (budget {BUDGET_HTML_CSS_FONTS_KIB}) {'ok' if ok_first else 'OVER'}"
    )
    print(
        f"  JavaScript:     {kib(js_gzip).strip()} KiB gzip, {kib(js_br).strip()} KiB br"
        f" (budget {BUDGET_JS_KIB}) {'ok' if ok_js else 'OVER'}"
    )
    return ok_first and ok_js


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="*", default=["/"], help="paths to load (default: /)")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--mobile", action="store_true", help="a 360 px wide viewport")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every file")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print("Needs Debian's chromium: apt-get install -y chromium", file=sys.stderr)
        return 2
    try:
        results = measure(args.base_url, args.paths, mobile=args.mobile)
    except urllib.error.URLError as error:
        print(f"Cannot fetch from {args.base_url}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({path: [asdict(r) for r in rs] for path, rs in results.items()}, indent=2))
        with contextlib.redirect_stdout(sys.stderr):  # the tables go to stderr, stdout stays JSON
            ok = all([report(path, rs, verbose=False) for path, rs in results.items()])
        return 0 if ok else 1
    ok = True
    for path, resources in results.items():
        ok = report(path, resources, verbose=args.verbose) and ok
    print("\nWithin budget." if ok else "\nOver budget.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
