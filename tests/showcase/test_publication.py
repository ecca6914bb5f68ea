"""A laureate publishes its project: the profile written, reviewed, approved into a public copy, kept in step."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from PIL import Image

from core.errors import Refused
from events.storage import public_storage
from label import consents, services
from label.models import Level, Status, Theme
from notifications.models import Notification
from showcase import publication, thumbnails
from showcase.models import PROFILE_FIELDS, ProjectProfile, PublishedProject
from tests.conftest import messages_of, text
from tests.factories import OrganiserFactory, UserFactory
from tests.label.factories import CandidatureFactory, EditionFactory
from tests.label.uploads import PDF
from tests.showcase.factories import PROFILE_TEXTS, image_document, laureate, published_project, shortlisted

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
Profile = ProjectProfile.Status


def fields_of(row):
    return {name: getattr(row, name) for name in PROFILE_FIELDS}


def png(width, height, color=(30, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_camera_data(width, height):
    image = Image.new("RGB", (width, height), (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "Appareil photo"  # Make
    exif[0x0110] = "Modèle 12"  # Model
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def media(tmp_path, settings):
    """Public media storage in this test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "public": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/medias/"},
        },
    }
    return public_storage()


@pytest.fixture
def candidature(db):
    edition = EditionFactory(
        name="Label Territoire Innovant 2031", year=2031, code="SOM", contact_email="equipe@label.example"
    )
    return laureate(
        edition=edition,
        territory_name="Ville de Saint-Omer",
        project_title="Éclairage public sobre",
        summary="Un éclairage qui s'adapte aux passages.",
        partners="Syndicat d'énergie",
        website="https://eclairage.saint-omer.example",
        contact_name="Sophie Leroy",
        contact_role="Cheffe de projet",
        contact_email="sophie.leroy@saint-omer.example",
        contact_phone="03 21 00 00 00",
        outcome_level=Level.SILVER,
        theme=Theme.objects.get(slug="energie"),
    )


@pytest.fixture
def owner(candidature):
    return candidature.owner


@pytest.fixture
def reviewer(db):
    return OrganiserFactory(full_name="Claire Martin")


# --- the whole cycle ----------------------------------------------------------------------------


def test_from_the_prefilled_profile_to_a_second_approval_the_public_copy_follows_the_reviews(
    candidature, owner, reviewer
):
    profile = publication.profile_for(candidature)

    assert fields_of(profile) == {
        "title": "Éclairage public sobre",
        "summary": "Un éclairage qui s'adapte aux passages.",
        "inhabitants": "",
        "results": "",
        "cost": "",
        "funding": "",
        "licences": "",
        "data_needed": "",
        "skills": "",
        "partners": "Syndicat d'énergie",
        "website": "https://eclairage.saint-omer.example",
        "contact_name": "",
        "contact_role": "",
        "contact_email": "",
        "contact_phone": "",
    }
    assert (profile.slug, profile.status) == ("2031-ville-de-saint-omer-eclairage-public-sobre", Profile.DRAFT)
    assert publication.profile_for(candidature) == profile

    # Incomplete: refused, naming what is missing, in French.
    publication.save_profile(profile, {"summary": "  "}, owner)
    with pytest.raises(Refused) as refusal:
        publication.submit_for_review(profile, owner)
    assert refusal.value.message == (
        "Pour envoyer la fiche en relecture, complétez : « Résumé » et au moins l'un des champs « Ce qui a "
        "changé pour les habitants » ou « Résultats et indicateurs »."
    )
    assert (refusal.value.field, profile.status) == ("summary", Profile.DRAFT)

    # Only what differs is saved: the public contact starts empty, typed here by the owner.
    assert publication.save_profile(profile, {"summary": "Un éclairage sobre.", **PROFILE_TEXTS}, owner) == sorted(
        ["summary", *PROFILE_TEXTS]
    )
    assert publication.submit_for_review(profile, owner) is True
    assert publication.submit_for_review(profile, owner) is False
    assert profile.status == Profile.SUBMITTED

    assert publication.return_profile(profile, reviewer, "Précisez le coût de fonctionnement annuel.") is True
    profile.refresh_from_db()
    assert (profile.status, profile.review_comment, profile.reviewed_by) == (
        Profile.RETURNED,
        "Précisez le coût de fonctionnement annuel.",
        reviewer,
    )
    assert not PublishedProject.objects.exists()

    publication.save_profile(profile, {"cost": "45 000 € HT, puis 8 000 € HT par an."}, owner)
    assert profile.status == Profile.RETURNED
    publication.submit_for_review(profile, owner)
    assert publication.approve(profile, reviewer) is True

    published = PublishedProject.objects.get()
    profile.refresh_from_db()
    assert fields_of(published) == fields_of(profile)
    assert (profile.status, profile.review_comment) == (Profile.APPROVED, "")
    assert (
        published.slug,
        published.candidature,
        published.edition,
        published.year,
        published.region.code,
        published.territory_name,
        published.territory_kind,
        published.level,
        published.distinction,
        published.theme.slug,
    ) == (
        profile.slug,
        candidature,
        candidature.edition,
        2031,
        "32",
        "Ville de Saint-Omer",
        "commune",
        Level.SILVER,
        PublishedProject.Distinction.LAUREATE,
        "energie",
    )
    first_publication = published.published_at

    # A change after approval goes back to review; meanwhile the public copy stays as approved.
    approved_fields = fields_of(published)
    assert publication.save_profile(profile, {"results": "3 000 signalements traités en 2021."}, owner) == ["results"]
    assert profile.status == Profile.DRAFT
    published.refresh_from_db()
    assert fields_of(published) == approved_fields

    publication.submit_for_review(profile, owner)
    publication.approve(profile, reviewer)
    published.refresh_from_db()
    profile.refresh_from_db()
    assert fields_of(published) == fields_of(profile)
    assert published.results == "3 000 signalements traités en 2021."
    assert (published.slug, published.published_at, PublishedProject.objects.count()) == (
        "2031-ville-de-saint-omer-eclairage-public-sobre",
        first_publication,
        1,
    )


