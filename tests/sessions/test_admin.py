"""Organiser screens of the audition sessions: a constant-cost page, actions that report, guarded hand-made moves."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit import trail
from auditions.sessions import convocations
from auditions.sessions.models import AuditionSession, Availability, Convocation, Slot
from label.models import Status
from notifications.models import Notification
from tests.conftest import messages_of
from tests.factories import UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, shortlisted
from tests.label.factories import EditionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SESSIONS = reverse("admin:auditions_auditionsession_changelist")
HINT = "Cochez « Confirmer malgré les avertissements » sur cette ligne pour enregistrer quand même."


def at(hour, minute=0, days=10):
    """A Paris time ``days`` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def make_session(edition=None, days=10, **fields):
    values = {
        "title": "Auditions de printemps",
        "starts_at": at(14, days=days),
        "ends_at": at(17, days=days),
        "pitch_minutes": 10,
        "questions_minutes": 10,
        "buffer_minutes": 5,
        "video_url": "https://visio.label.example/printemps",
        **fields,
    }
    return AuditionSession.objects.create(edition=edition or EditionFactory(), **values)


def change_url(session):
    return reverse("admin:auditions_auditionsession_change", args=[session.pk])


def post_action(client, action, sessions):
    return client.post(SESSIONS, {"action": action, "_selected_action": [s.pk for s in sessions]}, follow=True)


def available(candidature, session, *ranges):
    return Availability.objects.create(
        candidature=candidature,
        session=session,
        available=True,
        ranges=[[start.isoformat(), end.isoformat()] for start, end in ranges],
    )


# --- the change page costs the same with 1 and 40 slots -------------------------------------------


def test_the_session_page_costs_the_same_with_1_and_40_slots(organiser_client, count_queries):
    session = make_session()
    step = timedelta(minutes=25)

    def add_slot(index):
        candidature = shortlisted(session.edition)
        available(candidature, session)
        start = session.starts_at + index * step
        Slot.objects.create(
            session=session, starts_at=start, ends_at=start + timedelta(minutes=20), candidature=candidature
        )

    add_slot(0)
    url = change_url(session)
    organiser_client.get(url)
    one = count_queries(organiser_client, url)
    for index in range(1, 40):
        add_slot(index)

    assert count_queries(organiser_client, url) == one
    response = organiser_client.get(url)
    slots = next(inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "slots")
    assert len(slots.formset.forms) == 40


def test_the_list_counts_filled_and_total_slots_in_sql(organiser_client):
    session = make_session()
    candidature = shortlisted(session.edition)
    Slot.objects.create(session=session, starts_at=at(14), ends_at=at(14, 20), candidature=candidature)
    Slot.objects.create(session=session, starts_at=at(14, 25), ends_at=at(14, 45))
    make_session(title="Session vide")

    response = organiser_client.get(SESSIONS)

    rows = {row.title: (row.filled_count, row.slot_count) for row in response.context["cl"].result_list}
    assert rows == {"Auditions de printemps": (1, 2), "Session vide": (0, 0)}
    assert '<td class="field-filled_slots">1 / 2</td>' in response.content.decode()


def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(client):
    session = make_session()
    client.force_login(UserFactory())
    url = change_url(session)

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"{reverse('admin:login')}?next={url}")


# --- actions -----------------------------------------------------------------------------------------


def test_generating_slots_reports_what_was_created_and_kept(organiser_client):
    session = make_session()
    kept = Slot.objects.create(
        session=session, starts_at=at(14), ends_at=at(14, 20), candidature=shortlisted(session.edition)
    )

    response = post_action(organiser_client, "generate_slots", [session])

    assert messages_of(response) == [
        "Auditions de printemps : 6 créneaux vides créés. 1 créneau déjà attribué est conservé."
    ]
    starts = [timezone.localtime(slot.starts_at, PARIS).strftime("%H:%M") for slot in session.slots.all()]
    assert starts == ["14:00", "14:25", "14:50", "15:15", "15:40", "16:05", "16:30"]
    assert session.slots.get(starts_at=at(14)).pk == kept.pk


