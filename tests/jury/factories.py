from datetime import timedelta
from itertools import count

import factory
from django.utils import timezone

from auditions.jury.models import Assignment, Jury, JuryMember
from auditions.jury.services import save_evaluation
from label.models import Status
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, EditionFactory


class JuryFactory(factory.django.DjangoModelFactory):
    """A jury whose scoring period is open now."""

    class Meta:
        model = Jury

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Jury {n}")
    scoring_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    scoring_closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))


class JuryMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMember

    jury = factory.SubFactory(JuryFactory)
    user = factory.SubFactory(UserFactory)
    state = JuryMember.State.ACCEPTED


_references = count(1)


def shortlisted(edition, **fields):
    return CandidatureFactory(
        edition=edition,
        status=Status.SHORTLISTED,
        reference=f"LTI-{edition.year}-{next(_references):04d}",
        submitted_at=timezone.now() - timedelta(days=20),
        **fields,
    )


def jury_with_members(count=3, **fields):
    jury = JuryFactory(**fields)
    members = [JuryMemberFactory(jury=jury).user for _ in range(count)]
    return jury, members


def assign(jury, juror, candidature):
    return Assignment.objects.create(jury=jury, juror=juror, candidature=candidature)


def scored(jury, juror, candidature, values, submit=True, comment=""):
    """Assign and score ``values`` (a list in criterion order); returns the evaluation."""
    assignment = Assignment.objects.filter(juror=juror, candidature=candidature).first() or assign(
        jury, juror, candidature
    )
    criteria = list(candidature.edition.criteria.all())
    return save_evaluation(
        assignment, juror, dict(zip([c.pk for c in criteria], values, strict=True)), comment, submit=submit
    )
