"""The audition sessions on the dashboard: slots filled, convocations sent, and the scheduler's reasons for each
shortlisted candidature left without a slot."""

import pytest
from django.urls import reverse

from auditions.sessions.convocations import publish
from auditions.sessions.models import Availability, Slot
from label.models import Status

from .factories import available, candidature, edition_2020, future_session, region

pytestmark = pytest.mark.django_db


def shortlisted(edition, reference, **fields):
    return candidature(edition, Status.SHORTLISTED, reference=reference, **fields)


def test_sessions_and_the_shortlisted_left_without_a_slot(organiser_client):
    edition = edition_2020()
    hdf, normandie = region("32"), region("28")
    session = future_session(edition, slots=3)
    session.regions.set([hdf])
    past = future_session(edition, days=-30, title="Auditions passées", slots=1)
    past.regions.set([hdf])
    placed = shortlisted(edition, "LTI-2020-0001", region=hdf)
    first_slot = session.slots.order_by("starts_at").first()
    Slot.objects.filter(pk=first_slot.pk).update(candidature=placed)
    publish(session)
    silent = shortlisted(edition, "LTI-2020-0002", region=hdf)
    ready = shortlisted(edition, "LTI-2020-0003", region=hdf)
    available(ready, session)
    away = shortlisted(edition, "LTI-2020-0004", region=hdf)
    Availability.objects.create(candidature=away, session=session, available=False)
    elsewhere = shortlisted(edition, "LTI-2020-0005", region=normandie)
    # Auditioned already, or placed in the past session: not waiting for a slot.
    candidature(edition, Status.AUDITIONED, reference="LTI-2020-0006", region=hdf)
    Slot.objects.filter(session=past).update(candidature=shortlisted(edition, "LTI-2020-0007", region=hdf))

    context = organiser_client.get(reverse("dashboard:edition", kwargs={"edition": edition.slug})).context

    assert [
        (row.title, row.slot_count, row.placed_count, row.convocation_count, row.published)
        for row in context["sessions"]
    ] == [
        ("Auditions passées", 1, 1, 0, False),
        ("Auditions Hauts-de-France", 3, 1, 1, True),
    ]
    assert [
        (row.candidature.reference, [(getattr(where, "title", None), reason) for where, reason in row.reasons])
        for row in context["unplaced"]
    ] == [
        (
            silent.reference,
            [("Auditions Hauts-de-France", "n'a pas indiqué ses disponibilités pour cette session")],
        ),
        (
            ready.reference,
            [
                (
                    "Auditions Hauts-de-France",
                    "un créneau lui convient : lancez la planification automatique ou placez-la",
                )
            ],
        ),
        (away.reference, [("Auditions Hauts-de-France", "a indiqué ne pas être disponible pour cette session")]),
        (elsewhere.reference, [(None, "aucune session d'auditions ne couvre sa région")]),
    ]


def test_a_candidature_without_a_session_to_come_is_told_why(organiser_client):
    edition = edition_2020()
    url = reverse("dashboard:edition", kwargs={"edition": edition.slug})
    waiting = shortlisted(edition, "LTI-2020-0001")
    context = organiser_client.get(url).context
    assert context["sessions"] == []
    assert [(row.candidature, row.reasons) for row in context["unplaced"]] == [
        (waiting, [(None, "aucune session d'auditions ne couvre sa région")])
    ]
    future_session(edition, days=-3, title="Auditions passées")
    assert [(row.candidature, row.reasons) for row in organiser_client.get(url).context["unplaced"]] == [
        (waiting, [(None, "les sessions d'auditions qui la concernent sont passées")])
    ]
