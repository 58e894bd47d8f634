"""The HTTP benchmark: the hot routes served by gunicorn with the production
settings, driven over loopback by wrk from a second process.

It builds (or reuses) the large data set of bench/dataset.py, collects the
static files, starts Redis and gunicorn as the Dockerfile does (3 processes of
2 threads) with ``DEBUG=0``, then, for each hot route of bench/routes.py and for
a bare Django view that returns two bytes through the same middleware, runs
``wrk -t2 -c16`` for ``--seconds``, ``--runs`` times, and prints the median
requests per second, p50 and p95 latency, the throughput as a share of the bare
view's, the queries of one request with the page cache missing and hitting, and
the page's gzip size.

    make bench                                   # scale 1: 100,000 questions
    .venv/bin/python bench/load.py [--seconds 10] [--runs 3] [--connections 16] [--cold]
    .venv/bin/python bench/load.py --smoke       # tiny data, a second per route (CI)

``--cold`` turns the page cache off in the server, so every request renders its
page: the cost of the first visit after a write. ``--smoke`` builds a tiny data
set in its own database and fails when a route answers anything but 200 or
exceeds its query budget; it measures nothing worth quoting.

Needs PostgreSQL (``--database-url``, default the ``ctcc_bench`` database beside
``DATABASE_URL``), ``redis-server`` and ``wrk`` (Debian packages).
"""

import argparse
import gzip
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgres://ctcc:ctcc@127.0.0.1:5432/ctcc"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
# Issue 8's budgets.
P50_MS, P95_MS, SHARE_OF_BARE = 30, 100, 0.25


def _database_beside(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def _server_environment(database: str, work_dir: Path, redis_url: str, *, cold: bool) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "BEHIND_TLS_PROXY": "0",
        "VAR_DIR": str(work_dir),
        "STATIC_ROOT": str(work_dir / "static"),
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "PAGE_CACHE_SECONDS": "0" if cold else "60",
        "MALLOC_ARENA_MAX": "2",  # as the Dockerfile
    }


def _sessions(routes) -> dict[str | None, str]:
    """A signed-in session per persona, as the browser would carry it."""
    from django.conf import settings

    from bench.routes import client_for

    cookies: dict[str | None, str] = {None: ""}
    for email in {route.persona for route in routes if route.persona}:
        session = client_for(email).cookies[settings.SESSION_COOKIE_NAME].value
        cookies[email] = f"{settings.SESSION_COOKIE_NAME}={session}"
    return cookies


