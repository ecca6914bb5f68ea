"""The demo accounts (``data/accounts.toml``), all with the published password."""

import base64

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import ORGANISER_GROUP
from accounts.second_factor import DEMO_DEVICE_NAME

from . import data

ACCOUNTS = data.load("accounts")["account"]
PASSWORD = data.load("accounts")["password"]
SECOND_FACTOR_SECRET = data.load("accounts")["second_factor_secret"]
# Who must pass a second factor, and gets the published demo secret with DEBUG on.
SECOND_FACTOR_ROLES = ("organiser", "juror")


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
            # Their addresses count as confirmed: the 2020 story has them submit dossiers.
            person = User.objects.create(
                email=address,
                full_name=account["full_name"],
                password=hashed,
                is_staff=organiser,
                email_verified_at=timezone.now(),
            )
        if organiser:
            person.groups.add(organisers)
        if settings.DEBUG and account["role"] in SECOND_FACTOR_ROLES:
            _demo_second_factor(person)
        people[account["local_part"]] = person
    return people


def _demo_second_factor(person):
    """The published secret, unless the person already set up an app of their own while trying the demo."""
    if TOTPDevice.objects.filter(user=person, confirmed=True).exists():
        return
    key = base64.b32decode(SECOND_FACTOR_SECRET).hex()
    TOTPDevice.objects.create(user=person, name=DEMO_DEVICE_NAME, key=key, confirmed=True)
