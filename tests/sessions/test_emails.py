"""The audition e-mails: rendered in French as ``auditions.sessions.convocations`` sends them, then sent end to end."""

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from auditions.jury.models import JuryMember
from auditions.sessions import convocations, scheduling, services
from auditions.sessions.models import AuditionSession, Availability, Convocation, Slot
from notifications.models import Notification
from notifications.services import render
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, shortlisted
from tests.label.factories import EditionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SESSION = "Auditions régionales Hauts-de-France"
VISIO = "https://visio.label.example/hdf-2020"
WEBTV = "https://webtv.label.example/dunkerque-2020"
MEETING = "Comment opérer une ville durable et intelligente ?"
PROJECT = "Reconditionner les ordinateurs de la ville pour les écoles"
MY_URL = f"{settings.SITE_URL}/mes-candidatures/"
JURY_URL = f"{settings.SITE_URL}/jury/"
AVAILABILITY_URL = f"{settings.SITE_URL}/auditions/2020/disponibilites/"
SIGNATURE = "L'équipe du Label Territoire Innovant"
TECHNICAL_CHECK = [
    "Avant l'audition :",
    "- connectez-vous 15 minutes avant votre passage pour tester votre caméra, votre micro et votre connexion ;",
    "- installez-vous dans une pièce calme ;",
    "- si vous présentez des diapositives, partagez-les depuis votre ordinateur ;",
    "- aucun numéro de téléphone n'est communiqué : en cas de difficulté, écrivez à contact@label.example.",
]
PROGRAMME_2020 = (
    "Déroulé : vous présentez votre projet en 10 minutes au plus, puis le jury vous pose ses questions pendant "
    "10 minutes."
)


def paris(day, hour, minute=0):
    return datetime(*day, hour, minute, tzinfo=PARIS)


# --- rendering ---------------------------------------------------------------------------------------


@pytest.fixture
def edition():
    return EditionFactory(name="Label Territoire Innovant 2020", slug="2020", year=2020)


@pytest.fixture
def session(edition):
    event = EventFactory(
        title=MEETING,
        slug="dunkerque-2020",
        starts_at=paris((2020, 6, 30), 9, 30),
        ends_at=paris((2020, 6, 30), 17, 0),
        webtv_url=WEBTV,
    )
    return AuditionSession.objects.create(
        edition=edition,
        title=SESSION,
        starts_at=paris((2020, 6, 23), 14),
        ends_at=paris((2020, 6, 23), 17),
        pitch_minutes=10,
        questions_minutes=10,
        buffer_minutes=5,
        video_url=VISIO,
        broadcast_event=event,
        availability_deadline=paris((2020, 6, 21), 12),
    )


@pytest.fixture
def candidature(edition):
    return shortlisted(edition, territory_name="Ville de Roubaix", project_title=PROJECT)


@pytest.fixture
def slot(session, candidature):
    return Slot.objects.create(
        session=session,
        starts_at=paris((2020, 6, 23), 14, 25),
        ends_at=paris((2020, 6, 23), 14, 45),
        candidature=candidature,
    )


@pytest.fixture
def juror():
    return UserFactory(full_name="Jean Dupont")


@pytest.fixture
def convocation(slot, candidature):
    """What publishing ``slot`` tells its candidate (unsaved: each test changes what it needs)."""
    starts_at, ends_at, video_url = slot.terms
    return Convocation(
        session=slot.session,
        candidature=candidature,
        slot=slot,
        uid=convocations.convocation_uid(slot.session, candidature),
        starts_at=starts_at,
        ends_at=ends_at,
        video_url=video_url,
    )


def convocation_context(convocation):
    """The context the candidate's e-mails are rendered with, as ``auditions.sessions.convocations`` sends them."""
    context = {"site_url": settings.SITE_URL, "recipient": convocation.candidature.owner}
    return {**context, **convocations.convocation_context(convocation)}


def order_context(session, juror, slots):
    return {
        "site_url": settings.SITE_URL,
        "recipient": juror,
        "session": session,
        "edition": session.edition,
        "slots": slots,
        "jury_url": JURY_URL,
    }


