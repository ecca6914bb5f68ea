from django.conf import settings
from django.core.management.base import BaseCommand

from privacy import retention

# The settings' keys (RETENTION), as the command's last line names them.
PERIODS = {
    "accounts": "comptes",
    "candidatures": "candidatures",
    "registrations": "inscriptions",
    "outbox": "courriels, journal de sécurité et traces de connexion",
    "audit": "journal d'audit",
}


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation des données personnelles (réglage RETENTION) : prévient puis "
        "anonymise les comptes inutilisés, supprime les candidatures, inscriptions, courriels, traces de connexion, "
        "entrées d'audit et archives dont la durée est écoulée. Tourne chaque nuit ; peut être relancée sans risque."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compter seulement ce qui serait supprimé ou anonymisé, sans rien modifier ni envoyer.",
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            self.stdout.write("Simulation : rien n'est modifié ni envoyé. Voici ce que la purge ferait :")
        report = retention.purge(dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        periods = ", ".join(
            f"{PERIODS[kind]} {years} {'an' if years == 1 else 'ans'}" for kind, years in settings.RETENTION.items()
        )
        done = "Simulation terminée" if dry_run else "Purge terminée"
        self.stdout.write(self.style.SUCCESS(f"{done}. Durées appliquées : {periods}."))
