"""Files on an S3-compatible bucket: moto's server on loopback answers real S3 requests, nothing is mocked.

Candidates' documents and archives go to the bucket's private/ prefix, never readable without credentials, and are
served only by the site's views after their permission check; public images go to public/ and keep their /medias/
addresses. Deletions (a document removed, a consent withdrawn, the retention purge) remove the objects; the command
that moves a folder's files into the bucket verifies them by count and checksum.
"""

import hashlib
import io
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from core import storage
from events.models import Partner
from label import consents
from label.models import Candidature, Document, Status
from privacy import export, retention
from privacy.models import DataExport
from showcase import thumbnails
from tests.conftest import text
from tests.events.factories import EventFactory, PartnerFactory
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory
from tests.label.uploads import PDF, upload
from tests.privacy.factories import document_for, edition_closed_at
from tests.showcase.factories import image_document, laureate, published_project

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
EVERYONE = "http://acs.amazonaws.com/groups/global/AllUsers"


def png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def local_files(folder):
    return sorted(str(path.relative_to(folder)) for path in Path(folder).rglob("*") if path.is_file())


def anonymous_get(bucket, key):
    """The object's bucket address asked without credentials, as a browser given the link would."""
    try:
        with urllib.request.urlopen(f"{bucket.endpoint}/{bucket.name}/{key}", timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def edition():
    edition = EditionFactory(slug="2030", year=2030)
    CriterionFactory(edition=edition)
    return edition


# --- documents: upload, download after the check, deletion ------------------------------------------------------


def test_an_uploaded_document_goes_to_the_bucket_private_and_is_served_only_after_the_check(
    client, edition, bucket, organiser, settings
):
    candidature = CandidatureFactory(edition=edition)
    before = local_files(settings.PRIVATE_STORAGE_ROOT)
    client.force_login(candidature.owner)

    response = client.post(
        reverse("label:step", kwargs={"edition": edition.slug, "step": "documents"}),
        {"kind": "annex", "file": upload("budget.pdf", PDF), "action": "upload"},
    )

    assert response.status_code == 302
    document = Document.objects.get()
    key = f"private/{document.file.name}"
    assert bucket.keys() == [key]
    assert bucket.read(key) == PDF
    assert local_files(settings.PRIVATE_STORAGE_ROOT) == before
    # Only the bucket's owner may read it: no grant to everyone, and an anonymous GET is refused by the bucket.
    assert [grant["Grantee"].get("URI") for grant in bucket.acl_grants(key)] == [None]
    assert anonymous_get(bucket, key) == 403

    url = reverse("label:download", kwargs={"pk": document.pk})
    answer = client.get(url)
    assert (answer.status_code, answer["Content-Disposition"], answer["Cache-Control"]) == (
        200,
        'attachment; filename="budget.pdf"',
        "private, no-store",
    )
    assert b"".join(answer.streaming_content) == PDF

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302

    client.force_login(organiser)
    assert b"".join(client.get(url).streaming_content) == PDF


def test_a_document_removed_by_its_candidate_leaves_the_bucket(
    client, edition, bucket, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(edition=edition)
    kept = document_for(candidature, name="garde.pdf")
    removed = document_for(candidature, content=PDF + b"%autre", name="retire.pdf")
    client.force_login(candidature.owner)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("label:delete_document", kwargs={"pk": removed.pk}))

    assert bucket.keys() == [f"private/{kept.file.name}"]


def test_the_retention_purge_deletes_the_documents_of_closed_editions_from_the_bucket(
    clock, bucket, django_capture_on_commit_callbacks
):
    closed = datetime(2020, 6, 20, tzinfo=PARIS)
    clock.set(closed + timedelta(days=5))
    edition = edition_closed_at(closed, year=2020, slug="2020-hdf")
    not_retained = CandidatureFactory(edition=edition, status=Status.NOT_RETAINED, reference="LTI-2020-0001")
    draft = CandidatureFactory(edition=edition)
    names = [document_for(candidature).file.name for candidature in (not_retained, draft)]
    newer = CandidatureFactory(edition=edition_closed_at(datetime(2021, 6, 20, tzinfo=PARIS), year=2021))
    kept = document_for(newer).file.name
    assert bucket.keys() == sorted(f"private/{name}" for name in [*names, kept])

    clock.set(closed + timedelta(days=5 * 366))
    with django_capture_on_commit_callbacks(execute=True):
        report = retention.purge()

    assert report.documents == 2
    assert not Candidature.objects.filter(pk__in=[not_retained.pk, draft.pk]).exists()
    assert bucket.keys() == [f"private/{kept}"]


# --- personal data archives ----------------------------------------------------------------------------------------


def test_a_personal_data_archive_is_built_into_the_bucket_and_downloaded_by_its_person_only(client, bucket):
    person = UserFactory()
    data_export = DataExport.objects.create(person=person)
    assert export.build(data_export.pk) == DataExport.Status.READY
    data_export.refresh_from_db()
    key = f"private/{data_export.file.name}"
    assert bucket.keys() == [key]
    assert anonymous_get(bucket, key) == 403

    url = reverse("privacy:archive", args=[data_export.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(person)
    answer = client.get(url)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == bucket.read(key)


# --- public images: thumbnails and logos under /medias/ --------------------------------------------------------


def test_thumbnails_are_made_in_the_bucket_served_under_medias_and_removed_when_consent_is_withdrawn(
    client, bucket, organiser, django_capture_on_commit_callbacks
):
    candidature = laureate()
    photo = image_document(candidature, png(1000, 500))
    with django_capture_on_commit_callbacks(execute=True):
        published_project(candidature=candidature, organiser=organiser, documents=[photo])
    folder = f"public/{thumbnails.folder(candidature.pk)}"
    assert bucket.keys(folder) == [f"{folder}/{photo.pk.hex}-1200.png", f"{folder}/{photo.pk.hex}-480.png"]
    assert anonymous_get(bucket, f"{folder}/{photo.pk.hex}-480.png") == 403

    url = thumbnails.thumbnail_url(photo, 480)
    assert url == f"/medias/projets/{candidature.pk}/{photo.pk.hex}-480.png"
    answer = client.get(url)
    assert (answer.status_code, answer["Content-Type"]) == (200, "image/png")
    assert Image.open(io.BytesIO(b"".join(answer.streaming_content))).size == (480, 240)
    page = client.get(reverse("showcase:project", args=[candidature.published_project.slug]))
    assert url in text(page)

    with django_capture_on_commit_callbacks(execute=True):
        assert consents.withdraw_publication(candidature, candidature.owner) is True

    assert bucket.keys(folder) == []
    assert client.get(url).status_code == 404
    # The candidate's own file stays in the private part: only its public copies went.
    assert bucket.keys("private/") == [f"private/{photo.file.name}"]


def test_a_partner_s_logo_is_stored_in_the_bucket_and_shown_from_the_site(client, bucket):
    partner = PartnerFactory()
    partner.logo.save("logo.png", ContentFile(png(40, 20)))
    event = EventFactory()
    event.partnerships.create(partner=partner)
    assert bucket.keys("public/") == [f"public/{partner.logo.name}"]

    assert partner.logo.url == f"/medias/{partner.logo.name}"
    assert partner.logo.url in text(client.get(reverse("events:detail", args=[event.slug])))
    answer = client.get(partner.logo.url)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == png(40, 20)
    assert Partner.objects.get().logo.storage.exists(partner.logo.name)


# --- moving a folder's files into the bucket ---------------------------------------------------------------------


@pytest.fixture
def local_folders(tmp_path, settings):
    """Files as a single-node site left them in its two folders."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.PUBLIC_MEDIA_ROOT = tmp_path / "media"
    files = {
        "private": {f"documents/{index:032x}": f"dossier {index}".encode() * 1000 for index in range(3)},
        "public": {"logos/partenaire.png": png(30, 30), "projets/7/photo-480.png": png(480, 240)},
    }
    files["private"]["exports/2031/archive.zip"] = b"PK\x05\x06" + bytes(18)
    for alias, folder in (("private", settings.PRIVATE_STORAGE_ROOT), ("public", settings.PUBLIC_MEDIA_ROOT)):
        for name, content in files[alias].items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
    return files


def sha256(content):
    return hashlib.sha256(content).hexdigest()


def test_the_move_command_copies_every_file_verifies_it_and_can_run_again(bucket, local_folders, settings):
    output = io.StringIO()
    call_command("move_files_to_bucket", stdout=output)

    for alias, files in local_folders.items():
        assert bucket.keys(f"{alias}/") == sorted(f"{alias}/{name}" for name in files)
        assert {name: sha256(bucket.read(f"{alias}/{name}")) for name in files} == {
            name: sha256(content) for name, content in files.items()
        }
        assert storage.checksum(storage.storage(alias), next(iter(files))) == sha256(next(iter(files.values())))
    lines = output.getvalue().splitlines()
    assert lines[0].endswith("4 fichier(s), 4 copié(s), 0 déjà présent(s), 4 vérifié(s), 0 supprimé(s) en local.")
    assert lines[1].endswith("2 fichier(s), 2 copié(s), 0 déjà présent(s), 2 vérifié(s), 0 supprimé(s) en local.")
    assert lines[2] == "Tous les fichiers sont dans le bucket, nombre et empreintes vérifiés."
    # The local files stay until asked otherwise.
    assert len(local_files(settings.PRIVATE_STORAGE_ROOT)) == 4

    # Interrupted half-way: an object holds other bytes. The next run copies that one only, and verifies all.
    bucket.client.put_object(Bucket=bucket.name, Key="private/documents/" + f"{1:032x}", Body=b"tronque")
    again = storage.move_to_bucket("private", settings.PRIVATE_STORAGE_ROOT)
    assert (again.files, again.copied, again.already_there, again.verified, again.mismatched) == (4, 1, 3, 4, [])
    assert bucket.read("private/documents/" + f"{1:032x}") == local_folders["private"][f"documents/{1:032x}"]


def test_the_local_files_are_deleted_only_once_all_are_verified(bucket, local_folders, settings, monkeypatch):
    real_checksum = storage.checksum

    def bucket_corrupts_one(store, name):
        digest = real_checksum(store, name)
        return "0" * 64 if store is storage.storage("public") and name == "logos/partenaire.png" else digest

    monkeypatch.setattr(storage, "checksum", bucket_corrupts_one)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="pas identiques"):
        call_command("move_files_to_bucket", "--delete-local", stdout=io.StringIO(), stderr=errors)
    assert "logos/partenaire.png" in errors.getvalue()
    # The private folder verified entirely was emptied; the public one, with a mismatch, kept everything.
    assert local_files(settings.PRIVATE_STORAGE_ROOT) == []
    assert local_files(settings.PUBLIC_MEDIA_ROOT) == ["logos/partenaire.png", "projets/7/photo-480.png"]

    monkeypatch.undo()
    call_command("move_files_to_bucket", "--delete-local", stdout=io.StringIO())
    assert local_files(settings.PUBLIC_MEDIA_ROOT) == []
    assert bucket.keys("public/") == ["public/logos/partenaire.png", "public/projets/7/photo-480.png"]


def test_the_move_command_refuses_without_a_bucket(local_folders):
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME"):
        call_command("move_files_to_bucket", stdout=io.StringIO())