def test_the_availability_request_lists_the_sessions_and_the_deadline(session, candidature):
    context = {
        "candidature": candidature,
        "edition": session.edition,
        "sessions": [session],
        "deadline": session.availability_deadline,
        "url": AVAILABILITY_URL,
    }

    subject, text, _html = render("availability_request", context, "fr")

    assert subject == (
        "Action requise : indiquez vos disponibilités pour l'audition avant le dimanche 21 juin 2020 à 12:00"
    )
    assert text == (
        "Bonjour,\n\n"
        f"Le projet « {PROJECT} » (Ville de Roubaix) est présélectionné pour les auditions de l'appel « Label "
        "Territoire Innovant 2020 ». Pour fixer l'heure de votre passage, indiquez quand vous pouvez présenter votre "
        "projet au jury en visioconférence :\n\n"
        f"- {SESSION} : mardi 23 juin 2020, de 14:00 à 17:00 (heure de Paris)\n\n"
        "Pour chaque session, dites si vous pouvez y participer et, si besoin, cochez les plages horaires qui vous "
        "conviennent.\n"
        "Répondez avant le dimanche 21 juin 2020 à 12:00 (heure de Paris) : passé ce délai, l'ordre de passage sera "
        "établi sans votre réponse.\n\n"
        f"{AVAILABILITY_URL}\n\n"
        "Vous recevrez ensuite votre convocation, avec l'heure de votre passage et le lien de la visioconférence.\n\n"
        f"{SIGNATURE}\n"
    )


def test_an_availability_request_without_deadline_asks_for_an_answer_soon(session, candidature):
    context = {
        "candidature": candidature,
        "edition": session.edition,
        "sessions": [session],
        "deadline": None,
        "url": AVAILABILITY_URL,
    }

    subject, text, _html = render("availability_request", context, "fr")

    assert subject == "Action requise : indiquez vos disponibilités pour l'audition"
    assert (
        "Répondez dès que possible : l'ordre de passage est établi à partir des réponses reçues." in text.splitlines()
    )


def test_the_availability_reminder_names_the_session_and_its_deadline(session, candidature):
    context = {"candidature": candidature, "session": session, "edition": session.edition, "url": AVAILABILITY_URL}

    subject, text, _html = render("availability_reminder", context, "fr")

    assert (
        subject
        == "Action requise : vos disponibilités pour l'audition sont attendues avant le dimanche 21 juin 2020 à 12:00"
    )
    assert text == (
        "Bonjour,\n\n"
        f"Nous n'avons pas encore reçu vos disponibilités pour l'audition du projet « {PROJECT} » (Ville de Roubaix) : "
        f"session « {SESSION} », mardi 23 juin 2020, de 14:00 à 17:00 (heure de Paris).\n\n"
        "Répondez avant le dimanche 21 juin 2020 à 12:00 (heure de Paris) : sans réponse, aucun créneau ne pourra "
        "vous être attribué dans cette session.\n\n"
        f"{AVAILABILITY_URL}\n\n"
        "Si vous ne pouvez pas participer à cette session, indiquez-le aussi sur cette page.\n\n"
        f"{SIGNATURE}\n"
    )


def test_the_convocation_gives_time_link_programme_checks_and_broadcast(convocation):
    subject, text, _html = render("convocation", convocation_context(convocation), "fr")

    assert subject == "Convocation à votre audition : mardi 23 juin 2020 à 14:25"
    assert text == "\n".join(
        [
            "Bonjour,",
            "",
            f"Le projet « {PROJECT} » (Ville de Roubaix) sera auditionné par le jury de l'appel « Label Territoire "
            "Innovant 2020 », en visioconférence.",
            "",
            "Quand : mardi 23 juin 2020 à 14:25, jusqu'à 14:45 (heure de Paris)",
            f"Session : {SESSION}",
            f"Lien de la visioconférence : {VISIO}",
            "",
            PROGRAMME_2020,
            "",
            *TECHNICAL_CHECK,
            "",
            f"Les auditions seront diffusées lors de « {MEETING} », le mardi 30 juin 2020, sur la web TV : {WEBTV}",
            "",
            "Le fichier joint (.ics) ajoute l'audition à votre agenda.",
            "",
            "Votre candidature et votre convocation restent consultables dans votre espace :",
            MY_URL,
            "",
            SIGNATURE,
            "",
        ]
    )


