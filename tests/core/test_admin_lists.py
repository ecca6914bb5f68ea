"""The organisers' lists in the admin: their columns, a title cut with its whole text kept, statuses in words."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.admin.templatetags.admin_list import result_headers
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import SecurityEvent
from auditions.jury.models import ConflictOfInterest, Evaluation
from auditions.sessions.models import AuditionSession, Convocation, Slot
from events.models import Registration
from events.regions import REGIONS, collation_key
from label.models import Candidature, Level, Status
from notifications.models import Notification
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db

LONG_TITLE = (
    "Un jumeau numérique du territoire partagé entre les quarante-six communes de l'agglomération pour piloter "
    "l'éclairage, l'eau et les déplacements, ouvert aux habitants et aux associations"
)
LONG_TERRITORY = "Communauté d'agglomération de Lens-Liévin"
LONG_ADDRESS = "direction.transition-numerique@communaute-agglomeration-lens-lievin.fr"


def at_days(days, hour=10):
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=30, second=0, microsecond=0)


def fill_every_list():
    """Rows in every list an organiser uses, with the longest words and texts they meet in real life."""
    edition = EditionFactory(name="Label Territoire Innovant 2031", year=2031)
    candidatures = {}
    for number, (status, territory) in enumerate(
        (
            (Status.DRAFT, "Ville de Saint-Omer"),
            (Status.SUBMITTED, "Ville de Calais"),
            (Status.ELIGIBLE, LONG_TERRITORY),
            (Status.INELIGIBLE, "Département du Pas-de-Calais"),
            (Status.SHORTLISTED, "Métropole européenne de Lille"),
            (Status.AUDITIONED, "Communauté urbaine de Dunkerque"),
            (Status.LAUREATE, "Agglomération de la Région de Compiègne"),
            (Status.NOT_RETAINED, "Amiens Métropole"),
            (Status.WITHDRAWN, "Ville de Beauvais"),
        ),
        start=1,
    ):
        submitted = status != Status.DRAFT
        candidatures[status] = CandidatureFactory(
            edition=edition,
            status=status,
            territory_name=territory,
            project_title=LONG_TITLE if status == Status.ELIGIBLE else f"Projet {number} : données ouvertes",
            reference=f"LTI-2031-HDF-{number:04d}" if submitted else "",
            submitted_at=at_days(-40 + number) if submitted else None,
        )
    Candidature.objects.filter(pk=candidatures[Status.ELIGIBLE].pk).update(staged_transition="shortlist")
    Candidature.objects.filter(pk=candidatures[Status.AUDITIONED].pk).update(
        staged_transition="select_laureate", staged_level=Level.SILVER
    )

    jury = JuryFactory(edition=edition, name="Jury Hauts-de-France")
    jurors = [
        JuryMemberFactory(jury=jury, user=UserFactory(full_name=name, email=email)).user
        for name, email in (
            ("Amina Benali", "amina.benali@label.example"),
            ("Jean-Christophe Vandenbroucke", LONG_ADDRESS),
        )
    ]
    for juror in jurors:
        for status in (Status.SHORTLISTED, Status.AUDITIONED, Status.LAUREATE):
            assign(jury, juror, candidatures[status])
    first, second = jurors
    Evaluation.objects.create(
        assignment=first.assignments.get(candidature=candidatures[Status.SHORTLISTED]),
        status=Evaluation.Status.SUBMITTED,
        weighted_total=Decimal("14.250"),
        submitted_at=at_days(-5),
    )
    Evaluation.objects.create(assignment=first.assignments.get(candidature=candidatures[Status.AUDITIONED]))
    ConflictOfInterest.objects.create(
        juror=second,
        candidature=candidatures[Status.NOT_RETAINED],
        declared_by=second,
        reason="Ancien directeur général des services de la collectivité jusqu'en 2029, toujours en contact.",
    )

    published = AuditionSession.objects.create(
        edition=edition,
        title="Auditions régionales Hauts-de-France",
        starts_at=at_days(20, 14),
        ends_at=at_days(20, 17),
        video_url="https://visio.label.example/hdf",
        published=True,
    )
    AuditionSession.objects.create(
        edition=edition, title="Auditions de rattrapage", starts_at=at_days(30, 9), ends_at=at_days(30, 12)
    )
    for index, status in enumerate((Status.SHORTLISTED, Status.AUDITIONED, Status.LAUREATE, None)):
        starts_at = published.starts_at + timedelta(minutes=25 * index)
        candidature = candidatures.get(status)
        Slot.objects.create(
            session=published, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20), candidature=candidature
        )
        if candidature is not None:
            # Told as it is, told an hour earlier than its slot now says, told and then cancelled.
            told_at = starts_at - timedelta(hours=1) if status == Status.AUDITIONED else starts_at
            Convocation.objects.create(
                session=published,
                candidature=candidature,
                uid=f"convocation-{published.pk}-{candidature.pk}@label.example",
                starts_at=told_at,
                ends_at=told_at + timedelta(minutes=20),
                video_url=published.video_url,
                sequence=index,
                cancelled=status == Status.LAUREATE,
            )

    event = EventFactory(title="Comment opérer une ville durable et intelligente ?", capacity=2)
    EventFactory(title="Forum national du Label Territoire Innovant", published=False)
    for status, email in (
        (Registration.Status.CONFIRMED, LONG_ADDRESS),
        (Registration.Status.WAITLISTED, "dgs@ville-calais.fr"),
        (Registration.Status.CANCELLED, "elus@ville-beauvais.fr"),
    ):
        RegistrationFactory(event=event, status=status, email=email, organisation=LONG_TERRITORY)

    for status, kind in (
        (Notification.Status.QUEUED, "reminder_draft_j7"),
        (Notification.Status.SENDING, "availability_request"),
        (Notification.Status.SENT, "candidature_submitted"),
        (Notification.Status.FAILED, "convocation_updated"),
        (Notification.Status.CANCELLED, "results"),
    ):
        Notification.objects.create(
            kind=kind,
            recipient=LONG_ADDRESS,
            language="fr",
            subject="Action requise : votre convocation à l'audition du Label Territoire Innovant a changé",
            body_text="Bonjour,",
            status=status,
            attempts=3 if status == Notification.Status.FAILED else 1,
            last_error=(
                f"SMTPRecipientsRefused: {{'{LONG_ADDRESS}': (550, b'5.1.1 No such user here')}}"
                if status == Notification.Status.FAILED
                else ""
            ),
            sent_at=timezone.now() if status == Notification.Status.SENT else None,
        )
    for kind in SecurityEvent.Kind:
        SecurityEvent.objects.create(user=second, kind=kind, address="2001:db8:85a3::8a2e:370:7334")
    return candidatures


# Every list an organiser uses, and the columns it shows, in French.
LISTS = {
    "label/candidature": [
        "référence",
        "nom de la collectivité",
        "titre du projet",
        "état",
        "décision préparée",
        "déposée le",
    ],
    "auditions/evaluation": [
        "juré",
        "référence",
        "collectivité",
        "jury",
        "état",
        "note pondérée (sur 20)",
        "soumise le",
    ],
    "auditions/assignment": ["juré", "référence", "collectivité", "jury", "évaluation", "attribué le"],
    "auditions/jury": [
        "nom",
        "édition",
        "période de notation",
        "membres",
        "attributions",
        "évaluations soumises",
        "classement",
    ],
    "auditions/conflictofinterest": ["juré", "référence", "collectivité", "déclaré par", "motif", "déclaré le"],
    "auditions/auditionsession": ["titre", "édition", "début (heure de Paris)", "publication", "créneaux attribués"],
    "auditions/slot": ["session", "horaire (heure de Paris)", "référence", "collectivité", "convocation"],
    "auditions/convocation": [
        "référence",
        "collectivité",
        "session",
        "horaire (heure de Paris)",
        "état",
        "réception",
        "dernier envoi le",
    ],
    "events/registration": [
        "événement",
        "prénom et nom",
        "adresse e-mail",
        "organisation",
        "participation",
        "état",
        "inscrit le",
    ],
    "events/event": [
        "titre",
        "type",
        "région",
        "ville",
        "début",
        "publication",
        "sur place",
        "en ligne",
        "liste d'attente",
    ],
    "notifications/notification": ["créé le", "type", "destinataire", "objet", "état", "dernière erreur", "envoyé le"],
    "accounts/user": ["adresse e-mail", "nom complet", "accès à l'administration", "actif", "inscrit le"],
    "accounts/securityevent": ["le", "compte", "événement", "par", "adresse IP"],
}


def changelist(name):
    app_label, model_name = name.split("/")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


def headers(response):
    """The column titles of the list, as the page shows them, without the selection column."""
    return [
        str(header["text"])
        for header in result_headers(response.context["cl"])
        if "action-checkbox-column" not in header["class_attrib"]
    ]


def cells(html, name):
    """The inner HTML of the column ``name`` in every row, in order."""
    return re.findall(rf'<t[dh] class="field-{name}(?: nowrap)?">(.*?)</t[dh]>', html, re.S)


@pytest.mark.parametrize("name", LISTS)
def test_every_list_answers_with_its_columns(organiser_client, name):
    fill_every_list()
    response = organiser_client.get(changelist(name))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0
    assert headers(response) == LISTS[name]


def test_the_candidature_list_cuts_a_long_title_but_keeps_it_whole_for_hover_and_screen_readers(organiser_client):
    fill_every_list()
    html = organiser_client.get(changelist("label/candidature"), {"status__exact": "eligible"}).content.decode()
    assert cells(html, "title") == [f'<span class="lti-clip" title="{escape(LONG_TITLE)}">{escape(LONG_TITLE)}</span>']
    assert cells(html, "staged_decision") == [escape("Présélectionnée pour l'audition")]


def test_the_candidature_list_says_each_status_in_words_on_its_badge(organiser_client):
    candidatures = fill_every_list()
    html = organiser_client.get(changelist("label/candidature"), {"o": "1"}).content.decode()
    # The tone each status has in the workflow (label/workflow.py), the one table of them.
    assert cells(html, "status_badge") == [
        '<span class="lti-badge lti-badge--pending">Brouillon</span>',
        '<span class="lti-badge lti-badge--active">Déposée</span>',
        '<span class="lti-badge lti-badge--active">Recevable</span>',
        '<span class="lti-badge lti-badge--closed">Non recevable</span>',
        '<span class="lti-badge lti-badge--active">Présélectionnée</span>',
        '<span class="lti-badge lti-badge--active">Auditionnée</span>',
        '<span class="lti-badge lti-badge--active">Lauréate</span>',
        '<span class="lti-badge lti-badge--closed">Non retenue</span>',
        '<span class="lti-badge lti-badge--closed">Retirée</span>',
    ]
    draft, submitted = (
        reverse("admin:label_candidature_change", args=[candidatures[status].pk]) + "?_changelist_filters=o%3D1"
        for status in (Status.DRAFT, Status.SUBMITTED)
    )
    assert cells(html, "reference_code")[:2] == [
        f'<a href="{draft}"><span class="lti-nowrap">sans référence</span></a>',
        f'<a href="{submitted}"><span class="lti-nowrap">LTI-2031-HDF-0002</span></a>',
    ]


def test_the_candidature_list_in_english(organiser_client):
    fill_every_list()
    organiser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = organiser_client.get(changelist("label/candidature"), {"status__exact": "shortlisted"})
    assert headers(response) == [
        "reference",
        "local authority name",
        "project title",
        "status",
        "staged decision",
        "submitted on",
    ]
    assert cells(response.content.decode(), "status_badge") == [
        '<span class="lti-badge lti-badge--active">Shortlisted</span>'
    ]


def test_the_jury_lists_show_each_evaluation_state_in_words(organiser_client):
    fill_every_list()
    html = organiser_client.get(changelist("auditions/assignment"), {"o": "2.1"}).content.decode()
    assert [re.sub(r"<[^>]+>", "", cell) for cell in cells(html, "juror_name")] == [
        "Amina Benali",
        "Jean-Christophe Vandenbroucke",
    ] * 3
    assert cells(html, "evaluation_state") == [
        '<span class="lti-badge lti-badge--good">Soumise</span>',
        '<span class="lti-badge lti-badge--muted">Pas commencée</span>',
        '<span class="lti-badge lti-badge--progress">Brouillon</span>',
        '<span class="lti-badge lti-badge--muted">Pas commencée</span>',
        '<span class="lti-badge lti-badge--muted">Pas commencée</span>',
        '<span class="lti-badge lti-badge--muted">Pas commencée</span>',
    ]
    html = organiser_client.get(changelist("auditions/evaluation")).content.decode()
    assert cells(html, "status_badge") == [
        '<span class="lti-badge lti-badge--good">Soumise</span>',
        '<span class="lti-badge lti-badge--progress">Brouillon</span>',
    ]
    html = organiser_client.get(changelist("auditions/conflictofinterest")).content.decode()
    reason = "Ancien directeur général des services de la collectivité jusqu&#x27;en 2029, toujours en contact."
    assert cells(html, "short_reason") == [f'<span class="lti-clip" title="{reason}">{reason}</span>']
    assert cells(html, "declared_by_name") == ["Jean-Christophe Vandenbroucke"]


def test_the_session_lists_show_publication_slots_and_convocations_in_words(organiser_client):
    fill_every_list()
    html = organiser_client.get(changelist("auditions/auditionsession"), {"o": "3"}).content.decode()
    assert cells(html, "publication") == [
        '<span class="lti-badge lti-badge--good">Publiée</span>',
        '<span class="lti-badge lti-badge--muted">Non publiée</span>',
    ]
    html = organiser_client.get(changelist("auditions/slot")).content.decode()
    assert cells(html, "territory") == [
        "Métropole européenne de Lille",
        "Communauté urbaine de Dunkerque",
        "Agglomération de la Région de Compiègne",
        "Créneau libre",
    ]
    assert cells(html, "convocation_state") == ["envoyée", "modification à envoyer", "à envoyer", "—"]
    html = organiser_client.get(changelist("auditions/convocation")).content.decode()
    assert cells(html, "state") == [
        '<span class="lti-badge lti-badge--info">Modifiée</span>',
        '<span class="lti-badge lti-badge--good">Envoyée</span>',
        '<span class="lti-badge lti-badge--bad">Annulée</span>',
    ]


def test_registrations_and_the_outbox_show_statuses_in_words_and_addresses_that_break_before_the_at(
    organiser_client,
):
    fill_every_list()
    html = organiser_client.get(changelist("events/registration"), {"o": "7"}).content.decode()
    assert cells(html, "status_badge") == [
        '<span class="lti-badge lti-badge--good">Confirmée</span>',
        '<span class="lti-badge lti-badge--progress">Liste d&#x27;attente</span>',
        '<span class="lti-badge lti-badge--muted">Annulée</span>',
    ]
    broken = "direction.<wbr>transition-numerique<wbr>@communaute-agglomeration-lens-lievin.<wbr>fr"
    assert cells(html, "email_address")[0] == broken
    html = organiser_client.get(changelist("notifications/notification"), {"o": "1"}).content.decode()
    assert cells(html, "status_badge") == [
        '<span class="lti-badge lti-badge--info">En attente</span><span class="lti-quiet">1 tentative</span>',
        '<span class="lti-badge lti-badge--progress">En cours d&#x27;envoi</span>'
        '<span class="lti-quiet">1 tentative</span>',
        '<span class="lti-badge lti-badge--good">Envoyé</span><span class="lti-quiet">1 tentative</span>',
        '<span class="lti-badge lti-badge--bad">Échec</span><span class="lti-quiet">3 tentatives</span>',
        '<span class="lti-badge lti-badge--muted">Annulé</span><span class="lti-quiet">1 tentative</span>',
    ]
    assert set(cells(html, "recipient_address")) == {broken}
    assert cells(html, "kind_code") == [
        "reminder_<wbr>draft_<wbr>j7",
        "availability_<wbr>request",
        "candidature_<wbr>submitted",
        "convocation_<wbr>updated",
        "results",
    ]


# --- lists the other suites do not count: the same cost with 1 and many rows -------------------------


def session_rows(count):
    edition = EditionFactory()
    for index in range(count):
        session = AuditionSession.objects.create(
            edition=edition,
            title=f"Session {index}",
            starts_at=at_days(20 + index, 14),
            ends_at=at_days(20 + index, 17),
        )
        for slot in range(2):
            starts_at = session.starts_at + timedelta(minutes=25 * slot)
            candidature = CandidatureFactory(edition=edition, status=Status.SHORTLISTED)
            Slot.objects.create(
                session=session, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20), candidature=candidature
            )
            Convocation.objects.create(
                session=session,
                candidature=candidature,
                uid=f"convocation-{session.pk}-{candidature.pk}@label.example",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=20),
            )


def account_rows(count):
    for _ in range(count):
        user = UserFactory()
        SecurityEvent.objects.create(user=user, kind=SecurityEvent.Kind.LOCKOUT_CLEARED, actor=UserFactory())


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("auditions/auditionsession", session_rows),
        ("auditions/slot", session_rows),
        ("auditions/convocation", session_rows),
        ("accounts/user", account_rows),
        ("accounts/securityevent", account_rows),
    ],
)
def test_the_list_costs_the_same_with_1_and_many_rows(organiser_client, count_queries, name, rows):
    rows(1)
    url = changelist(name)
    organiser_client.get(url)
    one = count_queries(organiser_client, url)
    rows(20)
    assert count_queries(organiser_client, url) == one
    assert organiser_client.get(url).context["cl"].result_count > 20


def test_slots_and_convocations_are_looked_up_there_and_changed_only_through_their_session(organiser_client):
    fill_every_list()
    slot, convocation = Slot.objects.first(), Convocation.objects.first()
    for name, row in (("auditions/slot", slot), ("auditions/convocation", convocation)):
        response = organiser_client.get(changelist(name))
        assert (response.context["has_add_permission"], response.context["action_form"]) == (False, None)
        app_label, model_name = name.split("/")
        page = organiser_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[row.pk]))
        assert (page.status_code, page.context["has_change_permission"], page.context["has_delete_permission"]) == (
            200,
            False,
            False,
        )
        assert (
            organiser_client.post(reverse(f"admin:{app_label}_{model_name}_delete", args=[row.pk])).status_code == 403
        )
    html = organiser_client.get(changelist("auditions/slot")).content.decode()
    session = reverse("admin:auditions_auditionsession_change", args=[slot.session_id])
    assert cells(html, "session_link")[0] == f'<a href="{session}">Auditions régionales Hauts-de-France</a>'


# --- dates as French readers write them, regions in French order ---------------------------------------------

FIRST_OF_NOVEMBER = datetime(2026, 11, 1, 14, 5, tzinfo=ZoneInfo("Europe/Paris"))


def test_the_lists_write_the_first_of_the_month_as_1er_in_paris_time(organiser_client):
    CandidatureFactory(status=Status.SUBMITTED, reference="LTI-2026-0001", submitted_at=FIRST_OF_NOVEMBER)
    Notification.objects.create(
        kind="results", recipient="a@ville.example", language="fr", subject="Résultats", body_text="Bonjour,"
    )
    Notification.objects.update(created_at=FIRST_OF_NOVEMBER - timedelta(hours=14))

    candidatures = organiser_client.get(changelist("label/candidature")).content.decode()
    assert cells(candidatures, "submitted_at") == ["1er novembre 2026 14:05"]
    # 00:05 in Paris on the 1st is still 31 October in UTC: the list reads it in Paris time.
    outbox = organiser_client.get(changelist("notifications/notification")).content.decode()
    assert re.findall(r'<th class="field-created_at"><a href="[^"]+">(.*?)</a></th>', outbox) == [
        "1er novembre 2026 00:05"
    ]


def test_the_lists_keep_english_dates_english(organiser_client):
    CandidatureFactory(status=Status.SUBMITTED, reference="LTI-2026-0001", submitted_at=FIRST_OF_NOVEMBER)
    organiser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = organiser_client.get(changelist("label/candidature")).content.decode()
    assert cells(html, "submitted_at") == ["Nov. 1, 2026, 2:05 p.m."]


def test_a_list_without_a_date_shows_the_empty_value(organiser_client):
    CandidatureFactory(status=Status.DRAFT)
    html = organiser_client.get(changelist("label/candidature")).content.decode()
    assert cells(html, "submitted_at") == ["-"]


def region_filter_choices(response):
    """The region filter's choices, as listed beside the list, "Tous" and "-" (none given) left out."""
    (region,) = [spec for spec in response.context["cl"].filter_specs if spec.title == "région"]
    return [str(choice["display"]) for choice in region.choices(response.context["cl"])][1:-1]


@pytest.mark.parametrize("name", ["label/candidature", "events/event"])
def test_the_region_filters_list_the_regions_in_french_dictionary_order(organiser_client, name):
    response = organiser_client.get(changelist(name))
    choices = region_filter_choices(response)
    assert choices == sorted((region for _code, region in REGIONS), key=collation_key)
    assert choices[8:11] == ["Hauts-de-France", "Île-de-France", "La Réunion"]