def test_placing_reports_the_placed_and_why_the_others_stay_out(organiser_client):
    session = make_session()
    Slot.objects.create(session=session, starts_at=at(14), ends_at=at(14, 20))
    Slot.objects.create(session=session, starts_at=at(14, 25), ends_at=at(14, 45))
    early, late = shortlisted(session.edition), shortlisted(session.edition)
    available(early, session, (at(14), at(14, 20)))
    available(late, session)
    silent = shortlisted(session.edition, territory_name="Ville de Calais")
    Availability.objects.create(candidature=shortlisted(session.edition), session=session, available=False)

    response = post_action(organiser_client, "place_candidatures", [session])

    declined = Availability.objects.get(session=session, available=False).candidature
    assert messages_of(response) == [
        "Auditions de printemps : 2 candidatures placées.",
        "Auditions de printemps — 2 candidatures non placées : "
        f"Ville de Calais ({silent.reference}) : n'a pas indiqué ses disponibilités pour cette session ; "
        f"{declined.territory_name} ({declined.reference}) : a indiqué ne pas être disponible pour cette session.",
    ]
    assert [slot.candidature for slot in session.slots.all()] == [early, late]


def test_placing_without_slots_asks_to_generate_them_first(organiser_client):
    session = make_session()

    response = post_action(organiser_client, "place_candidatures", [session])

    assert messages_of(response) == ["Auditions de printemps n'a aucun créneau : générez d'abord les créneaux."]


def test_asking_availability_sends_once_per_candidature(organiser_client):
    session = make_session(availability_deadline=at(12, days=5))
    candidatures = [shortlisted(session.edition) for _ in range(2)]

    first = post_action(organiser_client, "ask_availability", [session])
    again = post_action(organiser_client, "ask_availability", [session])

    assert messages_of(first) == ["Auditions de printemps : demande de disponibilités envoyée à 2 candidatures."]
    assert messages_of(again) == [
        "Auditions de printemps : 2 candidatures l'avaient déjà reçue, elles ne la reçoivent pas deux fois."
    ]
    assert sorted(
        Notification.objects.filter(kind="availability_request").values_list("recipient", flat=True)
    ) == sorted(candidature.owner.email for candidature in candidatures)


def test_publishing_reports_what_was_sent_and_nothing_the_second_time(organiser_client):
    session = make_session()
    for minute in (0, 25):
        Slot.objects.create(
            session=session,
            starts_at=at(14, minute),
            ends_at=at(14, minute + 20),
            candidature=shortlisted(session.edition),
        )
    JuryMemberFactory(jury=JuryFactory(edition=session.edition))

    first = post_action(organiser_client, "publish", [session])
    again = post_action(organiser_client, "publish", [session])

    assert messages_of(first) == [
        "Auditions de printemps publiée (version 1) : 2 convocations, ordre de passage à 1 juré."
    ]
    assert messages_of(again) == [
        "Auditions de printemps : rien n'a changé depuis la dernière publication, aucun courriel envoyé."
    ]
    session.refresh_from_db()
    assert (session.published, session.version) == (True, 1)
    assert Notification.objects.filter(kind="convocation").count() == 2


def test_deleting_sessions_from_the_admin_cancels_their_convocations_at_once(organiser_client):
    sessions = [make_session(title=title) for title in ("Auditions du matin", "Auditions du soir")]
    owners = []
    for session in sessions:
        candidature = shortlisted(session.edition)
        Slot.objects.create(session=session, starts_at=at(14), ends_at=at(14, 20), candidature=candidature)
        convocations.publish(session)
        owners.append(candidature.owner.email)

    organiser_client.post(reverse("admin:auditions_auditionsession_delete", args=[sessions[0].pk]), {"post": "yes"})
    organiser_client.post(
        SESSIONS, {"action": "delete_selected", "_selected_action": [sessions[1].pk], "post": "yes"}, follow=True
    )

    assert not AuditionSession.objects.exists()
    cancelled = Notification.objects.filter(kind="convocation_cancelled")
    assert sorted(cancelled.values_list("recipient", flat=True)) == sorted(owners)


