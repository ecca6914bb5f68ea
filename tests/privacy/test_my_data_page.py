"""'Mes données': what the platform holds about the signed-in person, grouped as in the archive."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from lxml import html

from accounts import security
from events.models import Registration
from label.models import Document, Status
from notifications.models import Notification
from privacy.models import DataExport
from tests.conftest import messages_of
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import OrganiserFactory, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, scored
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory
from tests.label.uploads import PDF

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2031, 3, 2, 10, 0, tzinfo=PARIS)
URL = reverse("privacy:my_data")
SECTIONS = ("archive", "account", "candidatures", "registrations", "evaluations", "emails", "security", "delete")


def squeezed(element):
    return " ".join(" ".join(element.itertext()).split())


def sections(response):
    """The whole text of each section of the page, named by its heading's id."""
    assert response.status_code == 200
    tree = html.fromstring(response.content.decode())
    return {name: squeezed(tree.xpath(f'//section[@aria-labelledby="{name}-heading"]')[0]) for name in SECTIONS}


def links(response):
    tree = html.fromstring(response.content.decode())
    return [(squeezed(link), link.get("href")) for link in tree.xpath("//main//a[@href]")]


def document(candidature, name="Présentation.pdf"):
    item = Document(candidature=candidature, original_name=name, size=len(PDF), content_type="application/pdf")
    item.file.save("upload", ContentFile(PDF), save=True)
    return item


def mail(person, subject, created_at):
    sent = Notification.objects.create(
        kind="candidature_submitted",
        recipient=person.email,
        language="fr",
        subject=subject,
        body_text="Bonjour.",
        status=Notification.Status.SENT,
    )
    Notification.objects.filter(pk=sent.pk).update(created_at=created_at)


def holdings(person, count):
    """``count`` rows of each kind for ``person``: candidatures with a document, registrations, evaluations in two
    editions, e-mails, security events, archives ready or failed."""
    juries = []
    for edition_name in ("Label Territoire Innovant 2030", "Label Territoire Innovant 2031"):
        edition = EditionFactory(name=edition_name)
        CriterionFactory(edition=edition, name="Innovation")
        jury = JuryFactory(edition=edition)
        JuryMemberFactory(jury=jury, user=person)
        juries.append(jury)
    for index in range(count):
        candidature = CandidatureFactory(
            owner=person,
            status=Status.SUBMITTED,
            reference=f"LTI-{person.pk}-{index + 1:04d}",
            submitted_at=NOW - timedelta(days=1),
            project_title=f"Projet {index + 1}",
            edition=EditionFactory(name=f"Appel {index + 1}"),
        )
        document(candidature)
        RegistrationFactory(event=EventFactory(title=f"Rencontre {index + 1}"), email=person.email.upper())
        for jury in juries:
            scored(jury, person, CandidatureFactory(edition=jury.edition), [3])
        mail(person, f"Courriel {index + 1}", NOW - timedelta(days=count - index))
        security.record(person, security.Kind.EMAIL_VERIFIED)
        DataExport.objects.create(
            person=person,
            status=DataExport.Status.READY,
            size=1024,
            ready_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        )
        DataExport.objects.create(person=person, status=DataExport.Status.FAILED)


# --- what it says -----------------------------------------------------------------------------------------------


