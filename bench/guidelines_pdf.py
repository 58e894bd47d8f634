"""Benchmark of the guidelines' PDF: a document of about 100 pages rendered
by WeasyPrint exactly as the worker's task renders it (``guidelines.pdf.render_pdf``).

Creates a throwaway SQLite database in a temporary folder (deleted at the end;
DATABASE_URL and VAR_DIR are ignored), publishes a version of 10 chapters of 6
sections each (paragraphs, lists, a table, references, in Italian and English),
then renders its PDF ``--runs`` times, each in a fresh child process, as a
worker process would: the child measures the render's wall time and its own
peak resident memory.

    .venv/bin/python bench/guidelines_pdf.py [--runs 3] [--language it] [--keep /tmp/guidelines.pdf]

Target: a 100-page document in at most 8 s and 400 MiB. Figures: docs/performance.md.
"""

import argparse
import random
import time
from datetime import UTC, datetime

import pdf_runs

_work_dir = pdf_runs.throwaway_environment(prefix="ctcc-bench-pdf-")

import django  # noqa: E402

django.setup()

from dataset import create_guideline_version, guideline_sections  # noqa: E402  (one place for the content)
from django.core.management import call_command  # noqa: E402

from guidelines.models import Version  # noqa: E402
from guidelines.pdf import render_pdf  # noqa: E402

CHAPTERS = 10
SECTIONS_PER_CHAPTER = 6
TARGET_SECONDS = 8
TARGET_MIB = 400


def build(chapters: int, sections: int) -> Version:
    """A published version: ``chapters`` chapters of ``sections`` sections each (``bench/dataset.py`` writes them)."""
    rng = random.Random(2_026)  # noqa: S311 (reproducible test data)
    return create_guideline_version(
        guideline_sections(rng, chapters, sections),
        major=1,
        minor=0,
        published_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        changelog_it="Prima versione pubblicata dal board.",
        changelog_en="First version published by the board.",
    )


def render_in_child() -> None:
    version_id, language, keep = pdf_runs.child_arguments()
    version = Version.objects.get(pk=version_id)
    pdf_runs.measure(lambda: render_pdf(version, language), keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="renders, each in a new process (default 3)")
    parser.add_argument("--language", choices=["it", "en"], default="it")
    parser.add_argument("--chapters", type=int, default=CHAPTERS)
    parser.add_argument("--sections", type=int, default=SECTIONS_PER_CHAPTER, help="sections per chapter")
    parser.add_argument("--keep", default="", help="write the last PDF to this file")
    args = parser.parse_args()

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        version = build(args.chapters, args.sections)
        print(
            f"Data: version {version.number}, {args.chapters} chapters × {args.sections} sections, "
            f"in a throwaway database ({time.perf_counter() - started:.1f} s)."
        )
        runs = pdf_runs.run_renders(__file__, version.pk, language=args.language, runs=args.runs, keep=args.keep)
    finally:
        pdf_runs.remove(_work_dir)
    pdf_runs.summarise(
        runs, language=args.language, keep=args.keep, target_seconds=TARGET_SECONDS, target_mib=TARGET_MIB
    )


if __name__ == "__main__":
    if pdf_runs.is_child():
        render_in_child()
    else:
        main()
