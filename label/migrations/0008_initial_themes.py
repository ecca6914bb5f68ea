from django.db import migrations

# The label's first list of themes; organisers add, rename or retire them in the admin afterwards.
THEMES = [
    ("mobilite", "Mobilité"),
    ("donnees", "Données"),
    ("energie", "Énergie et climat"),
    ("inclusion-numerique", "Inclusion numérique"),
    ("democratie-participative", "Démocratie participative"),
    ("services-publics", "Services publics"),
    ("education", "Éducation"),
    ("sante", "Santé et solidarités"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("label", "Theme")
    for order, (slug, name) in enumerate(THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("label", "0007_themes")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