def test_marking_auditioned_waits_for_the_end_of_the_session(organiser_client):
    past = make_session(title="Auditions passées", days=-2)
    done = shortlisted(past.edition)
    Slot.objects.create(
        session=past, starts_at=past.starts_at, ends_at=past.starts_at + timedelta(minutes=20), candidature=done
    )
    future = make_session(title="Auditions à venir")
    waiting = shortlisted(future.edition)
    Slot.objects.create(
        session=future,
        starts_at=future.starts_at,
        ends_at=future.starts_at + timedelta(minutes=20),
        candidature=waiting,
    )

    response = post_action(organiser_client, "mark_auditioned", [past, future])

    assert sorted(messages_of(response)) == [
        "Auditions passées : 1 candidature marquée auditionnée.",
        "Auditions à venir n'est pas terminée : les candidatures ne sont pas encore auditionnées.",
    ]
    done.refresh_from_db()
    waiting.refresh_from_db()
    assert (done.status, waiting.status) == (Status.AUDITIONED, Status.SHORTLISTED)


# --- a hand-made move shows its warnings before it is saved -----------------------------------------------


def split(name, value):
    local = timezone.localtime(value, PARIS)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def change_data(session, rows):
    """The change form as the browser posts it; ``rows`` = [(slot, {field: new value})]."""
    data = {
        "edition": session.edition_id,
        "title": session.title,
        "broadcast_event": "",
        "pitch_minutes": session.pitch_minutes,
        "questions_minutes": session.questions_minutes,
        "buffer_minutes": session.buffer_minutes,
        "video_url": session.video_url,
        **split("starts_at", session.starts_at),
        **split("ends_at", session.ends_at),
        "availability_deadline_0": "",
        "availability_deadline_1": "",
        "breaks-TOTAL_FORMS": "0",
        "breaks-INITIAL_FORMS": "0",
        "breaks-MIN_NUM_FORMS": "0",
        "breaks-MAX_NUM_FORMS": "1000",
        "slots-TOTAL_FORMS": str(len(rows)),
        "slots-INITIAL_FORMS": str(len(rows)),
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
    }
    for index, (slot, changes) in enumerate(rows):
        values = {
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "candidature": slot.candidature_id,
            "video_url": slot.video_url,
            **changes,
        }
        prefix = f"slots-{index}-"
        data[f"{prefix}id"] = slot.pk
        data[f"{prefix}session"] = session.pk
        data.update({prefix + key: value for key, value in split("starts_at", values["starts_at"]).items()})
        data.update({prefix + key: value for key, value in split("ends_at", values["ends_at"]).items()})
        data[f"{prefix}candidature"] = values["candidature"] or ""
        data[f"{prefix}video_url"] = values["video_url"]
        if values.get("confirm"):
            data[f"{prefix}confirm"] = "on"
    return data


def row_errors(response):
    (slots,) = [inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "slots"]
    return [list(form.non_field_errors()) for form in slots.formset.forms]


@pytest.fixture
def two_slots():
    """14:00 holds a candidature available only then; 14:25 is empty."""
    session = make_session()
    held = shortlisted(session.edition, territory_name="Ville de Roubaix")
    available(held, session, (at(14), at(14, 20)))
    first = Slot.objects.create(session=session, starts_at=at(14), ends_at=at(14, 20), candidature=held)
    second = Slot.objects.create(session=session, starts_at=at(14, 25), ends_at=at(14, 45))
    return session, first, second


def test_placing_someone_who_did_not_say_they_can_come_needs_a_confirmation(organiser_client, two_slots):
    session, first, second = two_slots
    lille = shortlisted(session.edition, territory_name="Métropole européenne de Lille")
    url = change_url(session)

    response = organiser_client.post(url, change_data(session, [(first, {}), (second, {"candidature": lille.pk})]))

    warning = "Métropole européenne de Lille n'a pas déclaré être disponible à ce créneau."
    assert response.status_code == 200
    assert row_errors(response) == [[], [warning, HINT]]
    assert escape(warning) in response.content.decode()
    second.refresh_from_db()
    assert second.candidature is None

    confirmed = change_data(session, [(first, {}), (second, {"candidature": lille.pk, "confirm": True})])
    response = organiser_client.post(url, confirmed)

    assert (response.status_code, response["Location"]) == (302, SESSIONS)
    second.refresh_from_db()
    assert second.candidature == lille


