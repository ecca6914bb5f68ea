"""``seed_demo`` creates the demo accounts once, with the published password and the organiser's rights."""

import pytest

from accounts.models import User
from accounts.roles import is_organiser

from .seeding import seed

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent():
    seed()
    seed()
    users = User.objects.count()
    seed()
    assert User.objects.count() == users
    emails = set(User.objects.values_list("email", flat=True))
    assert {
        f"{name}@label-demo.example" for name in ("organisatrice", "jure1", "jure2", "jure3", "candidate")
    } <= emails
    organiser = User.objects.get(email="organisatrice@label-demo.example")
    assert is_organiser(organiser)
    assert organiser.check_password("LabelDemo2020!")


def test_an_account_changed_while_trying_the_demo_is_kept():
    seed()
    juror = User.objects.get(email="jure1@label-demo.example")
    juror.set_password("Un autre mot de passe 2024")
    juror.full_name = "Jean Dupont-Lemaire"
    juror.save()

    seed()

    juror.refresh_from_db()
    assert (juror.full_name, juror.check_password("Un autre mot de passe 2024")) == ("Jean Dupont-Lemaire", True)
