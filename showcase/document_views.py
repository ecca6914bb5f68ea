"""The files of public projects: the documents their owners chose to publish, and their images' thumbnails.

Only what a public project shows is served: a document among its ``PublishedProject.documents``, a thumbnail
of one of them, and only while its candidature keeps the publication consent. Anything else is not found.
"""

import hashlib
import re
import uuid

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from events.storage import public_storage

from . import thumbnails
from .models import PublishedProject

THUMBNAIL_NAME = re.compile(r"^(?P<document>[0-9a-f]{32})-[0-9]+\.(?P<extension>png|jpg)$")
THUMBNAIL_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


@require_GET
def document(request, slug, document):
    project = get_object_or_404(PublishedProject.objects.public().only("pk"), slug=slug)
    chosen = get_object_or_404(project.documents.all(), pk=document)
    response = FileResponse(
        chosen.file.open("rb"), as_attachment=True, filename=chosen.safe_name, content_type=chosen.content_type
    )
    # A consent withdrawn takes the file off at once: caches ask again before reusing it.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def thumbnail(request, candidature, name):
    """A thumbnail of a document its public project still shows, in development (in production the web server
    may serve /medias/ itself); answered 304 when the browser's copy is still the one stored."""
    matched = THUMBNAIL_NAME.match(name)
    if matched is None or not _still_shown(candidature, matched["document"]):
        raise Http404
    path = f"{thumbnails.folder(candidature)}/{name}"
    storage = public_storage()
    if not storage.exists(path):
        raise Http404
    etag, last_modified = _validators(storage, path)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        content_type = THUMBNAIL_TYPES[matched["extension"]]
        response = FileResponse(storage.open(path, "rb"), content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # As the documents: a consent withdrawn takes the image off at once, so caches ask again before each use.
    response["Cache-Control"] = "no-cache"
    return response


def _still_shown(candidature_id, document_hex):
    """Whether the public project of the candidature still publishes the document."""
    return (
        PublishedProject.objects.public()
        .filter(candidature_id=candidature_id, documents__pk=uuid.UUID(hex=document_hex))
        .exists()
    )


def _validators(storage, path):
    """(ETag, Last-Modified as a timestamp) of a stored thumbnail: its name is never reused for other content,
    so its name and the time it was written tell it apart."""
    written = int(storage.get_modified_time(path).timestamp())
    digest = hashlib.sha256(f"{path}:{written}".encode()).hexdigest()[:32]
    return f'"{digest}"', written