def test_moving_a_slot_onto_another_warns_of_the_overlap_and_of_the_availability(organiser_client, two_slots):
    session, first, second = two_slots
    url = change_url(session)
    moved = {"starts_at": at(14, 30), "ends_at": at(14, 50)}

    response = organiser_client.post(url, change_data(session, [(first, moved), (second, {})]))

    assert row_errors(response) == [
        [
            "Ville de Roubaix n'a pas déclaré être disponible à ce créneau.",
            "Ce créneau chevauche celui de 14:25–14:45 de la session.",
            HINT,
        ],
        [],
    ]
    first.refresh_from_db()
    assert first.starts_at == at(14)

    response = organiser_client.post(url, change_data(session, [(first, {**moved, "confirm": True}), (second, {})]))

    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.starts_at, first.ends_at) == (at(14, 30), at(14, 50))


def test_two_candidatures_swap_slots_in_one_save(organiser_client, two_slots):
    session, first, second = two_slots
    roubaix = first.candidature
    lille = shortlisted(session.edition)
    available(lille, session)
    Slot.objects.filter(pk=second.pk).update(candidature=lille)
    second.refresh_from_db()
    swapped = [(first, {"candidature": lille.pk}), (second, {"candidature": roubaix.pk, "confirm": True})]

    response = organiser_client.post(change_url(session), change_data(session, swapped))

    assert response.status_code == 302
    assert [slot.candidature for slot in session.slots.all()] == [lille, roubaix]
    # The audit trail tells each slot freed, then taken.
    updates = [entry for entry in reversed(trail.for_object(first)) if entry.action == trail.Action.UPDATE]
    assert [entry.changes for entry in updates] == [
        {"candidature": [roubaix.pk, None]},
        {"candidature": [None, lille.pk]},
    ]


def test_one_candidature_in_two_slots_is_refused_even_when_confirmed(organiser_client, two_slots):
    session, first, second = two_slots
    twice = [(first, {}), (second, {"candidature": first.candidature_id, "confirm": True})]

    response = organiser_client.post(change_url(session), change_data(session, twice))

    (slots,) = [inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "slots"]
    assert slots.formset.forms[1].errors["candidature"] == [
        "Ville de Roubaix a déjà le créneau de 14:00 : une seule audition par session."
    ]
    second.refresh_from_db()
    assert second.candidature is None


def test_a_move_the_candidate_agreed_to_saves_at_once(organiser_client, two_slots):
    session, first, second = two_slots
    lille = shortlisted(session.edition)
    available(lille, session)

    response = organiser_client.post(
        change_url(session), change_data(session, [(first, {}), (second, {"candidature": lille.pk})])
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.candidature == lille


def test_a_published_session_reminds_that_changes_are_sent_on_republishing(organiser_client, two_slots):
    session, first, second = two_slots
    AuditionSession.objects.filter(pk=session.pk).update(published=True)
    lille = shortlisted(session.edition)
    available(lille, session)

    response = organiser_client.post(
        change_url(session), change_data(session, [(first, {}), (second, {"candidature": lille.pk})]), follow=True
    )

    assert messages_of(response)[0] == (
        "La session est publiée : les candidats et les jurés ne sont prévenus de ces changements qu'une fois la "
        "session republiée (action « Publier / envoyer les convocations »)."
    )
    assert Notification.objects.count() == 0


def test_the_convocations_list_says_whose_receipt_is_confirmed_and_filters_on_it(organiser_client):
    session = make_session()
    edition = session.edition
    confirmed, waiting = shortlisted(edition, territory_name="Roubaix"), shortlisted(edition, territory_name="Lille")
    for minutes, candidature in ((0, confirmed), (25, waiting)):
        starts_at = at(14, minutes)
        Slot.objects.create(
            session=session, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20), candidature=candidature
        )
    convocations.publish(session)
    told = Convocation.objects.get(candidature=confirmed)
    convocations.acknowledge(told, confirmed.owner, told.sequence, now=at(9, days=1))
    url = reverse("admin:auditions_convocation_changelist")

    def listed(**filters):
        changelist = organiser_client.get(url, filters).context["cl"]
        rows = changelist.result_list
        return [(row.candidature.territory_name, changelist.model_admin.acknowledgement(row)) for row in rows]

    tomorrow = timezone.localdate() + timedelta(days=1)
    assert listed(reception="confirmed") == [
        (
            "Roubaix",
            '<span class="lti-badge lti-badge--good">Confirmée</span> '
            f'<span class="lti-nowrap">{tomorrow:%d/%m/%Y} 09:00</span>',
        ),
    ]
    assert listed(reception="waiting") == [("Lille", '<span class="lti-badge lti-badge--muted">Non confirmée</span>')]
