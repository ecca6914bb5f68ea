"""A candidature shortlisted for the auditions publishes its project too, marked "Présélectionné", through the same
steps as a laureate: written from "Mes candidatures", sent for review, approved in the admin."""

import pytest
from django.urls import reverse
from lxml import html

from label import services
from label.models import Level, Status
from notifications.models import Notification
from showcase.models import ProjectProfile, PublishedProject
from tests.conftest import messages_of, text
from tests.label.factories import CandidatureFactory, EditionFactory
from tests.showcase.factories import PROFILE_TEXTS

pytestmark = pytest.mark.django_db

SHORTLISTED = PublishedProject.Distinction.SHORTLISTED
LAUREATE = PublishedProject.Distinction.LAUREATE


@pytest.fixture
def candidature(organiser):
    """Eligible, then shortlisted by an organiser, as the workflow does it."""
    edition = EditionFactory(name="Label Territoire Innovant 2032", year=2032, contact_email="equipe@label.example")
    candidature = CandidatureFactory(
        edition=edition,
        status=Status.ELIGIBLE,
        consent_publication=True,
        territory_name="Ville d'Arras",
        project_title="Une cantine sans plastique",
        summary="Des contenants réutilisables dans les écoles.",
    )
    return services.fire(candidature, "shortlist", organiser)


def write_and_send(client, candidature):
    """The owner opens its profile from /mes-candidatures/, fills it in and sends it for review."""
    client.force_login(candidature.owner)
    card = text(client.get(reverse("label:my_candidatures")))
    assert "Rédiger la fiche projet" in card
    url = reverse("showcase:edit_profile", args=[candidature.pk])
    assert client.get(url).status_code == 200
    profile = ProjectProfile.objects.get(candidature=candidature)
    data = {"title": profile.title, "summary": profile.summary, **PROFILE_TEXTS, "action": "submit"}
    sent = client.post(url, data, follow=True)
    assert messages_of(sent) == [
        "Fiche envoyée en relecture : l'équipe du label la relit et vous écrit dès qu'elle est publiée."
    ]
    return profile


def approve_in_admin(client, organiser, profile):
    client.force_login(organiser)
    response = client.post(
        reverse("admin:showcase_projectprofile_changelist"),
        {"action": "approve_profiles", "_selected_action": [profile.pk]},
        follow=True,
    )
    assert messages_of(response) == ["1 fiche publiée ; la collectivité est prévenue par courriel."]
    return PublishedProject.objects.get(profile=profile)


def catalogue_titles(client, **filters):
    document = html.fromstring(client.get("/projets/", filters).content)
    return [title.text_content().strip() for title in document.xpath("//ul[contains(@class, 'project-grid')]//h3")]


def test_a_shortlisted_candidature_publishes_its_profile_marked_as_such(client, organiser, candidature):
    profile = write_and_send(client, candidature)
    published = approve_in_admin(client, organiser, profile)
    client.logout()

    assert (published.distinction, published.level) == (SHORTLISTED, "")
    assert catalogue_titles(client, distinction="shortlisted") == ["Une cantine sans plastique"]
    assert catalogue_titles(client, distinction="laureate") == []
    card = html.fromstring(client.get("/projets/").content).xpath("//article[contains(@class, 'project-card')]")[0]
    assert [tag.text_content() for tag in card.xpath(".//span[@class='project-tag']")] == ["Présélectionné"]
    page = html.fromstring(client.get(f"/projets/{published.slug}/").content)
    assert [tag.text_content() for tag in page.xpath("//ul[@class='project-facts']//span[@class='project-tag']")] == [
        "Présélectionné"
    ]
    assert not page.xpath("//img[contains(@class, 'project-badge')]")


def test_the_team_is_told_which_distinction_the_profile_comes_with(client, candidature):
    write_and_send(client, candidature)

    mail = Notification.objects.get(kind="showcase_profile_submitted")
    assert " ".join(mail.body_text.split()).split(" Projet :")[0] == (
        "Bonjour, Ville d'Arras a envoyé sa fiche projet publique en relecture (appel « Label Territoire Innovant "
        "2032 », distinction : Présélectionné)."
    )


def test_auditioned_then_laureate_the_published_copy_becomes_a_laureate_s(client, organiser, candidature):
    published = approve_in_admin(client, organiser, write_and_send(client, candidature))

    services.fire(candidature, "mark_auditioned", organiser)
    published.refresh_from_db()
    assert published.distinction == SHORTLISTED
    services.fire(candidature, "select_laureate", organiser, level=Level.BRONZE)

    published.refresh_from_db()
    assert (published.distinction, published.level) == (LAUREATE, Level.BRONZE)
    assert catalogue_titles(client, distinction="laureate") == ["Une cantine sans plastique"]


def test_not_retained_after_the_shortlist_it_still_publishes_as_shortlisted(client, organiser, candidature):
    services.fire(candidature, "not_retain", organiser)

    published = approve_in_admin(client, organiser, write_and_send(client, candidature))

    assert published.distinction == SHORTLISTED


def test_a_candidature_never_shortlisted_has_no_profile_to_write(client, organiser):
    candidature = CandidatureFactory(status=Status.ELIGIBLE, consent_publication=True)
    services.fire(candidature, "not_retain", organiser)
    client.force_login(candidature.owner)

    assert "fiche projet" not in text(client.get(reverse("label:my_candidatures")))
    assert client.get(reverse("showcase:edit_profile", args=[candidature.pk])).status_code == 404
    assert not ProjectProfile.objects.exists()
