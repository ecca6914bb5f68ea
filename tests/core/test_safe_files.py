"""Safe files: named after the type their bytes show, no PDF that is also a page, no zip bomb, no oversized upload.

Through the documents step of a candidature, as a candidate uploads, and the download as anyone allowed reads it.
"""

import importlib
import io
import os
import zipfile

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler
from django.test import override_settings
from django.urls import reverse

from core import uploads
from label import services
from label.models import Document
from tests.label.factories import CandidatureFactory
from tests.label.uploads import PDF, docx, upload

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEGABYTE = 1024 * 1024


@pytest.fixture
def candidature():
    return CandidatureFactory()


@pytest.fixture
def candidate(client, candidature):
    client.force_login(candidature.owner)
    return client


def post_document(client, candidature, file, kind="annex"):
    url = reverse("label:step", kwargs={"edition": candidature.edition.slug, "step": "documents"})
    return client.post(url, {"kind": kind, "file": file, "action": "upload"})


def download(client, document):
    return client.get(reverse("label:download", kwargs={"pk": document.pk}))


def refusal(response):
    assert response.status_code == 200
    return response.context["form"].errors["file"]


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, served",
    [
        ("dossier.html", PDF, "dossier.pdf"),
        ("h5-nul.pdf\0.html", PDF, "h5-nul.pdf.pdf"),
        ("facture\u202egpj.exe", PDF, "facturegpj.pdf"),
        ("note.pdf", docx(), "note.docx"),
        ("Budget 2030.PDF", PDF, "Budget 2030.pdf"),
    ],
)
def test_an_upload_is_kept_and_served_under_its_cleaned_stem_and_the_extension_of_its_bytes(
    candidate, candidature, name, content, served
):
    response = post_document(candidate, candidature, upload(name, content, "text/html"))

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == served
    response = download(candidate, document)
    assert response["Content-Disposition"] == f'attachment; filename="{served}"'
    assert b"".join(response.streaming_content) == content


def test_names_handed_to_the_service_lose_controls_bidi_and_path_characters(candidature):
    name = '..\\..\\Rapport\t final\u202e\u200b\0 : "v2" \u2066*?<>|.exe'

    document = services.add_document(candidature, upload(name, PDF), "annex", candidature.owner)

    assert document.original_name == "Rapport final v2.pdf"


def test_a_row_kept_before_names_were_cleaned_is_served_under_a_safe_name(candidate, candidature):
    document = Document(
        candidature=candidature, original_name="rapport\u202efdp.exe", size=len(PDF), content_type="application/pdf"
    )
    document.file.save("upload", ContentFile(PDF), save=False)
    document.save()

    response = download(candidate, document)

    assert response["Content-Disposition"] == 'attachment; filename="rapportfdp.pdf"'


def test_the_migration_gives_rows_kept_before_the_name_they_are_served_under(candidature):
    stored = (("budget.pdf", "application/pdf"), ("photo\u202egnp.html", "image/png"))
    kept = [
        Document.objects.create(candidature=candidature, original_name=name, size=1, content_type=kind, file="x")
        for name, kind in stored
    ]
    migration = importlib.import_module("label.migrations.0003_document_safe_names")

    migration.clean_names(apps, None)

    assert [Document.objects.get(pk=document.pk).original_name for document in kept] == ["budget.pdf", "photognp.png"]


@pytest.mark.parametrize(
    "name, content_type, expected",
    [
        ("budget.pdf", "application/pdf", "budget.pdf"),
        ("  espaces   \n  et\tlignes .pdf", "application/pdf", "espaces et lignes.pdf"),
        (".htaccess", "application/pdf", "htaccess.pdf"),
        ("\u202e\0", "image/png", "document.png"),
        ("rapport v1.2", "application/pdf", "rapport v1.pdf"),
        ("a" * 300 + ".docx", DOCX, "a" * 100 + ".docx"),
        ("e\u0301te\u0301.jpeg", "image/jpeg", "\u00e9t\u00e9.jpg"),
    ],
)
def test_safe_names(name, content_type, expected):
    assert uploads.safe_name(name, content_type) == expected
    assert uploads.safe_name(expected, content_type) == expected


# --- a PDF that is also a page -------------------------------------------------------

POLYGLOT_MESSAGE = (
    "Le fichier « dossier.pdf » contient aussi une page web, ce qu'un PDF ne doit pas contenir. "
    "Enregistrez-le à nouveau en PDF depuis votre logiciel (« Exporter en PDF » ou « Imprimer en PDF »), "
    "puis joignez ce nouveau fichier."
)


def outcome(response):
    """The word "kept", or the messages at the file field."""
    return "kept" if response.status_code == 302 else response.context["form"].errors["file"]