def test_the_page_lists_what_the_platform_holds_about_the_person(client, clock):
    clock.set(NOW - timedelta(days=40))
    person = UserFactory(full_name="Sophie Leroy", email="sophie.leroy@roubaix.example")
    other = UserFactory(full_name="Marc Dubois", email="marc.dubois@amiens.example")
    clock.set(NOW - timedelta(days=3))
    edition = EditionFactory(name="Label Territoire Innovant 2031")
    CriterionFactory(edition=edition, name="Innovation")
    submitted = CandidatureFactory(
        owner=person,
        edition=edition,
        status=Status.SUBMITTED,
        reference="LTI-2031-0001",
        project_title="Éclairage sobre",
    )
    document(submitted)
    document(submitted, "Budget.pdf")
    clock.set(NOW - timedelta(days=2))
    draft = CandidatureFactory(
        owner=person, project_title="", edition=EditionFactory(name="Label Territoire Innovant 2032")
    )
    CandidatureFactory(owner=other, project_title="Le projet de Marc")
    RegistrationFactory(
        event=EventFactory(title="Rencontre régionale de Dunkerque", starts_at=datetime(2031, 6, 30, 9, tzinfo=PARIS)),
        email="Sophie.Leroy@Roubaix.example",
        attendance=Registration.Attendance.ONLINE,
    )
    RegistrationFactory(email=other.email)
    jury = JuryFactory(edition=edition)
    for juror in (person, other):
        JuryMemberFactory(jury=jury, user=juror)
    for index in range(2):
        scored(jury, person, CandidatureFactory(edition=edition), [3 + index])
    scored(jury, other, submitted, [1])
    for index in range(12):
        mail(person, f"Courriel {index + 1}", NOW - timedelta(days=12 - index, hours=1))
    mail(other, "Le courriel de Marc", NOW)
    clock.set(NOW)
    security.record(person, security.Kind.EMAIL_VERIFIED)
    security.record(person, security.Kind.SECOND_FACTOR_ENROLLED)
    security.record(other, security.Kind.EMAIL_VERIFIED)
    client.force_login(person)

    response = client.get(URL)
    page = sections(response)

    assert page["account"] == (
        "Mon compte Nom Sophie Leroy Adresse e-mail sophie.leroy@roubaix.example (confirmée le 21 janvier 2031) "
        "Langue des e-mails Français Inscrit le 21 janvier 2031 Dernière connexion 2 mars 2031 "
        "Double authentification activée — Sécurité du compte"
    )
    assert page["candidatures"] == (
        "Mes candidatures Projet sans titre Brouillon Label Territoire Innovant 2032 · aucun document "
        "Éclairage sobre Déposée Label Territoire Innovant 2031 · LTI-2031-0001 · 2 documents "
        "2 documents joints en tout. Pour retirer votre accord de publication d'un projet, passez par "
        "Mes candidatures ."
    )
    assert page["registrations"] == (
        "Mes inscriptions aux événements Rencontre régionale de Dunkerque , 30 juin 2031 — Confirmée, en ligne "
        "(Sophie.Leroy@Roubaix.example)"
    )
    assert page["evaluations"] == "Mes évaluations de juré Label Territoire Innovant 2031 : 2 évaluations"
    assert page["emails"] == (
        "Courriels reçus La plateforme vous a écrit 12 courriels. Les derniers, du plus récent au plus ancien "
        "Date Objet 1er mars 2031 Courriel 12 28 février 2031 Courriel 11 27 février 2031 Courriel 10 "
        "26 février 2031 Courriel 9 25 février 2031 Courriel 8 24 février 2031 Courriel 7 "
        "23 février 2031 Courriel 6 22 février 2031 Courriel 5 21 février 2031 Courriel 4 "
        "20 février 2031 Courriel 3"
    )
    assert page["security"] == "Journal de sécurité 2 événements enregistrés. Voir les derniers"
    assert page["archive"] == (
        "Mon archive Une archive ZIP de toutes vos données et de vos documents. Elle est préparée en quelques "
        "minutes ; le lien pour la télécharger vous arrive par e-mail et reste valable 7 jours. "
        "Télécharger toutes mes données"
    )
    assert page["delete"] == (
        "Supprimer mon compte Efface votre compte et les données personnelles qui s'y rattachent ; vous confirmerez "
        "sur la page suivante. Supprimer mon compte"
    )
    assert links(response) == [
        ("Données personnelles", reverse("privacy")),
        ("Sécurité du compte", reverse("accounts:security")),
        ("Projet sans titre", reverse("label:candidature", args=[draft.pk])),
        ("Éclairage sobre", reverse("label:candidature", args=[submitted.pk])),
        ("Mes candidatures", reverse("label:my_candidatures")),
        ("Voir les derniers", reverse("accounts:security")),
        ("Supprimer mon compte", reverse("privacy:delete_account")),
    ]


def test_an_account_with_nothing_yet_is_told_so(client, clock):
    clock.set(NOW)
    person = UserFactory(full_name="Nadia Benali", email="nadia@lens.example", email_verified_at=None)
    client.force_login(person, second_factor=False)

    page = sections(client.get(URL))

    assert page["account"] == (
        "Mon compte Nom Nadia Benali Adresse e-mail nadia@lens.example (non confirmée) Langue des e-mails Français "
        "Inscrit le 2 mars 2031 Dernière connexion 2 mars 2031 Double authentification désactivée — "
        "Sécurité du compte"
    )
    assert [page[name] for name in ("candidatures", "registrations", "evaluations", "emails", "security")] == [
        "Mes candidatures Aucune candidature.",
        "Mes inscriptions aux événements Aucune inscription avec votre adresse e-mail.",
        "Mes évaluations de juré Aucune évaluation.",
        "Courriels reçus La plateforme ne vous a écrit aucun courriel.",
        "Journal de sécurité Aucun événement enregistré. Voir les derniers",
    ]


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert (response.status_code, response["Location"]) == (302, f"{reverse('accounts:login')}?next={URL}")


