from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = (
        "Écrit une archive (un fichier tar) de toute la plateforme : une copie cohérente de la base de données, puis "
        "les fichiers des stockages private et public (ou seulement leur liste, avec --files manifest), et un "
        "manifeste des empreintes et des nombres de lignes que `restore` vérifie."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Chemin de l'archive à écrire (jamais écrasée). Par défaut : var/backups/backup-YYYYmmdd-HHMMSS.tar.",
        )
        parser.add_argument(
            "--files",
            choices=backup.FILES_MODES,
            default=backup.COPY,
            help="copy : ranger chaque fichier dans l'archive (par défaut). manifest : seulement les lister avec leur "
            "empreinte, pour un stockage qui garde ses propres copies (un bucket versionné et répliqué).",
        )

    def handle(self, *args, output=None, files=backup.COPY, **options):
        try:
            report = backup.backup(output or backup.default_path(), files_mode=files)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        for name in report.vanished:
            self.stdout.write(self.style.WARNING(f"  supprimé pendant la sauvegarde, laissé de côté : {name}"))
        self.stdout.write(self.style.SUCCESS(report.line()))
