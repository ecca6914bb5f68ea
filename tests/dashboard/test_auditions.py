"""The audition sessions on the dashboard: slots filled, convocations sent, and the scheduler's reasons for each
shortlisted candidature left without a slot."""

import pytest
from django.urls import reverse

from auditions.sessions.convocations import acknowledge, publish
from auditions.sessions.models import Availability, Convocation, Slot
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
        (row.title, row.slot_count, row.placed_count, row.convocation_count, row.acknowledged_count, row.published)
        for row in context["sessions"]
    ] == [
        ("Auditions passées", 1, 1, 0, 0, False),
        ("Auditions Hauts-de-France", 3, 1, 1, 0, True),
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


def test_convocations_sent_and_acknowledged_equal_their_rows_and_the_admin_lists(organiser_client):
    edition = edition_2020()
    session = future_session(edition, slots=4)
    other = future_session(edition, days=21, title="Auditions Normandie", slots=1)
    placed = [shortlisted(edition, f"LTI-2020-000{index}") for index in range(1, 6)]
    for slot, placed_there in zip([*session.slots.order_by("starts_at"), *other.slots.all()], placed, strict=True):
        Slot.objects.filter(pk=slot.pk).update(candidature=placed_there)
    publish(session)
    publish(other)
    for confirming in placed[:2] + placed[4:]:
        convocation = Convocation.objects.get(candidature=confirming)
        acknowledge(convocation, confirming.owner, convocation.sequence)
    # Left the session after acknowledging: cancelled, so counted in neither column.
    Slot.objects.filter(candidature=placed[0]).update(candidature=None)
    publish(session)

    rows = organiser_client.get(reverse("dashboard:edition", kwargs={"edition": edition.slug})).context["sessions"]

    in_force = Convocation.objects.filter(cancelled=False)
    expected = [
        (
            in_force.filter(session=row).count(),
            in_force.filter(session=row, acknowledged_at__isnull=False).count(),
        )
        for row in rows
    ]
    admin_counts = [
        (
            organiser_client.get(row.convocations_url).context["cl"].result_count,
            organiser_client.get(row.acknowledged_url).context["cl"].result_count,
        )
        for row in rows
    ]
    assert [(row.convocation_count, row.acknowledged_count) for row in rows] == expected == admin_counts
    assert expected == [(3, 1), (1, 1)]
