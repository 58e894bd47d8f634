"""On PostgreSQL, a trigger refuses any change to a published version, its
sections and their references, whatever code or SQL attempts it. (The model
layer refuses it on every database; see ``guidelines.models``.)"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION guidelines_refuse_published_version() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' AND (
        TG_OP = 'DELETE'
        OR (NEW.status, NEW.major, NEW.minor, NEW.title_it, NEW.title_en, NEW.changelog_it,
            NEW.changelog_en, NEW.published_at, NEW.revision, NEW.based_on_id, NEW.is_demo)
           IS DISTINCT FROM
           (OLD.status, OLD.major, OLD.minor, OLD.title_it, OLD.title_en, OLD.changelog_it,
            OLD.changelog_en, OLD.published_at, OLD.revision, OLD.based_on_id, OLD.is_demo)
    ) THEN
        RAISE EXCEPTION 'guidelines version % is published and cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER guidelines_version_immutable
    BEFORE UPDATE OR DELETE ON guidelines_version
    FOR EACH ROW EXECUTE FUNCTION guidelines_refuse_published_version();

CREATE FUNCTION guidelines_refuse_published_section() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM guidelines_version
        WHERE status = 'published' AND id IN (
            CASE WHEN TG_OP <> 'INSERT' THEN OLD.version_id END,
            CASE WHEN TG_OP <> 'DELETE' THEN NEW.version_id END)
    ) THEN
        RAISE EXCEPTION 'sections of a published guidelines version cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER guidelines_section_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON guidelines_section
    FOR EACH ROW EXECUTE FUNCTION guidelines_refuse_published_section();

CREATE FUNCTION guidelines_refuse_published_reference() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM guidelines_section s JOIN guidelines_version v ON v.id = s.version_id
        WHERE v.status = 'published' AND s.id IN (
            CASE WHEN TG_OP <> 'INSERT' THEN OLD.section_id END,
            CASE WHEN TG_OP <> 'DELETE' THEN NEW.section_id END)
    ) THEN
        RAISE EXCEPTION 'references of a published guidelines version cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER guidelines_reference_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON guidelines_reference
    FOR EACH ROW EXECUTE FUNCTION guidelines_refuse_published_reference();
"""

BACKWARD = """
DROP TRIGGER guidelines_reference_immutable ON guidelines_reference;
DROP FUNCTION guidelines_refuse_published_reference();
DROP TRIGGER guidelines_section_immutable ON guidelines_section;
DROP FUNCTION guidelines_refuse_published_section();
DROP TRIGGER guidelines_version_immutable ON guidelines_version;
DROP FUNCTION guidelines_refuse_published_version();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("guidelines", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
