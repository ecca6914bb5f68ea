import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

import showcase.models

# French stemming after the accents are removed, so "eclairage" and "éclairage" give the same lexeme.
CREATE_CONFIGURATION = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""
DROP_CONFIGURATION = "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent"


class Unaccent(UnaccentExtension):
    """``unaccent`` on PostgreSQL and nothing elsewhere, both ways (Django checks the database going forwards only)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("showcase", "0001_initial")]

    operations = [
        Unaccent(),
        migrations.RunPython(on_postgresql(CREATE_CONFIGURATION), on_postgresql(DROP_CONFIGURATION)),
        migrations.AddField(
            model_name="publishedproject",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="publishedproject",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="texte recherché"),
        ),
        migrations.AddIndex(
            model_name="publishedproject",
            index=showcase.models.SearchIndex(fields=["search_vector"], name="published_project_search"),
        ),
    ]
