from django.core.management.base import BaseCommand, CommandError

from core import backup, restore


class Command(BaseCommand):
    help = (
        "Reconstruit la plateforme à partir d'une archive écrite par `backup` : la base de données, dans une base "
        "vide uniquement (refusé sinon), puis les fichiers dans les stockages private et public (ou, pour une "
        "archive faite avec --files manifest, une vérification que les stockages les contiennent toujours). Le "
        "nombre de lignes de chaque table et l'empreinte de chaque fichier sont comparés au manifeste de l'archive : "
        "la moindre différence fait échouer la commande."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Chemin de l'archive (un .tar écrit par `backup`).")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Ne pas demander de confirmation.",
        )

    def handle(self, *args, archive, interactive=True, **options):
        try:
            with restore.Archive(archive) as opened:
                restore.check_target(opened)
                manifest = opened.manifest
                self.stdout.write(
                    f"Archive du {manifest['created_at']} : base {backup.ENGINE_NAMES[opened.engine]}, "
                    f"fichiers {'copiés' if opened.files_mode == backup.COPY else 'listés seulement'}."
                )
                if interactive and not self.confirm():
                    raise CommandError("Restauration annulée.")
                report = restore.restore(opened)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Restauration terminée."))

    def confirm(self):
        self.stdout.write("La restauration va écrire dans :")
        for line in restore.target_description():
            self.stdout.write(f"  {line}")
        return input("Tapez « oui » pour continuer : ").strip().lower() == "oui"
