from django.db import migrations

# Finer statistics on the search vector, so that the planner knows a rare word
# is rare. With the default (100), PostgreSQL keeps the frequencies of ~1,000
# lexemes and assumes any other matches ~1% of the questions: at a million
# questions it then prefers walking every question newest first, testing each,
# to reading the handful of matches from the full-text index (1.2 s instead
# of 5 ms for a rare word). 1,000 keeps ~10,000 lexemes; ANALYZE samples
# 300,000 rows (seconds, in the background under autovacuum).
FORWARD = """
ALTER TABLE forum_question ALTER COLUMN search_vector SET STATISTICS 1000;
ANALYZE forum_question;
"""

BACKWARD = "ALTER TABLE forum_question ALTER COLUMN search_vector SET STATISTICS -1;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("forum", "0005_question_accepted_at")]

    operations = [migrations.RunPython(forward, backward)]
