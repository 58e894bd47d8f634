"""The demo document for a first run (``seed_demo``): versions 1.0 and 1.1,
published months apart, and a draft under review with a few discussions.
The text lives in ``guidelines.demo_content``; it is marked as demo content.
Idempotent: nothing is loaded when a version already exists."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from guidelines import demo_content, services
from guidelines.models import Comment, Editor, Reference, Section, SectionReview, Subscription, Thread, Version
from portal.accounts.models import User

# (section key, author index among the reviewers, comment, replies (author index, text), resolved)
DISCUSSIONS = [
    (
        "ethics-committee-and-authority",
        1,
        "Suggerirei di aggiungere un esempio di cronoprogramma realistico per le domande al CET e al Ministero: "
        "molte PMI sottostimano i tempi tra la convalida della domanda e l'avvio dell'indagine.",
        [(0, "D'accordo: aggiungo una frase nel prossimo giro di revisione.")],
        False,
    ),
    (
        "software-and-ai",
        2,
        "Please add a pointer to the data governance obligations of Art. 10 of the AI Act for training, "
        "validation and testing data sets.",
        [],
        False,
    ),
    (
        "regulatory-pathway",
        0,
        "La tabella dei percorsi è chiara. Propongo solo di citare anche l'art. 82 per gli studi non a fini di "
        "conformità, che rimandano alle norme nazionali.",
        [(1, "Fatto nella sezione, chiudo la discussione.")],
        True,
    ),
]


def seed_guidelines(*, staff: User, editor: User, reviewers: list[User], subscribers: list[User]) -> int:
    """Load the demo document; returns how many versions are published."""
    if Version.objects.exists():
        return Version.objects.published().count()
    with transaction.atomic():
        draft = Version.objects.create(
            title_it=demo_content.TITLE["it"], title_en=demo_content.TITLE["en"], is_demo=True
        )
        Editor.objects.get_or_create(user=editor, defaults={"appointed_by": staff})
        now = timezone.now()
        _replace_content(draft, demo_content.VERSION_1_0, by=staff, at=now - timedelta(days=240))
        services.publish_version(by=staff, step=services.Step.MAJOR, at=now - timedelta(days=230), **_changelog("1.0"))
        _replace_content(
            services.get_or_create_draft(), demo_content.VERSION_1_1, by=editor, at=now - timedelta(days=60)
        )
        services.publish_version(by=staff, step=services.Step.MINOR, at=now - timedelta(days=45), **_changelog("1.1"))
        draft = services.get_or_create_draft()
        _replace_content(draft, demo_content.DRAFT, by=editor, at=now - timedelta(days=6))
        review = services.request_review(by=staff, message=_REVIEW_MESSAGE, due_on=(now + timedelta(days=14)).date())
        _discuss(draft, reviewers, at=now - timedelta(days=4))
        sections = list(draft.sections.all())
        SectionReview.objects.bulk_create(
            SectionReview(round=review, section=section, reviewer=reviewer, reviewed_at=now - timedelta(days=2))
            for count, reviewer in zip((len(sections), len(sections) // 2, 3), reviewers, strict=False)
            for section in sections[:count]
        )
        Subscription.objects.bulk_create([Subscription(user=user) for user in subscribers], ignore_conflicts=True)
    return 2


_REVIEW_MESSAGE = (
    "Bozza della versione 1.2: nuova sezione sui registri e sui dati real-world nel PMCF (ancora da tradurre "
    "in inglese), aggiornamenti su EUDAMED e sulla fattibilità dei centri. Commentate le sezioni di vostra competenza."
)


def _changelog(number: str) -> dict:
    return {"changelog_it": demo_content.CHANGELOG[number]["it"], "changelog_en": demo_content.CHANGELOG[number]["en"]}


def _replace_content(draft: Version, snapshot: list[dict], *, by: User, at: datetime) -> None:
    """Make the draft hold exactly ``snapshot``, as its editors would have."""
    draft.sections.all().delete()
    sections = Section.objects.bulk_create(
        Section(
            version=draft,
            key=item["key"],
            level=item["level"],
            position=position,
            title_it=item["title"]["it"],
            title_en=item["title"]["en"],
            body_it=item["body"]["it"],
            body_en=item["body"]["en"],
            updated_at=at,
            updated_by=by,
        )
        for position, item in enumerate(snapshot)
    )
    Reference.objects.bulk_create(
        Reference(section=section, position=position, **reference)
        for section, item in zip(sections, snapshot, strict=True)
        for position, reference in enumerate(item["references"])
    )
    Version.objects.filter(pk=draft.pk).update(updated_at=at)


def _discuss(draft: Version, reviewers: list[User], *, at: datetime) -> None:
    sections = {section.key: section for section in draft.sections.all()}
    for key, author, text, replies, resolved in DISCUSSIONS:
        section = sections.get(key)
        if section is None:
            continue
        thread = Thread.objects.create(
            section=section,
            started_by=reviewers[author],
            created_at=at,
            resolved_at=at + timedelta(days=1) if resolved else None,
            resolved_by=reviewers[replies[-1][0]] if resolved and replies else None,
        )
        Comment.objects.create(thread=thread, author=reviewers[author], body=text, created_at=at)
        for offset, (who, reply) in enumerate(replies, start=1):
            Comment.objects.create(
                thread=thread, author=reviewers[who], body=reply, created_at=at + timedelta(hours=offset * 5)
            )
