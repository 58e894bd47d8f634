"""The load and soak test of issue 9: 100 simulated users (locust, headless,
over loopback) reading 70%, searching 20% and writing 10% on the large data
set, with the web workers' memory sampled throughout.

It builds (or reuses) the data set of bench/dataset.py in ``ctcc_bench``,
copies it to ``ctcc_bench_soak`` (the run's writes stay out of the data set the
other benchmarks measure; the copy is dropped at the end), starts Redis,
gunicorn as the Dockerfile does (3 processes of 2 threads, ``DEBUG=0``, as
bench/load.py) and a Celery worker (the writes' notifications and emails),
makes signed-in sessions directly for a pool of members and experts (the login
form is rate-limited per address, and all traffic comes from 127.0.0.1), and
runs bench/locustfile.py:

    make loadtest                                          # 10 minutes, 100 users
    .venv/bin/python bench/soak.py [--run-time 10m] [--users 100] [--json]
    .venv/bin/python bench/soak.py --run-time 30m          # the memory soak
    .venv/bin/python bench/soak.py --smoke                 # tiny data, 10 users, 30 s

Every 10 s it samples the resident memory (VmRSS) of the gunicorn master and
of each worker process. The baseline of a worker is its first sample after
``--warm-up`` (2 minutes): until then its templates, connections and caches are
still filling. At the end it prints the requests, failures, 5xx responses,
timeouts (no answer within 10 s), p50/p95/p99 overall and per kind (read,
search, write), requests per second and each worker's memory (baseline, end,
growth, maximum), checks that the writes locust counted are in the database,
and exits non-zero when a budget of the issue is missed: any 5xx, any
timeout, p95 of 300 ms or more, a worker's memory growing by more than 10%.
``--smoke`` uses the tiny data set of ``load.py --smoke`` and fails only on
5xx responses, timeouts and broken forms; it measures nothing worth quoting.

Needs PostgreSQL (``--database-url``, default the ``ctcc_bench`` database beside
``DATABASE_URL``) and ``redis-server``.
"""

import argparse
import contextlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset import _server_parts  # noqa: E402
from bench.load import (  # noqa: E402
    DEFAULT_SERVER,
    _database_beside,
    _free_port,
    _server_environment,
    _start_gunicorn,
    _start_redis,
    _wait_for,
)

# Issue 9's budgets.
P95_MS, MEMORY_GROWTH = 300, 0.10
SAMPLE_SECONDS = 10
TIMEOUT_ERRORS = ("Timeout", "ConnectTimeout", "ReadTimeout")
# The server closed or refused the connection: answered in no time, but no answer.
CONNECTION_ERRORS = ("ConnectionError", "RemoteDisconnected", "ConnectionResetError", "ProtocolError")
SEARCH_TERMS = (
    "biocompatibilità",
    "comitato etico",
    "comitato etico territoriale",
    "CIV-ID",
    "follow-up",
    "consenso informato",
    "dimensione del campione",
    "PMCF",
    "EUDAMED",
    "ISO 14155",
    "intelligenza artificiale",
    "assicurazione",
    "ethics committee",
    "sample size",
    "informed consent",
    "investigator's brochure",
    "AI Act",
    '"neonatal wireless telemetry"',
    '"valutazione della biocompatibilità a lungo termine"',
)


# --- the database --------------------------------------------------------


def _copy_database(source: str, target: str) -> None:
    """``target`` as a fresh copy of ``source`` (a file copy: seconds, not the data set's minutes)."""
    import psycopg

    server, name = _server_parts(source)
    copy = _server_parts(target)[1]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        try:
            admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}" STRATEGY FILE_COPY')
        except psycopg.errors.ObjectInUse:
            sys.exit(f"{name} is in use by another session (a benchmark?): wait for it, or run with --in-place.")


def _drop_database(url: str) -> None:
    import psycopg

    server, name = _server_parts(url)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the plan: accounts with sessions, pages, questions ---------------------


