"""Demo data: each app registers a seeder here; ``seed_demo`` runs them in order.

Apps register from their ``ready()`` so that this low-level app never imports
a higher one.
"""

from django.contrib.auth.models import Group

from .models import User
from .roles import ORGANISER_GROUP

DEMO_PASSWORD = "LabelDemo2020!"
DEMO_DOMAIN = "label-demo.example"

DEMO_ACCOUNTS = [
    # (e-mail local part, full name, role)
    ("organisatrice", "Claire Martin", "organiser"),
    ("jure1", "Jean Dupont", "juror"),
    ("jure2", "Amina Benali", "juror"),
    ("jure3", "Luc Moreau", "juror"),
    ("candidate", "Sophie Leroy", "candidate"),
]

_seeders = []


def register(order):
    """Decorator: run ``function(stdout)`` during ``seed_demo``, lower ``order`` first."""

    def decorator(function):
        if function not in [registered for _order, registered in _seeders]:
            _seeders.append((order, function))
        return function

    return decorator


def seeders():
    return [function for _order, function in sorted(_seeders, key=lambda item: item[0])]


def demo_email(local_part):
    return f"{local_part}@{DEMO_DOMAIN}"


def demo_user(local_part):
    return User.objects.get(email=demo_email(local_part))


@register(order=0)
def seed_accounts(stdout):
    organisers = Group.objects.get(name=ORGANISER_GROUP)
    for local_part, full_name, role in DEMO_ACCOUNTS:
        user, _created = User.objects.update_or_create(
            email=demo_email(local_part),
            defaults={"full_name": full_name, "is_staff": role == "organiser", "is_active": True},
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if role == "organiser":
            user.groups.add(organisers)
        stdout.write(f"  {role:<10} {user.email}")