def test_only_pdfs_holding_a_page_in_their_first_64_kib_are_refused_at_the_field(candidate, candidature):
    pages = [
        b"<html><body><p>Bonjour</p></body></html>",
        b"<!DOCTYPE HTML>\n<title>x</title>",
        b"<SCRIPT>alert(document.cookie)</SCRIPT>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<iframe src="https://evil.example">',
        b"\n%" + b"0" * (60 * 1024) + b"<body onload=alert(1)>",
        # Hex strings, dictionaries and XMP metadata are a PDF's own angle brackets.
        b"<4e6f> <a b c> <</Length 12>>\n<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF/></x:xmpmeta>\n",
    ]

    outcomes = [outcome(post_document(candidate, candidature, upload("dossier.pdf", PDF + page))) for page in pages]

    assert outcomes == [[POLYGLOT_MESSAGE]] * 6 + ["kept"]
    assert list(Document.objects.values_list("original_name", flat=True)) == ["dossier.pdf"]


# --- zip bombs -----------------------------------------------------------------------

BOMB_MESSAGE = (
    "Le fichier « rapport.docx » se décompresse en un volume anormal pour un document (trop de données "
    "ou trop d'éléments). Enregistrez-le à nouveau depuis votre logiciel, ou exportez-le en PDF, "
    "puis joignez ce nouveau fichier."
)


def docx_with(document_bytes=0, filler=bytes(MEGABYTE), members=0):
    """A DOCX whose body is ``document_bytes`` of ``filler`` (zeros by default), written a chunk at a time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            written = 0
            while written < document_bytes:
                chunk = filler[: document_bytes - written]
                member.write(chunk)
                written += len(chunk)
        for index in range(members):
            archive.writestr(f"word/media/image{index}.png", b"")
    return buffer.getvalue()


def test_archives_over_the_bounds_are_refused_at_the_field_from_their_directory(candidate, candidature):
    archives = [
        docx_with(200 * MEGABYTE),  # over 100 MiB in all
        docx_with(5 * MEGABYTE),  # a ratio near 200
        docx_with(members=9_999),  # 10,001 members
        docx_with(2 * MEGABYTE, filler=os.urandom(MEGABYTE // 2).hex().encode()),  # text-like, a ratio near 2
        docx_with(MEGABYTE - 1024),  # any ratio under 1 MiB
        docx_with(members=9_998),  # 10,000 members
    ]
    assert max(len(content) for content in archives) < settings.DOCUMENT_MAX_BYTES

    outcomes = [
        outcome(post_document(candidate, candidature, upload("rapport.docx", content, DOCX))) for content in archives
    ]

    assert outcomes == [[BOMB_MESSAGE]] * 3 + ["kept"] * 3


# --- uploads over the limit ----------------------------------------------------------


class PassedOn(FileUploadHandler):
    """Counts on the request the bytes handed on to Django's own handlers (memory, then a temporary file)."""

    def receive_data_chunk(self, raw_data, start):
        self.request.passed_on = getattr(self.request, "passed_on", 0) + len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


class TemporaryFiles(TemporaryFileUploadHandler):
    """Django's temporary file handler, keeping on the request the files it opens."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.request.temporary_files = [*getattr(self.request, "temporary_files", []), self.file]


@pytest.fixture
def counted():
    django_handlers = "django.core.files.uploadhandler"
    handlers = list(settings.FILE_UPLOAD_HANDLERS)
    handlers.insert(handlers.index(f"{django_handlers}.MemoryFileUploadHandler"), f"{__name__}.PassedOn")
    handlers[handlers.index(f"{django_handlers}.TemporaryFileUploadHandler")] = f"{__name__}.TemporaryFiles"
    with override_settings(FILE_UPLOAD_HANDLERS=handlers):
        yield


LIMIT = settings.DOCUMENT_MAX_BYTES
TOO_BIG = "Le fichier « gros.pdf » dépasse la taille maximale de 10 Mo."


def passed_on(response):
    return getattr(response.wsgi_request, "passed_on", 0)


@pytest.mark.parametrize("size", [LIMIT + 1, LIMIT + 256 * 1024])
def test_an_upload_over_the_limit_is_cut_off_before_its_bytes_reach_a_file(counted, candidate, candidature, size):
    content = PDF + bytes(size - len(PDF))

    response = post_document(candidate, candidature, upload("gros\u202e.pdf", content), kind="letter")

    assert outcome(response) == [TOO_BIG]
    assert response.context["form"]["kind"].value() == "letter"
    assert response.wsgi_request.POST["action"] == "upload"
    assert passed_on(response) <= LIMIT
    # What the temporary file received is already gone, before the view ran.
    assert [
        (file.closed, os.path.exists(file.temporary_file_path())) for file in response.wsgi_request.temporary_files
    ] == [(True, False)]
    assert Document.objects.count() == 0


def test_a_request_longer_than_the_limit_and_its_margin_hands_on_nothing(counted, candidate, candidature):
    seen = []
    for size in (LIMIT, 12 * MEGABYTE):
        response = post_document(candidate, candidature, SimpleUploadedFile("gros.pdf", PDF + bytes(size - len(PDF))))
        seen.append((outcome(response), passed_on(response)))

    assert seen == [("kept", LIMIT), ([TOO_BIG], 0)]
    assert Document.objects.get().size == LIMIT
