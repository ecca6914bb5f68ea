"""Convocations: what a candidate, the public and the jurors see is what was last published, never a slot being edited.

One calendar UID per candidature and session: a move, a new time or link is an update (same UID, higher
SEQUENCE, METHOD:REQUEST); a removal from the session is a METHOD:CANCEL of that UID; placing the candidature
again is a REQUEST of that UID with a higher SEQUENCE still.
"""

import re
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar

from auditions.sessions import convocations, services
from auditions.sessions.models import AuditionSession, Convocation, Slot
from core.errors import Refused
from core.templatetags.paris_time import paris_datetime
from notifications.models import Notification
from tests.conftest import messages_of
from tests.jury.factories import JuryFactory, JuryMemberFactory, shortlisted
from tests.label.factories import EditionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
VISIO = "https://visio.label.example/printemps"
ROOM_2 = "https://visio.label.example/salle-2"


def at(session, hour, minute=0):
    """``hour:minute`` (Paris) on the session's day."""
    return datetime.combine(timezone.localdate(session.starts_at), time(hour, minute), tzinfo=PARIS)


def uid(session, candidature):
    return f"convocation-{session.pk}-{candidature.pk}@label-territoire-innovant"


@pytest.fixture
def session():
    """Ten days ahead, 14:00–17:00 (Paris): Roubaix at 14:00, Lille at 14:25, 14:50 and 15:15 empty; published."""
    day = timezone.localdate() + timedelta(days=10)
    edition = EditionFactory(contact_email="contact@label.example")
    session = AuditionSession.objects.create(
        edition=edition,
        title="Auditions de printemps",
        starts_at=datetime.combine(day, time(14), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(17), tzinfo=PARIS),
        video_url=VISIO,
    )
    roubaix = shortlisted(edition, territory_name="Ville de Roubaix", project_title="Ordinateurs reconditionnés")
    lille = shortlisted(edition, territory_name="Métropole européenne de Lille", project_title="Portail partagé")
    for minute, candidature in ((0, roubaix), (25, lille), (50, None), (75, None)):
        starts_at = at(session, 14) + timedelta(minutes=minute)
        Slot.objects.create(
            session=session, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20), candidature=candidature
        )
    JuryMemberFactory(jury=JuryFactory(edition=edition))
    convocations.publish(session)
    return session


def slot_of(session, candidature):
    return session.slots.get(candidature=candidature)


def empty_slot(session, hour, minute):
    return session.slots.get(starts_at=at(session, hour, minute), candidature=None)


def candidatures(session):
    """Roubaix and Lille, in running order."""
    return [slot.candidature for slot in session.slots.filter(candidature__isnull=False).select_related("candidature")]


def parsed(content):
    """METHOD and the decoded properties of each VEVENT, DTSTAMP aside (the instant the file was made)."""
    calendar = Calendar.from_ical(content)
    events = [{name: event.decoded(name) for name in event if name != "DTSTAMP"} for event in calendar.walk("VEVENT")]
    return str(calendar["method"]), events


def downloaded(client, candidature):
    """The owner's .ics of their published convocation, parsed, or the HTTP status when there is none."""
    client.force_login(candidature.owner)
    convocation = Convocation.objects.get(candidature=candidature)
    response = client.get(reverse("auditions:convocation_ics", kwargs={"pk": convocation.pk}))
    return parsed(response.content) if response.status_code == 200 else response.status_code


