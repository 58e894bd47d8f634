from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill_accepted_at(apps, schema_editor):
    """Questions accepted before the field existed: the best timestamp known is
    when the accepted answer was published (a board answer when its quorum
    signed, any other when written); the acceptance came at or after it."""
    Question = apps.get_model("forum", "Question")
    Answer = apps.get_model("forum", "Answer")
    published = Answer.objects.filter(pk=OuterRef("accepted_answer_id")).values(
        moment=Coalesce("board_published_at", "created_at")
    )[:1]
    Question.objects.filter(accepted_answer__isnull=False, accepted_at__isnull=True).update(
        accepted_at=Subquery(published)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0004_question_counselling_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill_accepted_at, migrations.RunPython.noop),
    ]