def _in_process(routes, cookies) -> dict:
    """Status, queries (cache missing, then hitting) and gzip size of each route."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from portal.pagecache import bump

    facts = {}
    for route in routes:
        client = Client(headers={"user-agent": BROWSER, "cookie": cookies[route.persona]})
        bump()
        with override_settings(PAGE_CACHE_SECONDS=60), CaptureQueriesContext(connection) as cold:
            response = client.get(route.path)
        with override_settings(PAGE_CACHE_SECONDS=60), CaptureQueriesContext(connection) as warm:
            client.get(route.path)
        facts[route] = {
            "status": response.status_code,
            "queries_cold": len(cold),
            "queries_warm": len(warm),
            "gzip_kib": len(gzip.compress(response.content, 6)) / 1024,
        }
    return facts


def _wrk(url: str, cookie: str, *, seconds: int, connections: int, browser: bool = True) -> dict:
    """wrk's report on ``url``; as a browser, so that each request is a counted visit, unless told not."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(ROOT / "bench/wrk_report.lua")]
    if browser:
        command += ["-H", f"User-Agent: {BROWSER}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    report = json.loads(next(line for line in output.splitlines() if line.startswith("BENCH "))[6:])
    report["rps"] = report["requests"] / (report["duration_us"] / 1e6)
    return report


def _median_of_runs(url: str, cookie: str, *, runs: int, **wrk) -> dict:
    """The median of ``runs`` wrk runs, metric by metric, errors summed: each run
    opens new connections, which the gunicorn processes share out differently,
    so single runs of the same route differ by up to half."""
    reports = [_wrk(url, cookie, **wrk) for _ in range(runs)]
    metrics = ("rps", "p50_us", "p95_us", "p99_us")
    median = {key: statistics.median(report[key] for report in reports) for key in metrics}
    errors = {key: sum(report[key] for report in reports) for key in ("requests", "socket_errors", "bad_status")}
    return {**median, **errors, "rps_of_runs": [round(report["rps"]) for report in reports]}


def _start_redis(work_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    redis = subprocess.Popen(  # noqa: S603
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(work_dir)],  # noqa: S607
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode:  # noqa: S603, S607
        if time.monotonic() > deadline:
            raise RuntimeError("redis-server did not start")
        time.sleep(0.1)
    return redis, f"redis://127.0.0.1:{port}/0"


def _start_gunicorn(port: int, workers: int, environment: dict[str, str]) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", "gthread", "--threads", "2", "--pythonpath", str(ROOT)]
    command += ["--keep-alive", "75"]  # as the Dockerfile
    command += ["--log-level", "warning"]
    return subprocess.Popen(command, env={**os.environ, **environment}, cwd=ROOT)  # noqa: S603


def _first_visit(base: str, routes, *, lighthouse: bool) -> None:
    """First-visit weight (bench/page_weight.py) and, if asked, Lighthouse scores of the public pages."""
    wanted = ("home", "question list", "question detail", "clinic directory", "guideline version")
    paths = [route.path for route in routes if route.persona is None and route.name in wanted]
    print("\nFirst visit (empty cache), compressed:", flush=True)
    subprocess.run([sys.executable, str(ROOT / "bench/page_weight.py"), "--base-url", base, *paths], check=False)  # noqa: S603
    if lighthouse:
        tools = ROOT / "bench/lighthouse"
        subprocess.run(["npm", "ci", "--silent"], cwd=tools, check=True)  # noqa: S607
        subprocess.run(["node", str(tools / "run.mjs"), "--base-url", base, "--runs", "3", *paths], check=False)  # noqa: S603, S607


def _budget_notes(route, fact, report, bare_rps) -> list[str]:
    notes = []
    if fact["status"] != 200 or report["bad_status"] or report["socket_errors"]:
        notes.append(f"status {fact['status']}, {report['bad_status']} bad, {report['socket_errors']} socket errors")
    if fact["queries_cold"] > route.query_budget:
        notes.append(f"{fact['queries_cold']} queries > {route.query_budget}")
    if report["p50_us"] / 1000 > P50_MS:
        notes.append(f"p50 > {P50_MS} ms")
    if report["p95_us"] / 1000 > P95_MS:
        notes.append(f"p95 > {P95_MS} ms")
    if route.name.startswith("question list") and report["rps"] < SHARE_OF_BARE * bare_rps:
        notes.append(f"< {SHARE_OF_BARE:.0%} of bare")
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="the benchmark's database (default: ctcc_bench beside DATABASE_URL)")
    parser.add_argument("--scale", type=float, default=1.0, help="data set scale when it must be built")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per route")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per route; the table gives their median")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes (2 threads each)")
    parser.add_argument("--cold", action="store_true", help="page cache off: every request renders")
    parser.add_argument("--only", help="only the routes whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--lighthouse", action="store_true", help="also Lighthouse scores (npm, Chromium)")
    parser.add_argument("--as-is", action="store_true", help="use the database as it is (e.g. the demo's)")
    parser.add_argument("--smoke", action="store_true", help="tiny data, 1 s per route; fail on errors or budgets")
    args = parser.parse_args()

    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            sys.exit(f"bench/load.py needs {tool}: apt-get install -y {'wrk' if tool == 'wrk' else 'redis-server'}")
    server = os.environ.get("DATABASE_URL", "")
    server = server if server.startswith(("postgres://", "postgresql://")) else DEFAULT_SERVER
    database = args.database_url or _database_beside(server, "ctcc_bench_smoke" if args.smoke else "ctcc_bench")
    scale, seconds, runs = (0.002, 1, 1) if args.smoke else (args.scale, args.seconds, args.runs)

    if not args.as_is:  # in its own process: the data set sets Django up with settings of its own
        command = [sys.executable, str(ROOT / "bench/dataset.py"), "--database-url", database, "--scale", str(scale)]
        subprocess.run([*command, "--keep"], check=True)  # noqa: S603

    work_dir = Path(tempfile.mkdtemp(prefix="ctcc-bench-http-"))
    redis, redis_url = _start_redis(work_dir)
    environment = _server_environment(database, work_dir, redis_url, cold=args.cold)
    os.environ.update(environment)
    gunicorn = None
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", interactive=False, verbosity=0)  # the manifest gunicorn's pages need
        from bench.routes import PERSONA_EMAILS, hot_routes

        readers = {None, *PERSONA_EMAILS["member"]}

        routes = [
            route
            for route in hot_routes(database)
            # Public pages as an anonymous visitor and as a member; the dashboards as their readers.
            if route.persona in readers or route.name.endswith("dashboard")
            if not args.only or args.only in route.name
        ]
        cookies = _sessions(routes)
        facts = _in_process(routes, cookies)

        port = _free_port()
        gunicorn = _start_gunicorn(port, args.workers, environment)
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz")
        for route in routes:  # warm each process's templates, connections and page cache
            _wrk(base + route.path, cookies[route.persona], seconds=1, connections=args.connections)
        # Not a counted visit either: the bare view is Django and gunicorn alone.
        wrk = {"runs": runs, "seconds": seconds, "connections": args.connections}
        bare = _median_of_runs(f"{base}/bench/bare/", "", browser=False, **wrk)
        results = []
        for route in routes:
            report = _median_of_runs(base + route.path, cookies[route.persona], **wrk)
            results.append((route, facts[route], report))
        if not (args.smoke or args.cold):  # the same bytes either way
            _first_visit(base, routes, lighthouse=args.lighthouse)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(10)
        redis.terminate()
        shutil.rmtree(work_dir, ignore_errors=True)

    mode = "page cache off (every request renders)" if args.cold else "page cache on"
    print(
        f"\n{args.connections} connections, {args.workers}×2 gunicorn threads, "
        f"median of {runs} runs of {seconds} s per route, {mode}\n"
    )
    print("| route | reader | req/s | × bare | p50 ms | p95 ms | queries (miss/hit) | gzip KiB | over budget |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    print(
        f"| bare Django view | anonymous | {bare['rps']:,.0f} | 1.00 | {bare['p50_us'] / 1000:.1f} "
        f"| {bare['p95_us'] / 1000:.1f} | 0 | | |"
    )
    failures = 0
    for route, fact, report in results:
        notes = _budget_notes(route, fact, report, bare["rps"])
        failures += bool(notes)
        reader = route.persona.split("@")[0] if route.persona else "anonymous"
        print(
            f"| {route.name} | {reader} | {report['rps']:,.0f} | {report['rps'] / bare['rps']:.2f} "
            f"| {report['p50_us'] / 1000:.1f} | {report['p95_us'] / 1000:.1f} "
            f"| {fact['queries_cold']}/{fact['queries_warm']} | {fact['gzip_kib']:.1f} | {'; '.join(notes)} |"
        )
    p50s = [report["p50_us"] / 1000 for _, _, report in results]
    print(f"\nMedian of the routes' p50: {statistics.median(p50s):.1f} ms. Bare view: {bare['rps']:,.0f} req/s.")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "bare": bare,
                    "routes": [
                        {"name": route.name, "path": route.path, "persona": route.persona, **fact, **report}
                        for route, fact, report in results
                    ],
                },
                indent=2,
            )
        )
    if args.smoke:
        # Tiny data on a busy CI machine: only errors and query budgets count.
        broken = [
            route.name
            for route, fact, report in results
            if fact["status"] != 200 or report["bad_status"] or fact["queries_cold"] > route.query_budget
        ]
        if broken:
            print(f"Smoke run failed: {', '.join(broken)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