def test_a_session_still_owing_its_code_is_sent_to_the_second_factor(client):
    person = UserFactory()
    client.force_login(person)
    client.logout()
    client.force_login(person, second_factor=False)
    session = client.session
    session["second_factor_pending"] = True
    session.save()

    response = client.get(URL)

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('accounts:second_factor_verify')}?next={URL}",
    )


def test_the_account_menu_and_the_security_page_lead_here(client):
    client.force_login(UserFactory())

    menu = html.fromstring(client.get(reverse("home")).content.decode()).xpath('//ul[contains(@class, "account-menu")]')
    security_page = links(client.get(reverse("accounts:security")))

    assert [(squeezed(link), link.get("href")) for link in menu[0].xpath(".//a")] == [
        ("Sécurité du compte", reverse("accounts:security")),
        ("Mes données", URL),
    ]
    assert ("Voir, télécharger ou supprimer mes données", URL) in security_page


# --- the archive from the page ------------------------------------------------------------------------------------


def test_asking_for_the_archive_says_the_link_comes_by_email_and_lists_it(client, clock):
    clock.set(NOW)
    person = UserFactory(email="nadia@lens.example")
    client.force_login(person)

    response = client.post(reverse("privacy:request_export"), follow=True)

    assert messages_of(response) == [
        "Votre archive est en préparation. Vous recevrez par e-mail, à nadia@lens.example, un lien pour la "
        "télécharger ; il restera valable 7 jours."
    ]
    assert sections(response)["archive"].endswith(
        "Télécharger toutes mes données Mes archives Demandée le 2 mars 2031 à 10:00 : En préparation "
        "le lien arrivera par e-mail."
    )


def test_asking_again_while_one_is_prepared_says_why_nothing_happens(client):
    person = UserFactory()
    client.force_login(person)
    client.post(reverse("privacy:request_export"), follow=True)

    response = client.post(reverse("privacy:request_export"), follow=True)

    assert messages_of(response) == [
        "Une archive est déjà en préparation : le lien pour la télécharger arrivera par e-mail dans quelques minutes."
    ]
    assert DataExport.objects.filter(person=person).count() == 1


def test_asking_needs_a_post(client):
    client.force_login(UserFactory())

    assert client.get(reverse("privacy:request_export")).status_code == 405


def test_the_list_shows_the_persons_own_archives_until_they_expire(client, clock):
    clock.set(NOW - timedelta(days=8))
    person = UserFactory()
    DataExport.objects.create(
        person=person,
        status=DataExport.Status.READY,
        size=2048,
        ready_at=NOW - timedelta(days=8),
        expires_at=NOW - timedelta(days=1),
    )
    clock.set(NOW - timedelta(days=1))
    ready = DataExport.objects.create(
        person=person,
        status=DataExport.Status.READY,
        size=2048,
        ready_at=NOW - timedelta(days=1),
        expires_at=NOW + timedelta(days=6),
    )
    DataExport.objects.create(person=person, requested_by=OrganiserFactory())
    clock.set(NOW)
    client.force_login(person)

    response = client.get(URL)

    assert sections(response)["archive"].endswith(
        "Télécharger toutes mes données Mes archives Demandée le 1er mars 2031 à 10:00 : télécharger l'archive "
        "(2 ko), valable jusqu'au samedi 8 mars 2031 à 10:00."
    )
    assert ("télécharger l'archive", reverse("privacy:archive", args=[ready.pk])) in links(response)


# --- its cost -----------------------------------------------------------------------------------------------------


def test_the_page_costs_the_same_with_1_and_with_many_rows_of_each_kind(client, count_queries):
    one, many = UserFactory(), UserFactory()
    holdings(one, 1)
    holdings(many, 12)

    client.force_login(one)
    client.get(URL)
    with_one = count_queries(client, URL)
    client.force_login(many)
    client.get(URL)

    assert count_queries(client, URL) == with_one
    assert sections(client.get(URL))["evaluations"] == (
        "Mes évaluations de juré Label Territoire Innovant 2031 : 12 évaluations "
        "Label Territoire Innovant 2030 : 12 évaluations"
    )
