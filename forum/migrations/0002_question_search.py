from django.db import migrations

# The search vector of a question: its title (weight A) and body (weight B),
# stemmed both in Italian and in English, kept by a trigger so that every write
# path (services, bulk loads, the admin) keeps it right.
FORWARD = """
CREATE FUNCTION forum_question_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('pg_catalog.italian', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.italian', coalesce(NEW.body, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce(NEW.body, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER forum_question_search_vector_update
  BEFORE INSERT OR UPDATE OF title, body ON forum_question
  FOR EACH ROW EXECUTE FUNCTION forum_question_search_vector();

UPDATE forum_question SET title = title;

CREATE INDEX forum_question_search_gin ON forum_question USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS forum_question_search_gin;
DROP TRIGGER IF EXISTS forum_question_search_vector_update ON forum_question;
DROP FUNCTION IF EXISTS forum_question_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("forum", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