def test_each_step_is_in_the_audit_trail_with_its_author_and_the_comment(candidature, owner, reviewer):
    profile = publication.profile_for(candidature)
    publication.save_profile(profile, {"inhabitants": "Des rues éclairées au passage."}, owner)
    publication.submit_for_review(profile, owner)
    publication.return_profile(profile, reviewer, "Ajoutez un résultat chiffré.")

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ProjectProfile), object_pk=str(profile.pk)
    ).order_by("pk")

    assert [(entry.action, entry.actor, entry.additional_data) for entry in entries] == [
        (LogEntry.Action.CREATE, None, None),
        (LogEntry.Action.UPDATE, owner, {"reason": "Fiche modifiée par la collectivité"}),
        (LogEntry.Action.UPDATE, owner, {"reason": "Fiche envoyée en relecture"}),
        (LogEntry.Action.UPDATE, reviewer, {"reason": "Ajoutez un résultat chiffré."}),
    ]
    assert entries[1].changes == {"inhabitants": ["", "Des rues éclairées au passage."]}
    assert entries[3].changes["status"] == ["submitted", "returned"]


def test_approving_twice_writes_once_and_mails_once(candidature, owner, reviewer):
    profile = publication.profile_for(candidature)
    publication.save_profile(profile, PROFILE_TEXTS, owner)
    publication.submit_for_review(profile, owner)
    publication.approve(profile, reviewer)
    entries, mails = LogEntry.objects.count(), Notification.objects.count()

    assert publication.approve(ProjectProfile.objects.get(pk=profile.pk), reviewer) is False
    assert (LogEntry.objects.count(), Notification.objects.count(), PublishedProject.objects.count()) == (
        entries,
        mails,
        1,
    )


