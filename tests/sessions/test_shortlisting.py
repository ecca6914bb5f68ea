"""Shortlisting a candidature asks its owner for their availability: ``label`` fires the transition and sends
``status_changed``, the sessions room answers it (``auditions.sessions.hooks``) with the e-mail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from auditions.sessions.models import AuditionSession
from label import services as label_services
from label.models import Status
from notifications.models import Notification
from tests.factories import OrganiserFactory
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db


def session_ahead(edition, days=20, title="Auditions Hauts-de-France", **fields):
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return AuditionSession.objects.create(
        edition=edition, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3), **fields
    )


def eligible(edition):
    return CandidatureFactory(
        edition=edition, status=Status.ELIGIBLE, reference="LTI-2030-0001", submitted_at=timezone.now()
    )


def requests():
    return list(
        Notification.objects.filter(kind="availability_request").values_list("recipient", "idempotency_key", "status")
    )


def test_shortlisting_queues_the_availability_request_for_the_sessions_still_asking():
    edition = EditionFactory()
    asking = session_ahead(edition)
    session_ahead(edition, days=25, title="Réponses closes", availability_deadline=timezone.now() - timedelta(days=1))
    candidature = eligible(edition)

    label_services.fire(candidature, "shortlist", OrganiserFactory())

    assert requests() == [
        (candidature.owner.email, f"availability_request:{candidature.pk}:{asking.pk}", Notification.Status.QUEUED)
    ]


def test_another_decision_or_no_session_asks_for_nothing():
    edition = EditionFactory()
    organiser = OrganiserFactory()
    label_services.fire(eligible(edition), "shortlist", organiser)
    session_ahead(edition)
    ineligible = CandidatureFactory(
        edition=edition, status=Status.SUBMITTED, reference="LTI-2030-0002", submitted_at=timezone.now()
    )

    label_services.fire(ineligible, "mark_ineligible", organiser)

    assert requests() == []
