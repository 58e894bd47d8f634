"""The load and soak test's harness (bench/soak.py, bench/locustfile.py),
without a server: the simulated users' mix of work and the summary's sums."""

import json
import subprocess
import sys
from pathlib import Path

from bench.soak import _memory_report, _missed_budgets, _percentile, _summary

ROOT = Path(__file__).resolve().parents[2]


def test_locustfile_users_read_70_search_20_write_10():
    # In a process of its own: importing locust patches the standard library (gevent).
    script = (
        "import collections, json; from bench.locustfile import PortalUser; "
        "print(json.dumps(collections.Counter(task.__name__ for task in PortalUser.tasks)))"
    )
    output = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert json.loads(output.splitlines()[-1]) == {"read": 70, "search": 20, "write": 10}


def test_summary_counts_server_errors_timeouts_and_percentiles_by_kind():
    results = [["read", "read: home", float(ms), 200, ""] for ms in range(1, 101)]  # 1..100 ms: p50 50, p95 95, p99 99
    results += [
        ["search", "search: forum", 20.0, 500, "CatchResponseError"],
        ["write", "write: ask", 10_000.0, 0, "ReadTimeout"],
        ["write", "write: comment", 30.0, 302, ""],
    ]

    summary = _summary(results, seconds=10)

    assert (summary["requests"], summary["failures"], summary["server_errors"], summary["timeouts"]) == (103, 2, 1, 1)
    assert summary["requests_per_second"] == 10.3
    assert (summary["kinds"]["read"]["p50_ms"], summary["kinds"]["read"]["p95_ms"]) == (50.0, 95.0)
    assert summary["kinds"]["write"]["requests"] == 2
    assert summary["failure_reasons"] == {"search: forum: 500 CatchResponseError": 1, "write: ask: 0 ReadTimeout": 1}
    assert _percentile([], 0.95) == 0.0


def test_memory_baseline_is_the_first_sample_after_the_warm_up():
    samples = [
        (0.0, {"master": 1000, "worker 7": 50_000}),
        (120.0, {"master": 1000, "worker 7": 100_000}),
        (600.0, {"master": 1000, "worker 7": 115_000}),
        (610.0, {"master": 1000, "worker 7": 105_000}),
    ]

    worker = next(row for row in _memory_report(samples, warm_up=120) if row["process"] == "worker 7")

    assert (worker["baseline_at_s"], worker["end_at_s"]) == (120, 610)
    assert round(worker["growth"], 3) == 0.05
    assert round(worker["max_mib"] * 1024) == 115_000


def test_missed_budgets_names_each_miss_and_smoke_counts_only_errors():
    summary = _summary([["read", "read: home", 400.0, 200, ""]], seconds=1)
    memory = [{"process": "worker 7", "growth": 0.2}]
    writes = {"database": {"questions": 1}, "locust": {"questions": 1}}

    assert _missed_budgets(summary, memory, writes, smoke=False) == [
        "p95 400 ms ≥ 300 ms",
        "memory grew by more than 10%: worker 7",
    ]
    assert _missed_budgets(summary, memory, writes, smoke=True) == []
    lost = {"database": {"questions": 0}, "locust": {"questions": 1}}
    assert _missed_budgets(summary, memory, lost, smoke=True) == ["fewer writes in the database than locust made"]
