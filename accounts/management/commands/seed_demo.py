from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seeders


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent: running it twice changes nothing more)."

    def handle(self, *args, **options):
        self.stdout.write("Demo accounts:")
        with transaction.atomic():
            for seeder in seeders():
                seeder(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Password of every demo account: {DEMO_PASSWORD}"))
