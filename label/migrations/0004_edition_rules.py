from django.db import migrations, models


class Migration(migrations.Migration):
    """Each edition may link to its rules: shown on the call and beside the commitment the candidate ticks."""

    dependencies = [
        ("label", "0003_document_safe_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="rules_url",
            field=models.URLField(
                blank=True,
                help_text=(
                    "Adresse publique du règlement (page ou PDF) : lien « Lire le règlement » de la page de "
                    "l'appel et de l'engagement que le candidat coche."
                ),
                verbose_name="règlement de l'appel (lien)",
            ),
        ),
    ]
