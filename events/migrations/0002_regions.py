from django.db import migrations

from events.regions import REGIONS


def load_regions(apps, schema_editor):
    Region = apps.get_model("events", "Region")
    for code, name in REGIONS:
        Region.objects.update_or_create(code=code, defaults={"name": name})


def unload_regions(apps, schema_editor):
    apps.get_model("events", "Region").objects.filter(code__in=[code for code, _name in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(load_regions, unload_regions)]