def convocation_sections(client, candidature):
    """The text of each convocation section of the owner's /mes-candidatures/."""
    client.force_login(candidature.owner)
    page = client.get(reverse("label:my_candidatures")).content.decode()
    sections = re.findall(r'<section class="convocation[^"]*"[^>]*>(.*?)</section>', page, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", section)).split()) for section in sections]


def programme_rows(client, session):
    page = client.get(reverse("auditions:programme", kwargs={"edition": session.edition.slug})).content.decode()
    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>", page, re.S)
    return [(clock, unescape(territory)) for clock, territory in rows]


def feed(client, session):
    url = reverse("auditions:session_ics", kwargs={"edition": session.edition.slug, "pk": session.pk})
    return parsed(client.get(url).content)


ACKNOWLEDGE = (
    "J'ai bien reçu ma convocation Confirmez-nous votre présence à cet horaire. "
    "En cas d'empêchement, prévenez les organisateurs au plus vite."
)


def section(session, starts_at, link=VISIO, receipt=ACKNOWLEDGE):
    """The whole convocation section of /mes-candidatures/ for an audition at ``starts_at``, not yet acknowledged
    unless ``receipt`` says otherwise."""
    day = date_format(starts_at.astimezone(PARIS), "l j F Y")
    return (
        f"Convocation : audition le {day} à {starts_at.astimezone(PARIS):%H:%M} (heure de Paris) "
        f"{session.title} Pitch de 10 minutes, puis 10 minutes de questions du jury. "
        f"Lien de la visioconférence : {link} Ajouter à mon agenda (fichier iCal de la convocation) {receipt}"
    )


def everything_seen(client, session, convoked):
    """What each candidate of ``convoked``, the public and the jurors' programme show of the session."""
    seen = {}
    for candidature in convoked:
        seen[candidature.territory_name] = (
            downloaded(client, candidature),
            convocation_sections(client, candidature),
        )
    client.logout()
    seen["programme"] = programme_rows(client, session)
    seen["feed"] = feed(client, session)
    return seen


def new_mail(since):
    """(kind, recipient) of the e-mails queued after the notification ``since`` (a pk)."""
    queued = Notification.objects.filter(pk__gt=since).order_by("pk")
    return Counter((notification.kind, notification.recipient) for notification in queued)


def juror_of(session):
    return session.edition.juries.get().members.get().user


def last_pk():
    return Notification.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def mailed_ics(kind, candidature):
    (notification,) = Notification.objects.filter(kind=kind, recipient=candidature.owner.email)
    (attachment,) = notification.attachments
    return parsed(attachment["content"])


def test_the_first_publication_convokes_each_candidate_with_their_own_uid(client, session):
    roubaix, lille = candidatures(session)

    assert Counter(Notification.objects.values_list("kind", flat=True)) == {"convocation": 2, "running_order": 1}
    assert downloaded(client, roubaix) == (
        "REQUEST",
        [
            {
                "UID": uid(session, roubaix),
                "SEQUENCE": 0,
                "STATUS": "CONFIRMED",
                "DTSTART": at(session, 14).astimezone(UTC),
                "DTEND": at(session, 14, 20).astimezone(UTC),
                "SUMMARY": "Audition — Auditions de printemps",
                "LOCATION": VISIO,
                "URL": VISIO,
                "DESCRIPTION": f"Pitch de 10 minutes puis 10 minutes de questions du jury.\nVisioconférence : {VISIO}",
                "ORGANIZER": "mailto:contact@label.example",
            }
        ],
    )
    method, [mailed] = mailed_ics("convocation", lille)
    assert (method, mailed["UID"], mailed["SEQUENCE"], mailed["ATTENDEE"]) == (
        "REQUEST",
        uid(session, lille),
        0,
        f"mailto:{lille.owner.email}",
    )


def test_an_unpublished_move_changes_nothing_anyone_sees_until_it_is_published(client, session):
    roubaix, lille = candidatures(session)
    before = everything_seen(client, session, [roubaix, lille])
    assert before["programme"] == [("14:00", "Ville de Roubaix"), ("14:25", "Métropole européenne de Lille")]
    assert before["Ville de Roubaix"][1] == [section(session, at(session, 14))]
    since = last_pk()

    slot = slot_of(session, roubaix)
    slot.starts_at, slot.ends_at = at(session, 15, 40), at(session, 16)
    slot.save()

    assert everything_seen(client, session, [roubaix, lille]) == before
    assert new_mail(since) == {}

    convocations.publish(session)

    assert new_mail(since) == {
        ("convocation_updated", roubaix.owner.email): 1,
        ("running_order", juror_of(session).email): 1,
    }
    _method, [was] = before["Ville de Roubaix"][0]
    moved = {"SEQUENCE": 1, "DTSTART": at(session, 15, 40).astimezone(UTC), "DTEND": at(session, 16).astimezone(UTC)}
    assert downloaded(client, roubaix) == ("REQUEST", [{**was, **moved}])
    assert was["UID"] == uid(session, roubaix)
    assert convocation_sections(client, roubaix) == [section(session, at(session, 15, 40))]
    method, [mailed] = mailed_ics("convocation_updated", roubaix)
    assert (method, mailed["UID"], mailed["SEQUENCE"], mailed["DTSTART"]) == (
        "REQUEST",
        uid(session, roubaix),
        1,
        at(session, 15, 40).astimezone(UTC),
    )
    assert downloaded(client, lille) == before["Métropole européenne de Lille"][0]
    client.logout()
    assert programme_rows(client, session) == [
        ("14:25", "Métropole européenne de Lille"),
        ("15:40", "Ville de Roubaix"),
    ]


def test_a_move_to_another_slot_is_an_update_of_the_same_uid_not_a_cancellation(client, session):
    roubaix, _lille = candidatures(session)
    since = last_pk()
    target = empty_slot(session, 14, 50)
    Slot.objects.filter(candidature=roubaix).update(candidature=None)
    Slot.objects.filter(pk=target.pk).update(candidature=roubaix)

    convocations.publish(session)

    assert new_mail(since) == {
        ("convocation_updated", roubaix.owner.email): 1,
        ("running_order", juror_of(session).email): 1,
    }
    method, [event] = downloaded(client, roubaix)
    assert (method, event["UID"], event["SEQUENCE"], event["STATUS"], event["DTSTART"]) == (
        "REQUEST",
        uid(session, roubaix),
        1,
        "CONFIRMED",
        at(session, 14, 50).astimezone(UTC),
    )
    assert Convocation.objects.get(candidature=roubaix).slot_id == target.pk


def test_two_candidatures_swapping_slots_each_get_an_update_of_their_own_uid(client, session):
    roubaix, lille = candidatures(session)
    first, second = slot_of(session, roubaix), slot_of(session, lille)
    since = last_pk()
    Slot.objects.filter(pk__in=[first.pk, second.pk]).update(candidature=None)
    Slot.objects.filter(pk=first.pk).update(candidature=lille)
    Slot.objects.filter(pk=second.pk).update(candidature=roubaix)

    convocations.publish(session)

    assert new_mail(since) == {
        ("convocation_updated", roubaix.owner.email): 1,
        ("convocation_updated", lille.owner.email): 1,
        ("running_order", juror_of(session).email): 1,
    }
    told = {
        candidature.territory_name: (event["UID"], event["SEQUENCE"], event["DTSTART"])
        for candidature in (roubaix, lille)
        for _method, [event] in [downloaded(client, candidature)]
    }
    assert told == {
        "Ville de Roubaix": (uid(session, roubaix), 1, at(session, 14, 25).astimezone(UTC)),
        "Métropole européenne de Lille": (uid(session, lille), 1, at(session, 14).astimezone(UTC)),
    }


def test_a_new_video_link_is_an_update_too(client, session):
    roubaix, _lille = candidatures(session)
    Slot.objects.filter(candidature=roubaix).update(video_url=ROOM_2)
    assert downloaded(client, roubaix)[1][0]["LOCATION"] == VISIO

    convocations.publish(session)

    method, [event] = downloaded(client, roubaix)
    assert (method, event["UID"], event["SEQUENCE"], event["LOCATION"], event["URL"]) == (
        "REQUEST",
        uid(session, roubaix),
        1,
        ROOM_2,
        ROOM_2,
    )
    assert convocation_sections(client, roubaix) == [section(session, at(session, 14), ROOM_2)]


def test_a_removal_is_a_cancel_of_the_same_uid_and_placing_again_a_request_with_a_higher_sequence(client, session):
    roubaix, lille = candidatures(session)
    Slot.objects.filter(candidature=roubaix).update(candidature=None)
    assert convocation_sections(client, roubaix) == [section(session, at(session, 14))]

    convocations.publish(session)

    method, [cancelled] = mailed_ics("convocation_cancelled", roubaix)
    assert (method, cancelled["UID"], cancelled["SEQUENCE"], cancelled["STATUS"], cancelled["DTSTART"]) == (
        "CANCEL",
        uid(session, roubaix),
        1,
        "CANCELLED",
        at(session, 14).astimezone(UTC),
    )
    assert downloaded(client, roubaix) == 404
    assert convocation_sections(client, roubaix) == []
    client.logout()
    assert programme_rows(client, session) == [("14:25", "Métropole européenne de Lille")]
    since = last_pk()

    Slot.objects.filter(pk=empty_slot(session, 15, 15).pk).update(candidature=roubaix)
    convocations.publish(session)

    assert new_mail(since) == {("convocation", roubaix.owner.email): 1, ("running_order", juror_of(session).email): 1}
    method, [event] = downloaded(client, roubaix)
    assert (method, event["UID"], event["SEQUENCE"], event["STATUS"], event["DTSTART"]) == (
        "REQUEST",
        uid(session, roubaix),
        2,
        "CONFIRMED",
        at(session, 15, 15).astimezone(UTC),
    )
    assert downloaded(client, lille)[1][0]["SEQUENCE"] == 0


def test_a_deleted_slot_is_cancelled_at_the_next_publication_only(client, session):
    roubaix, lille = candidatures(session)
    before = everything_seen(client, session, [roubaix, lille])
    since = last_pk()

    slot_of(session, roubaix).delete()

    assert new_mail(since) == {}
    assert everything_seen(client, session, [roubaix, lille]) == before
    assert convocations.pending(session) == {"convocation_cancelled": 1}

    convocations.publish(session)

    assert new_mail(since) == {
        ("convocation_cancelled", roubaix.owner.email): 1,
        ("running_order", juror_of(session).email): 1,
    }
    assert downloaded(client, roubaix) == 404


def test_a_deleted_session_cancels_its_convocations_at_once(session):
    roubaix, lille = candidatures(session)
    told = uid(session, lille)
    since = last_pk()

    services.delete_session(session)

    assert new_mail(since) == {
        ("convocation_cancelled", roubaix.owner.email): 1,
        ("convocation_cancelled", lille.owner.email): 1,
    }
    method, [event] = mailed_ics("convocation_cancelled", lille)
    assert (method, event["UID"], event["SEQUENCE"], event["STATUS"]) == ("CANCEL", told, 1, "CANCELLED")


def test_another_candidate_cannot_download_someone_else_s_convocation(client, session):
    roubaix, lille = candidatures(session)
    theirs = reverse("auditions:convocation_ics", kwargs={"pk": Convocation.objects.get(candidature=roubaix).pk})

    client.force_login(lille.owner)

    assert client.get(theirs).status_code == 404
    assert downloaded(client, lille)[1][0]["UID"] == uid(session, lille)


def test_the_reminders_give_the_published_times_not_the_edited_ones(session):
    roubaix, lille = candidatures(session)
    Slot.objects.filter(candidature=roubaix).update(starts_at=at(session, 16, 30), ends_at=at(session, 16, 50))
    since = last_pk()

    assert convocations.remind_auditions(now=session.starts_at - timedelta(days=1)) == 3

    reminder = Notification.objects.get(pk__gt=since, kind="audition_reminder", recipient=roubaix.owner.email)
    day = date_format(session.starts_at.astimezone(PARIS), "l j F Y")
    assert reminder.subject == "C'est demain : votre audition à 14:00 (heure de Paris)"
    assert reminder.body_text.splitlines()[4] == f"Quand : {day} à 14:00, jusqu'à 14:20 (heure de Paris)"
    jury = Notification.objects.get(pk__gt=since, kind="audition_reminder_jury")
    assert jury.body_text.splitlines()[4:6] == [
        f"14:00–14:20  Ville de Roubaix — {roubaix.project_title}",
        f"14:25–14:45  Métropole européenne de Lille — {lille.project_title}",
    ]


# --- what the organiser sees will be sent ---------------------------------------------------------


def change_url(session):
    return reverse("admin:auditions_auditionsession_change", args=[session.pk])


def admin_states(client, session):
    """(start, convocation state) per slot row, and the session's next-publication summary, as the admin shows them."""
    page = client.get(change_url(session)).content.decode()
    starts = re.findall(r'name="slots-\d+-starts_at_1" value="([^"]+)"', page)
    states = re.findall(r'<td class="field-convocation_state">\s*<p>(.*?)</p>', page, re.S)
    (summary,) = re.findall(
        r'<div class="form-row field-next_publication">.*?<div class="readonly">(.*?)</div>', page, re.S
    )
    return list(zip(starts, map(unescape, states), strict=False)), unescape(summary)


def test_each_slot_row_says_what_the_next_publication_sends_about_it(organiser_client, session):
    roubaix, lille = candidatures(session)
    calais = shortlisted(session.edition, territory_name="Ville de Calais")
    arras = shortlisted(session.edition, territory_name="Ville d'Arras")
    assert admin_states(organiser_client, session) == (
        [("14:00:00", "envoyée"), ("14:25:00", "envoyée"), ("14:50:00", "—"), ("15:15:00", "—")],
        "aucun courriel",
    )

    Slot.objects.filter(candidature__in=[roubaix, lille]).update(candidature=None)
    Slot.objects.filter(pk=empty_slot(session, 15, 15).pk).update(candidature=roubaix)
    Slot.objects.filter(starts_at=at(session, 14, 25)).update(candidature=calais)
    Slot.objects.filter(starts_at=at(session, 14, 50)).update(candidature=arras)

    assert admin_states(organiser_client, session) == (
        [
            ("14:00:00", "—"),
            ("14:25:00", "à envoyer · annulation à envoyer"),
            ("14:50:00", "à envoyer"),
            ("15:15:00", "modification à envoyer"),
        ],
        "2 convocations, 1 convocation modifiée, 1 annulation",
    )
    since = last_pk()

    convocations.publish(session)

    sent = Counter(kind for kind, _recipient in new_mail(since))
    assert sent == {"convocation": 2, "convocation_updated": 1, "convocation_cancelled": 1, "running_order": 1}
    assert admin_states(organiser_client, session) == (
        [("14:00:00", "—"), ("14:25:00", "envoyée"), ("14:50:00", "envoyée"), ("15:15:00", "envoyée")],
        "aucun courriel",
    )


def test_a_row_left_by_its_candidature_says_a_cancellation_is_due(organiser_client, session):
    roubaix, _lille = candidatures(session)
    Slot.objects.filter(candidature=roubaix).update(candidature=None)

    assert admin_states(organiser_client, session) == (
        [("14:00:00", "annulation à envoyer"), ("14:25:00", "envoyée"), ("14:50:00", "—"), ("15:15:00", "—")],
        "1 annulation",
    )


def test_the_session_page_with_convocations_costs_the_same_with_1_and_40_rows(organiser_client, count_queries):
    day = timezone.localdate() + timedelta(days=10)
    session = AuditionSession.objects.create(
        edition=EditionFactory(),
        title="Journée d'auditions",
        starts_at=datetime.combine(day, time(8), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(22), tzinfo=PARIS),
        video_url=VISIO,
    )

    def add_slot(index):
        starts_at = session.starts_at + timedelta(minutes=20 * index)
        return Slot.objects.create(
            session=session,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=20),
            candidature=shortlisted(session.edition),
        )

    add_slot(0)
    convocations.publish(session)
    url = change_url(session)
    organiser_client.get(url)
    one = count_queries(organiser_client, url)
    slots = [add_slot(index) for index in range(1, 40)]
    convocations.publish(session)
    # Every state at once: moved, new link, left, deleted, given to another candidature, unchanged.
    Slot.objects.filter(pk=slots[0].pk).update(starts_at=F("starts_at") + timedelta(minutes=5))
    Slot.objects.filter(pk=slots[1].pk).update(video_url=ROOM_2)
    Slot.objects.filter(pk=slots[2].pk).update(candidature=None)
    slots[3].delete()
    Slot.objects.filter(pk=slots[4].pk).update(candidature=shortlisted(session.edition))

    assert count_queries(organiser_client, url) == one
    states = Counter(state for _start, state in admin_states(organiser_client, session)[0])
    assert states == {
        "envoyée": 35,
        "modification à envoyer": 2,
        "annulation à envoyer": 1,
        "à envoyer · annulation à envoyer": 1,
    }


