from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import people, seed


class Command(BaseCommand):
    help = (
        "Create the demo data (running it again changes nothing more). Refused with DEBUG off unless --force: "
        "the demo accounts' password is published."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Seed even with DEBUG off, on a server that is not a production one."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: seed_demo creates accounts whose password is published (in the README and in this "
                "command's output), so it does not run on what may be a production server. Run it with "
                "DEBUG=true, or add --force on a server that is not a production one."
            )
        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG is off, seeding anyway (--force): the demo accounts below get a published password."
                )
            )
        seed.run(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Password of every demo account: {people.PASSWORD}"))