def test_a_slot_link_replaces_the_session_link_and_no_broadcast_says_nothing_of_it(slot, candidature):
    slot.video_url = "https://visio.label.example/salle-2"
    slot.session.broadcast_event = None
    starts_at, ends_at, video_url = slot.terms
    convocation = Convocation(
        session=slot.session, candidature=candidature, starts_at=starts_at, ends_at=ends_at, video_url=video_url
    )

    _subject, text, _html = render("convocation", convocation_context(convocation), "fr")

    assert "Lien de la visioconférence : https://visio.label.example/salle-2" in text.splitlines()
    assert VISIO not in text
    assert "web TV" not in text


def test_a_broadcast_without_web_tv_link_yet_says_where_it_will_be(convocation):
    convocation.session.broadcast_event.webtv_url = ""

    _subject, text, _html = render("convocation", convocation_context(convocation), "fr")

    assert (
        f"Les auditions seront diffusées lors de « {MEETING} », le mardi 30 juin 2020. Le lien de la web TV sera "
        "publié sur la page de l'événement."
    ) in text.splitlines()


def test_the_updated_convocation_says_it_replaces_the_previous_one(convocation):
    subject, text, _html = render("convocation_updated", convocation_context(convocation), "fr")

    assert subject == "Modification de votre convocation : audition le mardi 23 juin 2020 à 14:25"
    lines = text.splitlines()
    assert lines[2] == (
        f"L'audition du projet « {PROJECT} » (Ville de Roubaix) devant le jury de l'appel « Label Territoire "
        "Innovant 2020 » a changé. Cette convocation remplace la précédente :"
    )
    assert lines[4:7] == [
        "Quand : mardi 23 juin 2020 à 14:25, jusqu'à 14:45 (heure de Paris)",
        f"Session : {SESSION}",
        f"Lien de la visioconférence : {VISIO}",
    ]
    assert TECHNICAL_CHECK == lines[10:15]
    assert "Le fichier joint (.ics) met à jour l'audition dans votre agenda." in lines


def test_the_cancellation_names_the_time_the_candidate_was_given(convocation):
    # Told 14:00; the slot has since moved to 14:25, which the candidate never heard of.
    convocation.starts_at, convocation.ends_at = paris((2020, 6, 23), 14), paris((2020, 6, 23), 14, 20)
    convocation.cancelled = True

    subject, text, _html = render("convocation_cancelled", convocation_context(convocation), "fr")

    assert subject == "Annulation de votre créneau d'audition du mardi 23 juin 2020 à 14:00"
    assert text == (
        "Bonjour,\n\n"
        f"Le créneau d'audition du mardi 23 juin 2020 à 14:00 (heure de Paris), session « {SESSION} », n'est plus "
        "attribué à Ville de Roubaix : votre convocation pour ce créneau est annulée.\n\n"
        "Le fichier joint (.ics) retire ce créneau de votre agenda.\n\n"
        "Si un autre créneau vous est attribué, vous recevrez une nouvelle convocation avec son heure et le lien de "
        "la visioconférence.\n\n"
        "Pour toute question, écrivez à contact@label.example.\n\n"
        "Votre candidature reste consultable dans votre espace :\n"
        f"{MY_URL}\n\n"
        f"{SIGNATURE}\n"
    )


def test_the_running_order_lists_each_pitch_with_its_times(session, slot, edition, juror):
    lille = shortlisted(edition, territory_name="Métropole européenne de Lille", project_title="Un portail partagé")
    first = Slot.objects.create(
        session=session, starts_at=paris((2020, 6, 23), 14), ends_at=paris((2020, 6, 23), 14, 20), candidature=lille
    )
    session.version = 1

    subject, text, _html = render("running_order", order_context(session, juror, [first, slot]), "fr")

    assert subject == f"Ordre de passage : {SESSION}, mardi 23 juin 2020"
    assert text == (
        "Bonjour Jean,\n\n"
        f"Voici l'ordre de passage de la session « {SESSION} » (mardi 23 juin 2020, de 14:00 à 17:00, heure de "
        "Paris) :\n\n"
        "14:00–14:20  Métropole européenne de Lille — Un portail partagé\n"
        f"14:25–14:45  Ville de Roubaix — {PROJECT}\n\n"
        "Chaque audition : 10 minutes de présentation, puis 10 minutes de questions du jury.\n"
        f"Lien de la visioconférence : {VISIO}\n\n"
        "Le fichier joint (.ics) ajoute les auditions à votre agenda ; si l'ordre change, vous recevrez une "
        "nouvelle version.\n\n"
        "Les dossiers des candidats sont dans votre espace juré :\n"
        f"{JURY_URL}\n\n"
        f"{SIGNATURE}\n"
    )


