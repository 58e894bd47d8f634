from django.db import migrations


def load_topics(apps, schema_editor):
    from experts.taxonomy import sync_topics

    sync_topics(apps.get_model("experts", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]

    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
