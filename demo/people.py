"""The demo accounts (``data/accounts.toml``), all with the published password."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ORGANISER_GROUP

from . import data

ACCOUNTS = data.load("accounts")["account"]
PASSWORD = data.load("accounts")["password"]


def user(local_part):
    return User.objects.get(email=data.email(local_part))


def seed():
    """{local part: user} of every demo account: the missing ones created, the others kept as they are."""
    existing = User.objects.in_bulk([data.email(account["local_part"]) for account in ACCOUNTS], field_name="email")
    organisers = Group.objects.get(name=ORGANISER_GROUP)
    # Hashing is slow on purpose: once per run, and only when an account is missing.
    hashed = make_password(PASSWORD) if len(existing) < len(ACCOUNTS) else None
    people = {}
    for account in ACCOUNTS:
        address, organiser = data.email(account["local_part"]), account["role"] == "organiser"
        person = existing.get(address)
        if person is None:
            person = User.objects.create(
                email=address, full_name=account["full_name"], password=hashed, is_staff=organiser
            )
        if organiser:
            person.groups.add(organisers)
        people[account["local_part"]] = person
    return people