def test_the_mails_go_to_the_team_then_to_the_owner(candidature, owner, reviewer):
    profile = publication.profile_for(candidature)
    publication.save_profile(profile, PROFILE_TEXTS, owner)
    publication.submit_for_review(profile, owner)
    publication.return_profile(profile, reviewer, "Le contact publié doit être une adresse de service.")
    publication.submit_for_review(profile, owner)
    publication.approve(profile, reviewer)

    mails = list(Notification.objects.order_by("pk"))
    assert [(mail.kind, mail.recipient, mail.subject) for mail in mails] == [
        ("showcase_profile_submitted", "equipe@label.example", "Fiche projet à relire : Ville de Saint-Omer"),
        ("showcase_profile_returned", owner.email, "Action requise : votre fiche projet est à reprendre"),
        ("showcase_profile_submitted", "equipe@label.example", "Fiche projet à relire : Ville de Saint-Omer"),
        ("showcase_profile_approved", owner.email, "Votre fiche projet est publiée"),
    ]
    assert "Le contact publié doit être une adresse de service." in mails[1].body_text
    assert f"/admin/showcase/projectprofile/{profile.pk}/change/" in mails[0].body_text
    assert "/projets/2031-ville-de-saint-omer-eclairage-public-sobre/" in mails[3].body_text


def test_a_return_needs_a_comment_and_a_profile_under_review(candidature, owner, reviewer):
    profile = publication.profile_for(candidature)
    publication.save_profile(profile, PROFILE_TEXTS, owner)

    with pytest.raises(Refused) as no_comment:
        publication.return_profile(profile, reviewer, "   ")
    with pytest.raises(Refused) as not_submitted:
        publication.return_profile(profile, reviewer, "À reprendre.")
    with pytest.raises(Refused) as not_an_organiser:
        publication.approve(profile, owner)

    assert [no_comment.value.message, not_submitted.value.message, not_an_organiser.value.message] == [
        "Dites à la collectivité ce qu'elle doit reprendre : le commentaire est obligatoire.",
        "Seule une fiche envoyée en relecture peut être renvoyée (celle-ci est « Brouillon »).",
        "Seule l'équipe du label relit les fiches projet.",
    ]


def test_only_a_laureate_or_a_shortlisted_candidature_that_agreed_to_publication_has_a_profile(db, organiser):
    never_shortlisted = CandidatureFactory(status=Status.ELIGIBLE, consent_publication=True)
    services.fire(never_shortlisted, "not_retain", organiser)
    refused = [
        CandidatureFactory(status=Status.SUBMITTED, consent_publication=True),
        never_shortlisted,
        shortlisted(edition=EditionFactory(published=False)),
        laureate(consent_publication=False),
    ]

    messages = []
    for candidature in refused:
        with pytest.raises(Refused) as refusal:
            publication.profile_for(candidature)
        messages.append(refusal.value.message)

    only_distinguished = (
        "Seules les collectivités lauréates ou présélectionnées pour les auditions peuvent publier une fiche projet."
    )
    assert messages == [
        only_distinguished,
        only_distinguished,
        only_distinguished,
        "La publication du projet n'est pas autorisée pour cette candidature : sans cet accord, aucune fiche "
        "projet n'est publiée.",
    ]
    assert not ProjectProfile.objects.exists()


def test_only_the_owner_changes_the_profile(candidature, owner, other_user, reviewer):
    profile = publication.profile_for(candidature)

    for someone in (other_user, reviewer):
        with pytest.raises(Refused):
            publication.save_profile(profile, {"title": "Autre titre"}, someone)
        with pytest.raises(Refused):
            publication.submit_for_review(profile, someone)

    profile.refresh_from_db()
    assert (profile.title, profile.status) == ("Éclairage public sobre", Profile.DRAFT)


def test_slugs_are_unique_and_cut_to_120_characters(db):
    edition = EditionFactory(year=2031, code="LENS")
    title = (
        "Un jumeau numérique du territoire partagé entre les quarante-six communes pour piloter l'éclairage et l'eau"
    )
    first, second, third = (
        publication.profile_for(
            laureate(edition=edition, territory_name="Agglomération de Lens-Liévin", project_title=title)
        )
        for _ in range(3)
    )

    assert len(first.slug) == 120
    assert first.slug.startswith("2031-agglomeration-de-lens-lievin-un-jumeau-numerique-du-territoire")
    assert second.slug == f"{first.slug[:118]}-2"
    assert third.slug == f"{first.slug[:118]}-3"


def test_a_theme_corrected_on_the_candidature_shows_on_the_published_copy(candidature, reviewer):
    published = published_project(candidature=candidature, organiser=reviewer)

    services.edit_as_organiser(candidature, {"theme": Theme.objects.get(slug="mobilite")}, reviewer)

    published.refresh_from_db()
    assert published.theme.slug == "mobilite"


