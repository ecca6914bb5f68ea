"""``DJANGO_SETTINGS_MODULE=config.settings_bench python manage.py build_bench_data [--rebuild]``.

The national-scale data set `make bench` measures, built through the project's services and factories with a fixed
seed, in the bench's own PostgreSQL database (``BENCH_DATABASE_URL``); kept while the code that builds it and the
migrations are unchanged. ``python -m bench`` runs the same preparation before measuring.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.database import BenchDatabase
from bench.environment import database_url
from bench.prepare import prepare


class Command(BaseCommand):
    help = "Construit (ou réutilise) le jeu de données du banc d'essai dans sa propre base PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Supprime la base du banc et reconstruit tout.")

    def handle(self, *args, rebuild=False, **options):
        if settings.SETTINGS_MODULE != "config.settings_bench":
            raise CommandError("Lancez cette commande avec DJANGO_SETTINGS_MODULE=config.settings_bench.")
        bench_database = BenchDatabase(database_url())
        with bench_database.exclusive():
            setup = prepare(bench_database, rebuild)
        state = "réutilisé" if setup["reused"] else "construit"
        self.stdout.write(
            f"Jeu de données {setup['data_set']} {state} dans {bench_database.name} en {setup['seconds']} s."
        )
