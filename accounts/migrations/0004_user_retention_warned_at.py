from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_email_verified_security_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="retention_warned_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "Dernier courriel annonçant l'anonymisation du compte inutilisé ; "
                    "une connexion après cette date le rend sans effet."
                ),
                null=True,
                verbose_name="prévenu de l'anonymisation le",
            ),
        ),
    ]