# --- consent withdrawn ---------------------------------------------------------------------------


def test_withdrawing_the_consent_deletes_the_published_copy_and_its_thumbnails(
    candidature, owner, reviewer, media, django_capture_on_commit_callbacks
):
    photo = image_document(candidature, png(1600, 900))
    with django_capture_on_commit_callbacks(execute=True):
        published = published_project(candidature=candidature, organiser=reviewer, documents=[photo])
    folder = media.path(thumbnails.folder(candidature.pk))
    assert sorted(media.listdir(thumbnails.folder(candidature.pk))[1]) == [
        f"{photo.pk.hex}-1200.png",
        f"{photo.pk.hex}-480.png",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        assert consents.withdraw_publication(candidature, owner) is True

    assert not PublishedProject.objects.filter(pk=published.pk).exists()
    assert media.listdir(thumbnails.folder(candidature.pk)) == ([], [])
    assert ProjectProfile.objects.get(candidature=candidature).status == Profile.DRAFT
    with pytest.raises(Refused):
        publication.profile_for(candidature)
    assert folder.endswith(f"projets/{candidature.pk}")


# --- thumbnails ----------------------------------------------------------------------------------


def test_thumbnails_are_made_at_approval_at_their_widths_without_the_camera_s_data(
    candidature, reviewer, media, django_capture_on_commit_callbacks
):
    wide = image_document(candidature, png(2000, 1000))
    photo = image_document(candidature, jpeg_with_camera_data(1600, 1200), "photo.jpg", "image/jpeg")
    small = image_document(candidature, png(300, 200), "logo.png")
    brochure = image_document(candidature, PDF, "brochure.pdf", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        published_project(candidature=candidature, organiser=reviewer, documents=[wide, photo, small, brochure])

    def read(document, width):
        with media.open(thumbnails.name(document, width)) as file, Image.open(file) as image:
            return image.format, image.size, dict(image.getexif())

    assert [read(document, width) for document in (wide, photo, small) for width in (480, 1200)] == [
        ("PNG", (480, 240), {}),
        ("PNG", (1200, 600), {}),
        ("JPEG", (480, 360), {}),
        ("JPEG", (1200, 900), {}),
        ("PNG", (300, 200), {}),
        ("PNG", (300, 200), {}),
    ]
    assert thumbnails.thumbnail_url(wide, 480) == f"/medias/projets/{candidature.pk}/{wide.pk.hex}-480.png"
    assert thumbnails.thumbnail_url(brochure, 480) is None
    assert len(media.listdir(thumbnails.folder(candidature.pk))[1]) == 6


def test_an_image_dropped_at_the_next_approval_loses_its_thumbnails_and_a_broken_one_gets_none(
    candidature, owner, reviewer, media, django_capture_on_commit_callbacks
):
    kept = image_document(candidature, png(800, 600))
    dropped = image_document(candidature, png(900, 600))
    broken = image_document(candidature, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "casse.png")
    with django_capture_on_commit_callbacks(execute=True):
        published = published_project(candidature=candidature, organiser=reviewer, documents=[kept, dropped, broken])
    profile = published.profile

    publication.save_profile(profile, {"documents": [kept]}, owner)
    publication.submit_for_review(profile, owner)
    with django_capture_on_commit_callbacks(execute=True):
        publication.approve(profile, reviewer)

    assert sorted(media.listdir(thumbnails.folder(candidature.pk))[1]) == [
        f"{kept.pk.hex}-1200.png",
        f"{kept.pk.hex}-480.png",
    ]
    assert list(published.documents.all()) == [kept]


def test_the_thumbnail_view_serves_only_those_of_public_projects(
    client, candidature, owner, reviewer, media, django_capture_on_commit_callbacks
):
    photo = image_document(candidature, png(1000, 500))
    with django_capture_on_commit_callbacks(execute=True):
        published_project(candidature=candidature, organiser=reviewer, documents=[photo])
    url = thumbnails.thumbnail_url(photo, 480)

    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (480, 240)
    assert client.get(f"/medias/projets/{candidature.pk}/..%2F..%2Fsecret-480.png").status_code == 404

    candidature.__class__.objects.filter(pk=candidature.pk).update(consent_publication=False)
    assert client.get(url).status_code == 404


def test_a_thumbnail_is_revalidated_with_its_etag_or_its_date_and_answered_304(
    client, candidature, reviewer, media, django_capture_on_commit_callbacks
):
    photo = image_document(candidature, png(1000, 500))
    with django_capture_on_commit_callbacks(execute=True):
        published_project(candidature=candidature, organiser=reviewer, documents=[photo])
    url = thumbnails.thumbnail_url(photo, 480)

    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    by_etag = client.get(url, headers={"If-None-Match": etag})
    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    stale = client.get(url, headers={"If-None-Match": '"autre"'})

    assert (first.status_code, first["Cache-Control"]) == (200, "no-cache")
    assert etag.startswith('"') and etag.endswith('"')
    assert (by_etag.status_code, by_etag["ETag"], by_etag.content) == (304, etag, b"")
    assert (by_date.status_code, by_date["Last-Modified"]) == (304, last_modified)
    assert stale.status_code == 200


def test_a_thumbnail_of_a_document_no_longer_published_is_not_found(
    client, candidature, owner, reviewer, media, django_capture_on_commit_callbacks
):
    kept = image_document(candidature, png(800, 600))
    dropped = image_document(candidature, png(900, 600))
    with django_capture_on_commit_callbacks(execute=True):
        published = published_project(candidature=candidature, organiser=reviewer, documents=[kept, dropped])
    profile = published.profile
    publication.save_profile(profile, {"documents": [kept]}, owner)
    publication.submit_for_review(profile, owner)
    # Approved, its files not yet removed (that comes after the commit): the view alone refuses the image.
    publication.approve(profile, reviewer)
    dropped_url = thumbnails.thumbnail_url(dropped, 480)
    assert media.exists(thumbnails.name(dropped, 480))

    assert client.get(dropped_url).status_code == 404
    assert client.get(thumbnails.thumbnail_url(kept, 480)).status_code == 200

    consents.withdraw_publication(candidature, owner)
    assert client.get(thumbnails.thumbnail_url(kept, 480), headers={"If-None-Match": "*"}).status_code == 404


# --- the public documents ------------------------------------------------------------------------


def test_the_public_document_view_serves_only_the_documents_a_public_project_publishes(
    client, candidature, owner, reviewer
):
    chosen = image_document(candidature, PDF, "Présentation du projet.pdf", "application/pdf")
    not_chosen = image_document(candidature, png(100, 100), "brouillon.png")
    published = published_project(candidature=candidature, organiser=reviewer, documents=[chosen])
    elsewhere = published_project()
    url = reverse("showcase:document", args=[published.slug, chosen.pk])

    response = client.get(url)
    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200,
        "application/pdf",
        "attachment; filename*=utf-8''Pr%C3%A9sentation%20du%20projet.pdf",
    )
    assert b"".join(response.streaming_content) == PDF
    assert client.get(reverse("showcase:document", args=[published.slug, not_chosen.pk])).status_code == 404
    # A published document, under another project's address.
    assert client.get(reverse("showcase:document", args=[elsewhere.slug, chosen.pk])).status_code == 404

    client.force_login(UserFactory())
    assert client.get(reverse("showcase:document", args=[published.slug, not_chosen.pk])).status_code == 404

    consents.withdraw_publication(candidature, owner)
    assert client.get(url).status_code == 404


# --- the laureate's page -------------------------------------------------------------------------


def edit_url(candidature):
    return reverse("showcase:edit_profile", args=[candidature.pk])


def form_data(profile, **changes):
    data = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    return {**data, **changes}


def test_the_owner_writes_saves_and_sends_the_profile_from_its_page(client, candidature, owner):
    client.force_login(owner)
    page = client.get(edit_url(candidature))
    assert page.status_code == 200
    profile = ProjectProfile.objects.get(candidature=candidature)
    assert page.context["form"]["title"].value() == "Éclairage public sobre"

    saved = client.post(edit_url(candidature), {**form_data(profile), **PROFILE_TEXTS, "action": "save"}, follow=True)
    assert messages_of(saved) == ["Fiche enregistrée. Envoyez-la en relecture quand elle est prête à être publiée."]

    sent = client.post(edit_url(candidature), {**form_data(profile), **PROFILE_TEXTS, "action": "submit"}, follow=True)
    assert messages_of(sent) == [
        "Fiche envoyée en relecture : l'équipe du label la relit et vous écrit dès qu'elle est publiée."
    ]
    profile.refresh_from_db()
    assert (profile.status, profile.cost) == (Profile.SUBMITTED, PROFILE_TEXTS["cost"])


def test_bad_input_is_said_at_the_field_in_french_and_nothing_typed_is_lost(client, candidature, owner):
    client.force_login(owner)
    client.get(edit_url(candidature))
    profile = ProjectProfile.objects.get(candidature=candidature)
    typed = form_data(
        profile, results="Des résultats mesurés.", contact_email="pas une adresse", website="pas un site", action="save"
    )

    response = client.post(edit_url(candidature), typed)

    form = response.context["form"]
    assert response.status_code == 200
    assert (form.errors["contact_email"], form.errors["website"]) == (
        ["Saisissez une adresse de courriel valide."],
        ["Saisissez une URL valide."],
    )
    assert (form["results"].value(), form["contact_email"].value()) == ("Des résultats mesurés.", "pas une adresse")
    profile.refresh_from_db()
    assert profile.results == ""


def test_a_profile_sent_incomplete_is_saved_and_each_missing_field_says_so(client, candidature, owner):
    client.force_login(owner)
    client.get(edit_url(candidature))
    profile = ProjectProfile.objects.get(candidature=candidature)

    response = client.post(edit_url(candidature), form_data(profile, title="", cost="12 000 € HT", action="submit"))

    form = response.context["form"]
    assert form.errors == {
        "__all__": [
            "Pour envoyer la fiche en relecture, complétez : « Titre du projet » et au moins l'un des champs « Ce "
            "qui a changé pour les habitants » ou « Résultats et indicateurs »."
        ],
        "title": ["Indispensable pour envoyer la fiche en relecture."],
        "inhabitants": ["Remplissez ce champ ou « Résultats et indicateurs » pour envoyer la fiche en relecture."],
        "results": [
            "Remplissez ce champ ou « Ce qui a changé pour les habitants » pour envoyer la fiche en relecture."
        ],
    }
    profile.refresh_from_db()
    assert (profile.status, profile.cost, profile.title) == (Profile.DRAFT, "12 000 € HT", "")


def test_the_page_shows_the_organiser_s_comment_and_the_published_page(client, candidature, owner, reviewer):
    published = published_project(candidature=candidature, organiser=reviewer)
    profile = published.profile
    publication.save_profile(profile, {"skills": "Un électricien."}, owner)
    publication.submit_for_review(profile, owner)
    publication.return_profile(profile, reviewer, "Dites combien d'agents ont été formés.")
    client.force_login(owner)

    page = text(client.get(edit_url(candidature)))

    assert "Dites combien d'agents ont été formés." in page
    assert "La version publiée précédemment reste en ligne" in page
    assert f'href="/projets/{published.slug}/"' in page


def test_another_account_gets_not_found_and_changes_nothing(client, candidature, owner, other_user):
    profile = publication.profile_for(candidature)
    client.force_login(other_user)

    assert client.get(edit_url(candidature)).status_code == 404
    assert client.post(edit_url(candidature), form_data(profile, title="Pris", action="submit")).status_code == 404

    profile.refresh_from_db()
    assert (profile.title, profile.status) == ("Éclairage public sobre", Profile.DRAFT)


def test_anonymous_visitors_are_sent_to_log_in(client, candidature):
    response = client.get(edit_url(candidature))

    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))


