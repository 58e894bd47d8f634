"""A worker killed (SIGKILL) in the middle of rendering a PDF: the job table
and the reaper finish the job exactly once, with one file, nothing left running."""

import time
from pathlib import Path

from django.urls import reverse

from guidelines.models import Rendition, Section
from portal.jobs import services
from portal.jobs.models import Job
from tests.factories.guidelines import DraftFactory, SectionFactory, publish
from tests.faults.stack import REAP_EVERY, STALLED_AFTER, Browser, wait_for

# Long enough to take the renderer a few seconds: the worker dies mid-render.
PARAGRAPH = (
    "Il promotore valuta la conformità ai requisiti generali di sicurezza e prestazione (GSPR) "
    "dell'allegato I del regolamento (UE) 2017/745 e documenta le evidenze cliniche. "
) * 12


def long_version(sections: int = 160):
    draft = DraftFactory()
    for position in range(sections):
        level = Section.Level.CHAPTER if position % 8 == 0 else Section.Level.SECTION
        SectionFactory(version=draft, position=position, level=level, body_it="\n\n".join([PARAGRAPH] * 4))
    return publish(draft)


def test_a_pdf_whose_worker_was_killed_is_finished_once_by_the_reaper(stack):
    version = long_version()
    stack.start_redis()
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    browser = Browser(stack.base)
    assert browser.get(reverse("guidelines:version", args=[version.number])).status == 200

    started = browser.post(reverse("guidelines:request_pdf"), {"version": version.number, "language": "it"})

    assert started.status == 200 and started.seconds < 2
    rendition = Rendition.objects.get()
    job = wait_for(
        lambda: Job.objects.filter(task="guidelines.tasks.render_rendition", status=Job.Status.RUNNING).first(),
        timeout=60,
        what="the worker to start rendering",
    )
    time.sleep(1)
    stack.kill("worker")
    killed_at = time.monotonic()

    # Killed mid-render: nothing stored, the job left "running" by a dead worker.
    rendition.refresh_from_db()
    assert rendition.status == Rendition.Status.PENDING
    assert not (stack.media / "guidelines").exists() or not any((stack.media / "guidelines").iterdir())
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)

    stack.start_worker()
    wait_for(
        lambda: Rendition.objects.filter(pk=rendition.pk, status=Rendition.Status.READY).exists(),
        timeout=STALLED_AFTER + REAP_EVERY + 90,
        every=1,
        what="the reaper to have the PDF made again",
    )
    recovered_in = time.monotonic() - killed_at

    rendition.refresh_from_db()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (Job.Status.DONE, 2, "")
    assert not Job.objects.filter(status=Job.Status.RUNNING).exists()
    assert [path.name for path in (stack.media / "guidelines").iterdir()] == [Path(rendition.file.name).name]
    assert rendition.pages > 10
    # Within five minutes in production (reaper every 60 s, stalled after 180 s);
    # here the two are shortened, and the wait is the stall and a render.
    assert STALLED_AFTER <= recovered_in < STALLED_AFTER + REAP_EVERY + 60
    print(f"Recovered {recovered_in:.1f} s after the kill (stall threshold {STALLED_AFTER} s)")
    # The dead worker's message is still unacknowledged in Redis; when it comes
    # back (after the visibility timeout) it finds the job done and does nothing.
    assert services.run(job.pk) is None
    assert Rendition.objects.filter(pk=rendition.pk).values_list("file", flat=True).get() == rendition.file.name