def test_a_republished_running_order_says_it_changed(session, slot, juror):
    session.version = 2

    subject, text, _html = render("running_order", order_context(session, juror, [slot]), "fr")

    assert subject == f"Ordre de passage mis à jour : {SESSION}, mardi 23 juin 2020"
    assert text.splitlines()[2] == (
        f"L'ordre de passage de la session « {SESSION} » (mardi 23 juin 2020, de 14:00 à 17:00, heure de Paris) a "
        "changé. Il remplace le précédent :"
    )


def test_the_candidate_reminder_repeats_time_link_and_checks(convocation):
    subject, text, _html = render("audition_reminder", convocation_context(convocation), "fr")

    assert subject == "C'est demain : votre audition à 14:25 (heure de Paris)"
    lines = text.splitlines()
    assert lines[2] == (
        f"C'est demain : le projet « {PROJECT} » (Ville de Roubaix) est auditionné par le jury de l'appel « Label "
        "Territoire Innovant 2020 »."
    )
    assert lines[4:7] == [
        "Quand : mardi 23 juin 2020 à 14:25, jusqu'à 14:45 (heure de Paris)",
        f"Session : {SESSION}",
        f"Lien de la visioconférence : {VISIO}",
    ]
    assert lines[8] == PROGRAMME_2020
    assert lines[10:15] == TECHNICAL_CHECK


def test_the_juror_reminder_gives_the_running_order_and_the_jury_space(session, slot, juror):
    context = {
        "site_url": settings.SITE_URL,
        "recipient": juror,
        "session": session,
        "edition": session.edition,
        "slots": [slot],
    }

    subject, text, _html = render("audition_reminder_jury", context, "fr")

    assert subject == f"C'est demain : auditions « {SESSION} », de 14:00 à 17:00"
    assert text == (
        "Bonjour Jean,\n\n"
        f"C'est demain : la session « {SESSION} » a lieu le mardi 23 juin 2020, de 14:00 à 17:00 (heure de Paris). "
        "Ordre de passage :\n\n"
        f"14:25–14:45  Ville de Roubaix — {PROJECT}\n\n"
        f"Lien de la visioconférence : {VISIO}\n\n"
        "Connectez-vous quelques minutes avant la première audition pour vérifier votre caméra et votre micro.\n\n"
        "Les dossiers des candidats sont dans votre espace juré :\n"
        f"{JURY_URL}\n\n"
        f"{SIGNATURE}\n"
    )


# --- end to end: slots, running order, publication, changes, reminders -----------------------------------


def ics_of(notification):
    (attachment,) = notification.attachments
    assert attachment["mimetype"] == "text/calendar"
    assert attachment["filename"].endswith(".ics")
    calendar = Calendar.from_ical(attachment["content"])
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def sent(kind):
    return list(Notification.objects.filter(kind=kind).order_by("pk"))


def kinds():
    return Counter(Notification.objects.values_list("kind", flat=True))


@pytest.fixture
def upcoming():
    """A session ten days ahead with three candidatures that answered, one that did not, and a jury."""
    day = timezone.localdate() + timedelta(days=10)
    edition = EditionFactory(contact_email="contact@label.example")
    session = AuditionSession.objects.create(
        edition=edition,
        title="Auditions de printemps",
        starts_at=datetime.combine(day, time(14), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(17), tzinfo=PARIS),
        pitch_minutes=10,
        questions_minutes=10,
        buffer_minutes=5,
        video_url=VISIO,
        availability_deadline=datetime.combine(day - timedelta(days=5), time(12), tzinfo=PARIS),
    )
    answered = [shortlisted(edition) for _ in range(3)]
    for candidature in answered:
        Availability.objects.create(candidature=candidature, session=session, available=True)
    silent = shortlisted(edition)
    jury = JuryFactory(edition=edition)
    jurors = [JuryMemberFactory(jury=jury).user for _ in range(2)]
    JuryMemberFactory(jury=jury, state=JuryMember.State.DECLINED)
    return session, answered, silent, jurors