def test_a_candidature_that_may_not_have_a_profile_has_no_page(client, db):
    for candidature in (CandidatureFactory(status=Status.ELIGIBLE), laureate(consent_publication=False)):
        client.force_login(candidature.owner)
        assert client.get(edit_url(candidature)).status_code == 404
    assert not ProjectProfile.objects.exists()


def test_only_the_candidature_s_images_and_pdfs_are_offered_and_accepted(client, candidature, owner):
    photo = image_document(candidature, png(50, 50))
    slides = image_document(
        candidature,
        b"PK\x03\x04",
        "diapos.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    )
    elsewhere = image_document(laureate(), png(50, 50))
    client.force_login(owner)
    client.get(edit_url(candidature))
    profile = ProjectProfile.objects.get(candidature=candidature)

    offered = list(client.get(edit_url(candidature)).context["form"].fields["documents"].queryset)
    response = client.post(edit_url(candidature), {**form_data(profile), "documents": [elsewhere.pk], "action": "save"})

    assert offered == [photo]
    assert slides not in offered
    assert "documents" in response.context["form"].errors
    with pytest.raises(Refused):
        publication.save_profile(profile, {"documents": [elsewhere]}, owner)
    assert list(profile.documents.all()) == []


def test_the_profile_page_costs_the_same_with_one_or_many_documents(client, count_queries, candidature, owner):
    first = image_document(candidature, png(50, 50))
    client.force_login(owner)
    profile = publication.profile_for(candidature)
    publication.save_profile(profile, {"documents": [first]}, owner)
    one = count_queries(client, edit_url(candidature))

    chosen = [first, *(image_document(candidature, PDF, f"annexe-{n}.pdf", "application/pdf") for n in range(4))]
    publication.save_profile(profile, {"documents": chosen}, owner)

    assert count_queries(client, edit_url(candidature)) == one


# --- /mes-candidatures/ --------------------------------------------------------------------------


def test_the_card_of_a_laureate_links_to_its_profile_and_public_page(client, candidature, owner, reviewer):
    client.force_login(owner)
    before = text(client.get(reverse("label:my_candidatures")))
    published = published_project(candidature=candidature, organiser=reviewer)
    after = text(client.get(reverse("label:my_candidatures")))

    assert "Rédiger la fiche projet" in before
    assert "Modifier la fiche projet" in after
    assert "État : Publié" in after
    assert f'href="/projets/{published.slug}/"' in after


def test_my_candidatures_costs_the_same_with_one_or_many_profiles(client, count_queries, reviewer):
    owner = UserFactory()
    client.force_login(owner)
    published_project(candidature=laureate(owner=owner), organiser=reviewer)
    one = count_queries(client, reverse("label:my_candidatures"))

    for _ in range(4):
        published_project(candidature=laureate(owner=owner), organiser=reviewer)
    publication.profile_for(laureate(owner=owner))
    laureate(owner=owner, consent_publication=False)
    CandidatureFactory(owner=owner)

    assert count_queries(client, reverse("label:my_candidatures")) == one


# --- the organisers' admin -----------------------------------------------------------------------


@pytest.fixture
def submitted(candidature, owner):
    profile = publication.profile_for(candidature)
    publication.save_profile(profile, PROFILE_TEXTS, owner)
    publication.submit_for_review(profile, owner)
    return profile


def changelist():
    return reverse("admin:showcase_projectprofile_changelist")


def test_an_organiser_reads_the_profile_and_approves_it_from_its_page(organiser_client, submitted):
    page = organiser_client.get(reverse("admin:showcase_projectprofile_change", args=[submitted.pk]))
    assert page.status_code == 200
    assert "Approuver et publier" in text(page)
    assert "Renvoyer avec un commentaire" in text(page)

    response = organiser_client.post(
        changelist(), {"action": "approve_profiles", "_selected_action": [submitted.pk]}, follow=True
    )

    assert messages_of(response) == ["1 fiche publiée ; la collectivité est prévenue par courriel."]
    submitted.refresh_from_db()
    assert submitted.status == Profile.APPROVED
    assert fields_of(PublishedProject.objects.get()) == fields_of(submitted)


def test_an_organiser_returns_a_profile_with_the_comment_asked_on_a_page(organiser_client, submitted, owner):
    asked = organiser_client.post(changelist(), {"action": "return_profiles", "_selected_action": [submitted.pk]})
    assert asked.status_code == 200
    assert "Renvoyer avec un commentaire" in text(asked)
    submitted.refresh_from_db()
    assert submitted.status == Profile.SUBMITTED

    empty = organiser_client.post(
        changelist(), {"action": "return_profiles", "_selected_action": [submitted.pk], "reason": ""}
    )
    assert empty.context["form"].errors == {"reason": ["Ce champ est obligatoire."]}

    done = organiser_client.post(
        changelist(),
        {"action": "return_profiles", "_selected_action": [submitted.pk], "reason": "Ajoutez le coût annuel."},
        follow=True,
    )

    assert messages_of(done) == ["1 fiche renvoyée ; la collectivité reçoit votre commentaire par courriel."]
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == (Profile.RETURNED, "Ajoutez le coût annuel.")
    assert list(Notification.objects.filter(kind="showcase_profile_returned").values_list("recipient", flat=True)) == [
        owner.email
    ]


def test_a_batch_approval_publishes_what_it_may_and_names_the_candidatures_it_refused(
    organiser_client, submitted, reviewer
):
    draft = publication.profile_for(laureate(reference="LTI-2031-0042"))
    profiles = ProjectProfile.objects.filter(pk__in=[submitted.pk, draft.pk]).order_by("pk")

    outcome = publication.approve_many(profiles, reviewer)
    again = publication.approve_many(profiles, reviewer)

    refused = "Seule une fiche envoyée en relecture peut être publiée (celle-ci est « Brouillon »)."
    assert (outcome.done, outcome.refused) == ([submitted.candidature], [(draft.candidature, refused)])
    assert (again.done, again.refused) == ([], [(draft.candidature, refused)])
    response = organiser_client.post(
        changelist(), {"action": "approve_profiles", "_selected_action": [draft.pk]}, follow=True
    )
    assert messages_of(response) == [f"Refusé pour LTI-2031-0042 : {refused}"]


def test_a_batch_return_names_the_candidatures_it_refused(organiser_client, submitted, reviewer):
    draft = publication.profile_for(laureate(reference="LTI-2031-0043"))
    profiles = ProjectProfile.objects.filter(pk__in=[submitted.pk, draft.pk]).order_by("pk")

    outcome = publication.return_many(profiles, reviewer, "Ajoutez le coût annuel.")

    refused = "Seule une fiche envoyée en relecture peut être renvoyée (celle-ci est « Brouillon »)."
    assert (outcome.done, outcome.refused) == ([submitted.candidature], [(draft.candidature, refused)])


def test_the_lists_filter_and_link_to_the_public_page(organiser_client, submitted, reviewer):
    publication.approve(submitted, reviewer)
    published = PublishedProject.objects.get()

    profiles = organiser_client.get(changelist(), {"status__exact": "approved"})
    projects = organiser_client.get(reverse("admin:showcase_publishedproject_changelist"), {"year": 2031})

    assert list(profiles.context["cl"].result_list) == [submitted]
    assert list(projects.context["cl"].result_list) == [published]
    assert f'href="/projets/{published.slug}/"' in text(projects)


def test_the_admin_lists_cost_the_same_with_one_or_many_rows(organiser_client, count_queries, reviewer):
    published_project(organiser=reviewer)
    publication.profile_for(laureate())
    urls = [changelist(), reverse("admin:showcase_publishedproject_changelist")]
    one = [count_queries(organiser_client, url) for url in urls]

    for _ in range(4):
        published_project(organiser=reviewer, candidature__theme=Theme.objects.get(slug="donnees"))
        publication.profile_for(laureate())

    assert [count_queries(organiser_client, url) for url in urls] == one


def test_nobody_edits_or_deletes_profiles_in_the_admin_and_candidates_do_not_get_in(
    client, organiser_client, submitted
):
    change = reverse("admin:showcase_projectprofile_change", args=[submitted.pk])
    posted = organiser_client.post(change, {**form_data(submitted), "title": "Changé par l'équipe"})
    assert posted.status_code == 403
    assert organiser_client.get(reverse("admin:showcase_projectprofile_delete", args=[submitted.pk])).status_code == 403

    client.force_login(submitted.candidature.owner)
    assert client.get(changelist()).status_code == 302
    submitted.refresh_from_db()
    assert submitted.title == "Éclairage public sobre"


def test_approval_dates_are_the_ones_given(candidature, owner, reviewer):
    profile = publication.profile_for(candidature)
    publication.save_profile(profile, PROFILE_TEXTS, owner)
    at = datetime(2031, 9, 21, 9, 30, tzinfo=PARIS)
    publication.submit_for_review(profile, owner, now=at)
    publication.approve(profile, reviewer, now=at)

    assert (profile.submitted_at, profile.reviewed_at, PublishedProject.objects.get().published_at) == (at, at, at)
