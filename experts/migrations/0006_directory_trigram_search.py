from django.db import migrations

# Fuzzy search of the directory: trigram indexes on clinic names and population
# conditions (PostgreSQL's pg_trgm). SQLite, for a first run, searches without them.
FORWARD = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS experts_clinic_name_trgm ON experts_clinic USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS experts_population_condition_trgm
  ON experts_clinicalpopulation USING gin (condition gin_trgm_ops);
"""

BACKWARD = """
DROP INDEX IF EXISTS experts_population_condition_trgm;
DROP INDEX IF EXISTS experts_clinic_name_trgm;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("experts", "0005_clinical_network")]

    operations = [migrations.RunPython(forward, backward)]
