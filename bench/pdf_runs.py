"""What the PDF benchmarks share: a throwaway database and runtime folder, and
renders timed one per fresh process (as a worker meets them), with their peak memory.

A benchmark imports this before Django, calls ``throwaway_environment`` and
``django.setup()``; run as itself with ``CHILD_FLAG`` it renders once
(``measure``), else it builds its data and calls ``run_renders`` and ``summarise``.
"""

import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# The project, importable from a script run as ``python bench/<name>.py``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHILD_FLAG = "--render-in-child"
WORK_DIR_VARIABLE = "CTCC_PDF_BENCH_DIR"


def is_child() -> bool:
    return CHILD_FLAG in sys.argv


def throwaway_environment(prefix: str) -> Path:
    """Settings for a throwaway SQLite database and runtime folder, which the
    children inherit through the environment; returns the folder."""
    if not is_child():
        os.environ[WORK_DIR_VARIABLE] = tempfile.mkdtemp(prefix=prefix)
    work_dir = Path(os.environ[WORK_DIR_VARIABLE])
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
            "VAR_DIR": str(work_dir),
            "DATABASE_URL": f"sqlite:///{work_dir / 'bench.sqlite3'}",
            # WeasyPrint logs each step of every render at INFO.
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    os.environ["BENCH_SECRET_KEY"] = os.environ["SECRET_KEY"]
    return work_dir


def child_arguments() -> tuple[int, str, str]:
    """The object id, language and file to keep that ``run_renders`` passed."""
    _, _, object_id, language, keep = sys.argv
    return int(object_id), language, keep


def measure(render: Callable[[], tuple[bytes, int]], keep: str) -> None:
    """One render, in this fresh process: prints its figures as JSON."""
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    content, pages = render()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    if keep:
        Path(keep).write_bytes(content)
    print(json.dumps({"seconds": seconds, "pages": pages, "bytes": len(content), "baseline": baseline, "peak": peak}))


def run_renders(script: str, object_id: int, *, language: str, runs: int, keep: str) -> list[dict]:
    """``runs`` renders of ``script``, each in a new process; the last one keeps its PDF in ``keep``."""
    results = []
    for run in range(runs):
        command = [sys.executable, script, CHILD_FLAG, str(object_id), language, keep if run == runs - 1 else ""]
        child = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if child.returncode:
            sys.exit(f"The render failed:\n{child.stderr}")
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(figures)
        print(
            f"run {run + 1}: {figures['pages']} pages, {figures['bytes'] / 1024:.0f} KiB, "
            f"{figures['seconds']:.2f} s, peak RSS {figures['peak'] / 1024:.0f} MiB "
            f"(before rendering {figures['baseline'] / 1024:.0f} MiB)"
        )
    return results


def summarise(
    runs: list[dict], *, language: str, keep: str, target_seconds: float, target_mib: float | None = None
) -> None:
    # The largest peak of any child, as the kernel accounted it: a check on the children's own figures.
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    seconds = [figures["seconds"] for figures in runs]
    peak = max(figures["peak"] for figures in runs) / 1024
    met = max(seconds) <= target_seconds and (target_mib is None or peak <= target_mib)
    target = f"at most {target_seconds} s" + (f" and {target_mib} MiB" if target_mib else "")
    print(
        f"\n{runs[-1]['pages']} pages ({language}), {len(runs)} renders: "
        f"median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s; "
        f"peak RSS {peak:.0f} MiB (children's maximum: {children_peak:.0f} MiB)"
        f"\ntarget: {target}: {'met' if met else 'MISSED'}"
    )
    if keep:
        print(f"The last PDF: {keep}")


def remove(work_dir: Path) -> None:
    shutil.rmtree(work_dir, ignore_errors=True)
