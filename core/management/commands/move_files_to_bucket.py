from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import storage

FOLDERS = {storage.PRIVATE: "PRIVATE_STORAGE_ROOT", storage.PUBLIC: "PUBLIC_MEDIA_ROOT"}


class Command(BaseCommand):
    help = (
        "Copie les fichiers des dossiers locaux (documents et archives privés, images publiques) dans le bucket "
        "configuré (AWS_STORAGE_BUCKET_NAME), sous les mêmes noms, puis relit chacun dans le bucket et compare son "
        "empreinte SHA-256. Peut être relancée : un fichier déjà copié à l'identique n'est pas recopié."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-local",
            action="store_true",
            help="Supprimer les fichiers locaux une fois tous vérifiés dans le bucket.",
        )

    def handle(self, *args, delete_local=False, **options):
        failed = False
        for alias, setting in FOLDERS.items():
            folder = getattr(settings, setting)
            try:
                moved = storage.move_to_bucket(alias, folder, delete_local=delete_local)
            except storage.MoveError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"{alias} ({folder}) : {moved.files} fichier(s), {moved.copied} copié(s), "
                f"{moved.already_there} déjà présent(s), {moved.verified} vérifié(s), {moved.removed} supprimé(s) "
                "en local."
            )
            for name in moved.mismatched:
                self.stderr.write(f"  absent ou différent dans le bucket : {name}")
            failed = failed or bool(moved.mismatched)
        if failed:
            raise CommandError("Des fichiers ne sont pas identiques dans le bucket : les fichiers locaux sont gardés.")
        self.stdout.write(self.style.SUCCESS("Tous les fichiers sont dans le bucket, nombre et empreintes vérifiés."))