# --- the candidate confirms receiving their convocation ---------------------------------------


def acknowledge(client, candidature, sequence=None, user=None):
    """POST "J'ai bien reçu ma convocation" for ``candidature``'s convocation, as its owner unless ``user``."""
    client.force_login(user or candidature.owner)
    convocation = Convocation.objects.get(candidature=candidature)
    shown = convocation.sequence if sequence is None else sequence
    return client.post(reverse("auditions:convocation_acknowledge", kwargs={"pk": convocation.pk}), {"sequence": shown})


def acknowledged_at(candidature):
    return Convocation.objects.get(candidature=candidature).acknowledged_at


def received(when):
    return f"Réception confirmée le {paris_datetime(when)}"


def test_the_owner_confirms_receiving_their_convocation_and_a_second_click_keeps_the_first(client, session, clock):
    roubaix, lille = candidatures(session)
    first = timezone.now().replace(microsecond=0)
    clock.set(first)

    response = acknowledge(client, roubaix)

    pk = Convocation.objects.get(candidature=roubaix).pk
    assert (response.status_code, response["Location"]) == (302, f"{reverse('label:my_candidatures')}#convocation-{pk}")
    assert messages_of(client.get(response["Location"])) == ["Merci : la réception de votre convocation est confirmée."]
    assert convocation_sections(client, roubaix) == [section(session, at(session, 14), receipt=received(first))]
    clock.set(first + timedelta(hours=2))
    assert acknowledge(client, roubaix).status_code == 302
    assert (acknowledged_at(roubaix), acknowledged_at(lille)) == (first, None)