def _plan(*, users: int, accounts_per_user: int, seed: int = 2026) -> dict:
    """What bench/locustfile.py needs: signed-in members and experts (a
    session cookie each, and the open questions each may write on), the pages
    to read and the words to search."""
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse
    from django.utils import timezone

    from bench.routes import client_for, hot_routes
    from experts.models import Clinic, ExpertProfile
    from forum.models import ConflictOfInterest, Question
    from portal.accounts.models import User
    from portal.accounts.roles import Role

    rng = random.Random(seed)  # noqa: S311 (a reproducible choice of test accounts)
    experts_wanted = (users // 4) * accounts_per_user  # bench/locustfile.py: one user in four is an expert
    members_wanted = (users - users // 4) * accounts_per_user
    # Older accounts: new ones may ask only 5 questions an hour.
    settled = timezone.now() - timedelta(days=settings.FORUM_NEW_ACCOUNT_DAYS + 1)
    writable = Question.objects.exclude(status=Question.Status.CLOSED).filter(is_hidden=False)

    # Members with open questions of their own, on which they add clarifications.
    own: dict[int, list[int]] = {}
    rows = writable.filter(
        author__role=Role.MEMBER, author__is_active=True, author__date_joined__lt=settled
    ).values_list("author_id", "pk")
    for author, question in rows.iterator(chunk_size=10_000):
        own.setdefault(author, []).append(question)
    member_ids = rng.sample(sorted(own), min(members_wanted, len(own)))

    # Experts answer the questions routed to them, then any open question they have no conflict on.
    expert_ids = list(User.objects.filter(role=Role.EXPERT, is_active=True).order_by("pk").values_list("pk", flat=True))
    expert_ids = rng.sample(expert_ids, min(experts_wanted, len(expert_ids)))
    recent = list(writable.order_by("-pk").values_list("pk", flat=True)[:2_000])
    conflicted = set(
        ConflictOfInterest.objects.filter(expert_id__in=expert_ids).values_list("expert_id", "question_id")
    )
    routed: dict[int, list[int]] = {}
    for expert, question in writable.filter(
        assignments__expert_id__in=expert_ids, assignments__status="open"
    ).values_list("assignments__expert_id", "pk"):
        routed.setdefault(expert, []).append(question)

    def expert_questions(expert: int) -> list[int]:
        others = [pk for pk in rng.sample(recent, min(40, len(recent))) if (expert, pk) not in conflicted]
        return [pk for pk in routed.get(expert, [])[:20] if (expert, pk) not in conflicted] + others

    def session(pk: int) -> str:
        email = User.objects.filter(pk=pk).values_list("email", flat=True).get()
        client = client_for(email)  # activates TOTP for experts, whom the portal asks for MFA
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    members = [{"cookie": session(pk), "questions": own[pk][:20]} for pk in member_ids]
    experts = [{"cookie": session(pk), "questions": expert_questions(pk)} for pk in expert_ids]

    anonymous = AnonymousUser()
    reads: dict[str, list[str]] = {}
    for route in hot_routes():
        if route.persona is None:
            reads.setdefault(route.name, []).append(route.path)
    # Any public question, the busiest (hot_routes') among them.
    public = list(Question.objects.visible_to(anonymous).values_list("pk", flat=True))
    reads.setdefault("question detail", []).extend(
        reverse("forum:question", args=[pk]) for pk in rng.sample(public, min(2_000, len(public)))
    )
    reads["question list page"] = [f"{reverse('forum:list')}?page={n}" for n in (2, 3, 10, 50)]
    reads["guideline versions"] = [reverse("guidelines:versions")]
    reads["expert directory"] = [reverse("experts:board")]
    profiles = ExpertProfile.objects.listed().order_by("pk").values_list("pk", flat=True)[:50]
    reads["expert profile"] = [reverse("experts:profile", args=[pk]) for pk in profiles]
    clinics = list(Clinic.objects.visible_to(anonymous).order_by("pk").values_list("pk", flat=True)[:2_000])
    reads["clinic detail"] = [
        reverse("experts:clinic", args=[pk]) for pk in rng.sample(clinics, min(200, len(clinics)))
    ]
    return {
        "members": members,
        "experts": experts,
        "reads": reads,
        "search_terms": list(SEARCH_TERMS),
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "accounts_per_user": accounts_per_user,
        # For the check that the writes are in the database.
        "counts_before": _forum_counts(),
    }


def _forum_counts() -> dict[str, int]:
    """Questions, answers and comments in the database."""
    from django.db import connections

    from forum.models import Answer, Comment, Question

    connections.close_all()  # a fresh connection: the server's commits, not a stale snapshot
    return {
        "questions": Question.objects.count(),
        "answers": Answer.objects.count(),
        "comments": Comment.objects.count(),
    }


# --- memory -------------------------------------------------------------------


def _rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _sample(gunicorn: int) -> dict[str, int]:
    """RSS in KiB of the gunicorn master and of each of its workers, by role and pid."""
    sample = {"master": _rss_kib(gunicorn) or 0}
    for pid in _children(gunicorn):
        if (rss := _rss_kib(pid)) is not None:
            sample[f"worker {pid}"] = rss
    return sample


def _every_five_minutes(series: list[tuple[float, int]]) -> dict[int, float]:
    """MiB by minute: the first sample at or after each five-minute mark."""
    marks = {}
    for t, rss in series:
        minute = int(t // 300) * 5
        if minute and minute not in marks:
            marks[minute] = round(rss / 1024, 1)
    return marks


def _memory_report(samples: list[tuple[float, dict[str, int]]], warm_up: float) -> list[dict]:
    """Per process: its baseline (first sample after the warm-up), its last sample, growth and maximum."""
    after = [(t, sample) for t, sample in samples if t >= warm_up] or samples[-1:]
    report = []
    for name in sorted({name for _, sample in samples for name in sample}, key=lambda n: (n != "master", n)):
        series = [(t, sample[name]) for t, sample in after if name in sample]
        if not series:
            report.append({"process": name, "note": "gone before the warm-up ended (restarted?)"})
            continue
        (start, baseline), (end, last) = series[0], series[-1]
        report.append(
            {
                "process": name,
                "baseline_mib": baseline / 1024,
                "baseline_at_s": round(start),
                "end_mib": last / 1024,
                "end_at_s": round(end),
                "growth": (last - baseline) / baseline if baseline else 0.0,
                "max_mib": max(rss for _, rss in series) / 1024,
                # Every five minutes: a leak keeps climbing, a warm-up levels off.
                "every_5_min_mib": _every_five_minutes(series),
            }
        )
    return report


# --- the results -------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    """Nearest rank, as locust reports it."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _latency(times: list[float]) -> dict:
    return {
        "requests": len(times),
        "p50_ms": _percentile(times, 0.50),
        "p95_ms": _percentile(times, 0.95),
        "p99_ms": _percentile(times, 0.99),
    }


def _summary(results: list[list], seconds: float) -> dict:
    """Counts and latencies from the locustfile's record: [kind, name, ms, status, error] per request."""
    failures = [row for row in results if row[4]]
    by_name: dict[str, list] = {}
    for row in results:
        by_name.setdefault(row[1], []).append(row)
    return {
        "requests": len(results),
        "failures": len(failures),
        "server_errors": sum(1 for row in results if row[3] >= 500),
        "timeouts": sum(1 for row in results if row[4] in TIMEOUT_ERRORS),
        "connection_errors": sum(1 for row in results if row[4] in CONNECTION_ERRORS),
        "requests_per_second": len(results) / seconds if seconds else 0.0,
        "overall": _latency([row[2] for row in results]),
        "kinds": {
            kind: _latency([row[2] for row in results if row[0] == kind]) for kind in ("read", "search", "write")
        },
        "routes": {
            name: {**_latency([row[2] for row in rows]), "failures": sum(1 for row in rows if row[4])}
            for name, rows in sorted(by_name.items())
        },
        "failure_reasons": dict(sorted(Counter(f"{row[1]}: {row[3]} {row[4]}" for row in failures).items())),
    }


def _print_summary(
    summary: dict, memory: list[dict], writes: dict, *, users: int, run_time: str, warm_up: float
) -> None:
    print(f"\n{users} users for {run_time}: {summary['requests']:,} requests, {summary['requests_per_second']:.1f}/s")
    print(
        f"Failures {summary['failures']}, 5xx {summary['server_errors']}, timeouts {summary['timeouts']}, "
        f"connections closed or refused {summary['connection_errors']}"
        + "".join(f"\n  {count} × {reason}" for reason, count in summary["failure_reasons"].items())
    )
    print("\n| kind | requests | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|")
    for kind, figures in [("all", summary["overall"]), *summary["kinds"].items()]:
        print(
            f"| {kind} | {figures['requests']:,} | {figures['p50_ms']:.0f} | {figures['p95_ms']:.0f} "
            f"| {figures['p99_ms']:.0f} |"
        )
    print("\n| route | requests | failures | p50 ms | p95 ms |\n|---|---:|---:|---:|---:|")
    for name, figures in summary["routes"].items():
        print(
            f"| {name} | {figures['requests']:,} | {figures['failures']} | {figures['p50_ms']:.0f} "
            f"| {figures['p95_ms']:.0f} |"
        )
    print(
        f"\nMemory (VmRSS), baseline = first sample after {warm_up:.0f} s of warm-up (caches fill first):\n"
        "| process | baseline MiB | end MiB | growth | max MiB |\n|---|---:|---:|---:|---:|"
    )
    for row in memory:
        if "note" in row:
            print(f"| {row['process']} | {row['note']} | | | |")
        else:
            print(
                f"| {row['process']} | {row['baseline_mib']:.1f} (at {row['baseline_at_s']} s) "
                f"| {row['end_mib']:.1f} (at {row['end_at_s']} s) | {row['growth']:+.1%} | {row['max_mib']:.1f} |"
            )
    for row in memory:
        if row.get("every_5_min_mib"):
            marks = ", ".join(f"{minute} min {mib}" for minute, mib in row["every_5_min_mib"].items())
            print(f"{row['process']}, every 5 minutes (MiB): {marks}")
    print(
        "\nWrites in the database: "
        + ", ".join(f"{kind} +{count} (locust: {writes['locust'][kind]})" for kind, count in writes["database"].items())
    )


def _missed_budgets(summary: dict, memory: list[dict], writes: dict, *, smoke: bool) -> list[str]:
    missed = []
    if summary["server_errors"]:
        missed.append(f"{summary['server_errors']} 5xx responses")
    if summary["timeouts"]:
        missed.append(f"{summary['timeouts']} timeouts")
    if summary["failures"]:
        missed.append(f"{summary['failures']} failed requests")
    if any(writes["database"][kind] < writes["locust"][kind] for kind in writes["database"]):
        missed.append("fewer writes in the database than locust made")
    if not summary["requests"]:
        missed.append("no request made")
    if smoke:  # tiny data on a busy machine: only errors count
        return missed
    if summary["overall"]["p95_ms"] >= P95_MS:
        missed.append(f"p95 {summary['overall']['p95_ms']:.0f} ms ≥ {P95_MS} ms")
    grown = [row["process"] for row in memory if row["process"] != "master" and row.get("growth", 0) > MEMORY_GROWTH]
    if grown:
        missed.append(f"memory grew by more than {MEMORY_GROWTH:.0%}: {', '.join(grown)}")
    return missed


# --- the run -----------------------------------------------------------------


def _run_locust(base: str, work_dir: Path, environment: dict, *, users: int, spawn_rate: int, run_time: str, gunicorn):
    """Run locust to the end, sampling the web processes' memory meanwhile; (samples, seconds)."""
    command = [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless"]
    command += ["--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", run_time, "--host", base]
    command += ["--csv", str(work_dir / "locust"), "--only-summary", "--stop-timeout", "15", "--loglevel", "WARNING"]
    started = time.monotonic()
    # Its own report goes to stderr, so that stdout holds only the summary (or its JSON).
    locust = subprocess.Popen(command, env={**os.environ, **environment}, cwd=ROOT, stdout=sys.stderr)  # noqa: S603
    samples = []
    try:
        while locust.poll() is None:
            samples.append((time.monotonic() - started, _sample(gunicorn.pid)))
            with contextlib.suppress(subprocess.TimeoutExpired):
                locust.wait(SAMPLE_SECONDS)
    finally:
        if locust.poll() is None:
            locust.terminate()
            locust.wait(30)
    samples.append((time.monotonic() - started, _sample(gunicorn.pid)))
    return samples, time.monotonic() - started


def _stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="the data set's database (default: ctcc_bench beside DATABASE_URL)")
    parser.add_argument("--scale", type=float, default=1.0, help="data set scale when it must be built")
    parser.add_argument("--run-time", default="10m", help="locust's run time: 90s, 10m, 30m (default 10m)")
    parser.add_argument("--users", type=int, default=100, help="simulated users (default 100)")
    parser.add_argument("--spawn-rate", type=int, default=10, help="users started per second (default 10)")
    parser.add_argument("--warm-up", type=float, default=120, help="seconds before the memory baseline (default 120)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes (2 threads each)")
    parser.add_argument(
        "--accounts-per-user", type=int, default=5, help="accounts each user writes with, in turn (default 5)"
    )
    parser.add_argument("--in-place", action="store_true", help="write into the data set's database, not a copy")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--smoke", action="store_true", help="tiny data, 10 users, 30 s; fail only on errors")
    args = parser.parse_args()

    if shutil.which("redis-server") is None:
        sys.exit("bench/soak.py needs redis-server: apt-get install -y redis-server")
    if args.smoke:
        args.users, args.run_time, args.warm_up, args.scale = min(args.users, 10), "30s", 10, 0.002
    server = os.environ.get("DATABASE_URL", "")
    server = server if server.startswith(("postgres://", "postgresql://")) else DEFAULT_SERVER
    source = args.database_url or _database_beside(server, "ctcc_bench_smoke" if args.smoke else "ctcc_bench")
    # The same data set as bench/load.py (built once, kept); the smoke run's tiny one takes its writes.
    command = [sys.executable, str(ROOT / "bench/dataset.py"), "--database-url", source, "--scale", str(args.scale)]
    subprocess.run([*command, "--keep"], check=True, stdout=sys.stderr)  # noqa: S603
    database = source
    if not (args.in_place or args.smoke):
        copy = f"{_server_parts(source)[1]}_soak"
        database = _database_beside(source, copy)
        started = time.monotonic()
        _copy_database(source, database)
        print(f"Copied the data set to {copy} in {time.monotonic() - started:.0f} s", file=sys.stderr)

    work_dir = Path(tempfile.mkdtemp(prefix="ctcc-bench-soak-"))
    redis, redis_url = _start_redis(work_dir)
    environment = _server_environment(database, work_dir, redis_url, cold=False)
    os.environ.update(environment)
    gunicorn = worker = None
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", interactive=False, verbosity=0)  # the manifest gunicorn's pages need
        plan = _plan(users=args.users, accounts_per_user=args.accounts_per_user)
        plan_file, results_file = work_dir / "plan.json", work_dir / "results.jsonl"
        plan_file.write_text(json.dumps(plan))
        from django.db import connections

        connections.close_all()

        port = _free_port()
        gunicorn = _start_gunicorn(port, args.workers, environment)
        celery = [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "portal",
            "--quiet",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
        ]
        worker = subprocess.Popen(celery, env={**os.environ, **environment}, cwd=ROOT, stdout=sys.stderr)  # noqa: S603
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz")
        print(
            f"{len(plan['members'])} members and {len(plan['experts'])} experts signed in; "
            f"locust: {args.users} users for {args.run_time} on {base}",
            file=sys.stderr,
        )
        samples, seconds = _run_locust(
            base,
            work_dir,
            {"CTCC_SOAK_PLAN": str(plan_file), "CTCC_SOAK_RESULTS": str(results_file)},
            users=args.users,
            spawn_rate=args.spawn_rate,
            run_time=args.run_time,
            gunicorn=gunicorn,
        )
        _stop(worker)  # its queue drained or not, the web's writes are committed
        worker = None
        results = [json.loads(line) for line in results_file.read_text().splitlines() if line]
        after = _forum_counts()
    finally:
        _stop(worker)
        _stop(gunicorn)
        redis.terminate()
        redis.wait(10)
        shutil.rmtree(work_dir, ignore_errors=True)
        if database != source:
            from django.db import connections

            connections.close_all()
            _drop_database(database)

    summary = _summary(results, seconds)
    memory = _memory_report(samples, args.warm_up)
    names = {"questions": "write: ask", "answers": "write: answer", "comments": "write: comment"}
    writes = {
        "database": {kind: after[kind] - plan["counts_before"][kind] for kind in names},
        "locust": {kind: sum(1 for row in results if row[1] == name and not row[4]) for kind, name in names.items()},
    }
    missed = _missed_budgets(summary, memory, writes, smoke=args.smoke)
    if args.json:
        print(json.dumps({**summary, "memory": memory, "writes": writes, "missed": missed}, indent=2))
    else:
        _print_summary(summary, memory, writes, users=args.users, run_time=args.run_time, warm_up=args.warm_up)
        print("\n" + (f"Budgets missed: {'; '.join(missed)}" if missed else "All budgets met."))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
