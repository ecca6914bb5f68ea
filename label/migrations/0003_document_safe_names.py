from django.db import migrations

from core.uploads import safe_name


def clean_names(apps, schema_editor):
    """Names kept before uploads were cleaned get the name they are served under, so every page shows that one."""
    Document = apps.get_model("label", "Document")
    changed = []
    for document in Document.objects.only("pk", "original_name", "content_type").iterator(chunk_size=2000):
        name = safe_name(document.original_name, document.content_type)
        if name != document.original_name:
            document.original_name = name
            changed.append(document)
    Document.objects.bulk_update(changed, ["original_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("label", "0002_edit_versions_and_edition_codes")]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop)]