def test_nobody_else_confirms_a_convocation_and_only_a_post_with_its_token_does(client, session):
    roubaix, lille = candidatures(session)
    url = reverse("auditions:convocation_acknowledge", kwargs={"pk": Convocation.objects.get(candidature=roubaix).pk})

    assert acknowledge(client, roubaix, user=lille.owner).status_code == 404
    client.force_login(roubaix.owner)
    assert client.get(url).status_code == 405
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(roubaix.owner)
    assert checked.post(url, {"sequence": 0}).status_code == 403
    client.logout()
    assert client.post(url, {"sequence": 0})["Location"].startswith(reverse("accounts:login"))
    assert acknowledged_at(roubaix) is None


def test_a_move_published_since_asks_for_a_new_confirmation_of_the_new_time(client, session):
    roubaix, lille = candidatures(session)
    acknowledge(client, roubaix)
    acknowledge(client, lille)
    lille_received = acknowledged_at(lille)
    Slot.objects.filter(candidature=roubaix).update(candidature=None)
    Slot.objects.filter(pk=empty_slot(session, 14, 50).pk).update(candidature=roubaix)

    convocations.publish(session)

    assert (Convocation.objects.get(candidature=roubaix).sequence, acknowledged_at(roubaix)) == (1, None)
    assert acknowledged_at(lille) == lille_received
    assert convocation_sections(client, roubaix) == [section(session, at(session, 14, 50))]


