"""What the owner agrees to when sending its project page for review, and what happens when the publication
consent is withdrawn: the consent recorded word for word, the page off the showcase, the owner and the team told."""

import pytest
from django.urls import reverse

from label import consents
from label.models import Consent
from notifications.models import Notification
from showcase import publication, withdrawal
from showcase.models import ProjectProfile
from tests.conftest import text
from tests.factories import OrganiserFactory
from tests.label.factories import EditionFactory
from tests.showcase.factories import PROFILE_TEXTS, laureate, published_project

pytestmark = pytest.mark.django_db

PROJECT_PAGE = Consent.Purpose.PROJECT_PAGE
WORDING = consents.WORDINGS[PROJECT_PAGE]


@pytest.fixture
def candidature(db):
    edition = EditionFactory(name="Label Territoire Innovant 2033", year=2033, contact_email="equipe@label.example")
    return laureate(edition=edition, territory_name="Ville de Béthune", project_title="Des rues apaisées")


def project_page_consents(candidature):
    return list(
        Consent.objects.filter(candidature=candidature, purpose=PROJECT_PAGE).values_list(
            "given", "person", "text_version", "text"
        )
    )


def sent_for_review(candidature):
    profile = publication.profile_for(candidature)
    publication.save_profile(profile, PROFILE_TEXTS, candidature.owner)
    publication.submit_for_review(profile, candidature.owner)
    return profile


def unpublished_mails():
    return list(
        Notification.objects.filter(kind="showcase_profile_unpublished")
        .order_by("pk")
        .values_list("recipient", "subject")
    )


def test_sending_the_profile_for_review_records_the_consent_to_the_project_page(client, candidature):
    owner = candidature.owner
    client.force_login(owner)
    page = text(client.get(reverse("showcase:edit_profile", args=[candidature.pk])))
    assert str(WORDING.text) in page
    assert project_page_consents(candidature) == []

    profile = sent_for_review(candidature)
    assert publication.submit_for_review(profile, owner) is False

    assert project_page_consents(candidature) == [(True, owner.pk, WORDING.version, str(WORDING.text))]


def test_withdrawing_the_publication_consent_withdraws_the_project_page_s_too(candidature):
    owner = candidature.owner
    sent_for_review(candidature)

    consents.withdraw_publication(candidature, owner)

    assert [given for given, *_rest in project_page_consents(candidature)] == [True, False]
    assert list(Consent.objects.filter(candidature=candidature).order_by("pk").values_list("purpose", "given")) == [
        (PROJECT_PAGE, True),
        (Consent.Purpose.PUBLICATION, False),
        (PROJECT_PAGE, False),
    ]


def test_a_published_page_taken_off_is_told_once_to_the_owner_and_to_the_team(candidature):
    owner = candidature.owner
    published_project(candidature=candidature, organiser=OrganiserFactory())

    assert consents.withdraw_publication(candidature, owner) is True
    assert withdrawal.unpublish(candidature, owner) is False

    subject = "Fiche projet retirée des pages publiques : Ville de Béthune"
    assert unpublished_mails() == [(owner.email, subject), ("equipe@label.example", subject)]
    to_owner, to_team = Notification.objects.filter(kind="showcase_profile_unpublished").order_by("pk")
    assert "la fiche de votre projet « Des rues apaisées » est retirée des pages publiques" in " ".join(
        to_owner.body_text.split()
    )
    assert "Sa page, ses images et ses documents ne sont plus en ligne" in to_owner.body_text
    assert f"candidature {candidature.reference} (Ville de Béthune)" in to_team.body_text


def test_a_profile_in_review_taken_back_is_told_and_a_draft_is_not(candidature):
    draft = laureate()
    publication.profile_for(draft)
    sent_for_review(candidature)

    consents.withdraw_publication(draft, draft.owner)
    assert unpublished_mails() == []

    consents.withdraw_publication(candidature, candidature.owner)
    owner_mail = Notification.objects.get(kind="showcase_profile_unpublished", recipient=candidature.owner.email)
    assert "Elle était en relecture : elle ne sera pas publiée." in owner_mail.body_text
    assert ProjectProfile.objects.get(candidature=candidature).status == ProjectProfile.Status.DRAFT
