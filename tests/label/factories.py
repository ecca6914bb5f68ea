from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from events.models import Region
from label.models import Candidature, Criterion, Edition, Status, TerritoryKind
from tests.factories import UserFactory


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    name = factory.Sequence(lambda n: f"Label Territoire Innovant {2030 + n}")
    slug = factory.Sequence(lambda n: f"edition-{n}")
    year = factory.Sequence(lambda n: 2030 + n)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    contact_email = "contact@label.example"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"critere-{n}")
    name = factory.Sequence(lambda n: f"Critère {n}")
    guidance = "Ce que le jury attend."
    weight = Decimal("20")
    order = factory.Sequence(lambda n: n)


def hauts_de_france():
    return Region.objects.get(code="32")


class CandidatureFactory(factory.django.DjangoModelFactory):
    """A draft with every field filled: ready to submit once its criteria are answered."""

    class Meta:
        model = Candidature

    edition = factory.SubFactory(EditionFactory)
    owner = factory.SubFactory(UserFactory)
    status = Status.DRAFT
    territory_name = factory.Sequence(lambda n: f"Commune {n}")
    territory_kind = TerritoryKind.COMMUNE
    region = factory.LazyFunction(hauts_de_france)
    population = 12000
    project_title = "Éclairage public intelligent"
    summary = "Un éclairage qui s'adapte aux passages."
    description = "Contexte, objectifs, réalisation."
    stage = "pilot"
    contact_name = "Sophie Leroy"
    contact_email = factory.LazyAttribute(lambda c: c.owner.email)
    consent_rules = True


def answer_all(candidature, text="Notre réponse."):
    for criterion in candidature.edition.criteria.all():
        candidature.answers.update_or_create(criterion=criterion, defaults={"text": text})
    return candidature
