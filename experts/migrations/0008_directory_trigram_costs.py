from django.db import migrations

# PostgreSQL's planner believes pg_trgm's word similarity costs no more than an
# equality, so on a few thousand clinics it scans every name instead of using
# the trigram index (25 ms instead of 3 ms for one search). Telling it the real
# price of the functions makes it choose the index. Only the owner of the
# extension (the role that created it) may do so; otherwise the search still
# works, more slowly, and the warning says why. See docs/performance.md.
FUNCTIONS = [
    "word_similarity(text, text)",
    "word_similarity_op(text, text)",
    "word_similarity_commutator_op(text, text)",
]


def _set_cost(schema_editor, cost: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    statements = "\n".join(f"ALTER FUNCTION {function} COST {cost};" for function in FUNCTIONS)
    schema_editor.execute(
        f"""DO $$
BEGIN
{statements}
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'pg_trgm belongs to another role: the directory search may not use its trigram indexes';
END $$;"""
    )


def forward(apps, schema_editor):
    _set_cost(schema_editor, 100)


def backward(apps, schema_editor):
    _set_cost(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("experts", "0007_directory_history")]

    operations = [migrations.RunPython(forward, backward)]