def test_publishing_convokes_updates_cancels_and_reminds_each_person_once(upcoming):
    session, answered, silent, jurors = upcoming
    generated = scheduling.generate_slots(session)
    result = scheduling.schedule(session)
    assert (len(generated), len(result.placed)) == (7, 3)
    assert [(candidature, reason) for candidature, reason in result.unplaced] == [
        (silent, "n'a pas indiqué ses disponibilités pour cette session")
    ]

    convocations.publish(session)

    assert kinds() == {"convocation": 3, "running_order": 2}
    owners = {candidature.owner.email: candidature for candidature in answered}
    assert sorted(n.recipient for n in sent("convocation")) == sorted(owners)
    slots = {slot.candidature_id: slot for slot in session.slots.filter(candidature__isnull=False)}
    uids = {}
    for notification in sent("convocation"):
        slot = slots[owners[notification.recipient].pk]
        calendar, event = ics_of(notification)
        assert (str(calendar["method"]), str(event["uid"]), int(event["sequence"])) == (
            "REQUEST",
            f"convocation-{session.pk}-{slot.candidature_id}@label-territoire-innovant",
            0,
        )
        assert (str(event["url"]), str(event["location"])) == (VISIO, VISIO)
        assert event.decoded("dtstart") == slot.starts_at
        uids[slot.candidature_id] = str(event["uid"])
    assert sorted(n.recipient for n in sent("running_order")) == sorted(juror.email for juror in jurors)

    convocations.publish(session)

    assert kinds() == {"convocation": 3, "running_order": 2}

    moved, emptied, kept = sorted(slots.values(), key=lambda slot: slot.starts_at)
    last = session.slots.filter(candidature=None).last()
    last.delete()
    Slot.objects.filter(pk=moved.pk).update(starts_at=last.starts_at, ends_at=last.ends_at)
    convocations.publish(session)

    assert kinds() == {"convocation": 3, "convocation_updated": 1, "running_order": 4}
    (update,) = sent("convocation_updated")
    calendar, event = ics_of(update)
    assert update.recipient == moved.candidature.owner.email
    assert (str(calendar["method"]), str(event["uid"]), int(event["sequence"])) == (
        "REQUEST",
        uids[moved.candidature_id],
        1,
    )
    assert event.decoded("dtstart") == last.starts_at

    Slot.objects.filter(pk=emptied.pk).update(candidature=None)
    convocations.publish(session)

    assert kinds() == {"convocation": 3, "convocation_updated": 1, "convocation_cancelled": 1, "running_order": 6}
    (cancellation,) = sent("convocation_cancelled")
    calendar, event = ics_of(cancellation)
    assert cancellation.recipient == emptied.candidature.owner.email
    assert (str(calendar["method"]), str(event["uid"]), int(event["sequence"]), str(event["status"])) == (
        "CANCEL",
        uids[emptied.candidature_id],
        1,
        "CANCELLED",
    )
    orders = Counter(n.recipient for n in sent("running_order"))
    assert orders == {juror.email: 3 for juror in jurors}

    day_before = session.starts_at - timedelta(days=1)
    assert [convocations.remind_auditions(now=day_before) for _run in range(2)] == [4, 0]
    assert {kind: kinds()[kind] for kind in ("audition_reminder", "audition_reminder_jury")} == {
        "audition_reminder": 2,
        "audition_reminder_jury": 2,
    }
    reminded = sorted(n.recipient for n in sent("audition_reminder"))
    assert reminded == sorted([moved.candidature.owner.email, kept.candidature.owner.email])
    # Reminders take the bulk queue; convocations, which people act on, never wait behind them.
    bulk = {(n.kind, n.bulk) for n in Notification.objects.all()}
    assert bulk == {
        ("convocation", False),
        ("convocation_updated", False),
        ("convocation_cancelled", False),
        ("running_order", False),
        ("audition_reminder", True),
        ("audition_reminder_jury", True),
    }

    before_deadline = session.availability_deadline - timedelta(days=1)
    queued = []
    for _run in range(2):
        queued.append(services.remind_availability(now=before_deadline))
        services.request_availability(silent)
    assert queued == [1, 0]
    assert [n.recipient for n in sent("availability_reminder")] == [silent.owner.email]
    assert [n.recipient for n in sent("availability_request")] == [silent.owner.email]
    assert sent("availability_reminder")[0].subject.startswith("Action requise : ")
    assert (sent("availability_reminder")[0].bulk, sent("availability_request")[0].bulk) == (True, False)
    assert sent("availability_request")[0].subject.startswith("Action requise : indiquez vos disponibilités")