def test_confirming_a_time_changed_since_the_page_was_shown_is_refused(client, session):
    roubaix, _lille = candidatures(session)
    Slot.objects.filter(candidature=roubaix).update(candidature=None)
    Slot.objects.filter(pk=empty_slot(session, 14, 50).pk).update(candidature=roubaix)
    convocations.publish(session)

    response = acknowledge(client, roubaix, sequence=0)

    assert messages_of(client.get(response["Location"])) == [
        "Votre convocation a été modifiée depuis l'affichage de la page : lisez les nouveaux horaires puis confirmez."
    ]
    assert acknowledged_at(roubaix) is None


def test_a_cancelled_convocation_can_no_longer_be_confirmed(client, session):
    roubaix, _lille = candidatures(session)
    Slot.objects.filter(candidature=roubaix).update(candidature=None)
    convocations.publish(session)

    assert acknowledge(client, roubaix).status_code == 404
    assert acknowledged_at(roubaix) is None


def test_the_service_refuses_another_account_and_a_convocation_no_longer_in_force(session):
    roubaix, lille = candidatures(session)
    theirs = Convocation.objects.get(candidature=roubaix)
    with pytest.raises(Refused) as refusal:
        convocations.acknowledge(theirs, lille.owner, theirs.sequence)
    assert refusal.value.message == "Seul le compte de la candidature peut confirmer la réception de sa convocation."
    Slot.objects.filter(candidature=roubaix).update(candidature=None)
    convocations.publish(session)
    cancelled = Convocation.objects.get(candidature=roubaix)
    with pytest.raises(Refused) as refusal:
        convocations.acknowledge(cancelled, roubaix.owner, cancelled.sequence)
    assert (refusal.value.message, acknowledged_at(roubaix)) == ("Cette convocation n'est plus en vigueur.", None)
