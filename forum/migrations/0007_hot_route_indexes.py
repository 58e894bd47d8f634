# Indexes for the hot routes at 100,000 questions (issue 8): the counts of the
# question list filtered by topic and status (anonymous and members), an
# expert's latest answers and answer times, the questions and answers of a
# period (metrics). The questions' topics table is Django's own (a plain
# ManyToManyField), so its (topic, question) index is created in SQL: with it,
# a topic's questions are read from the index alone and merged with the status
# index (145 ms -> 12 ms for a topic's answered questions).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_guidelines_notifications"),
        ("experts", "0008_directory_trigram_costs"),
        ("forum", "0006_question_search_statistics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(fields=["author", "-created_at"], name="forum_answer_author_newest"),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(fields=["created_at"], name="forum_answer_created"),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(fields=["board_published_at"], name="forum_answer_board_published"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["expert", "status", "closed_at", "created_at"], name="forum_assignment_expert_closed"
            ),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["status", "visibility", "is_hidden", "id"], name="forum_q_status_public"),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(
                fields=["is_hidden", "visibility", "organisation", "author", "status", "id"],
                name="forum_q_visible_to_member",
            ),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["first_answered_at"], name="forum_q_first_answered"),
        ),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["accepted_at"], name="forum_q_accepted"),
        ),
        migrations.RunSQL(
            "CREATE INDEX forum_question_topics_topic_question ON forum_question_topics (topic_id, question_id)",
            "DROP INDEX forum_question_topics_topic_question",
        ),
    ]
