"""The files of public projects: the documents a laureate chose to publish, and their images' thumbnails.

Only what a public project shows is served: a document among its ``PublishedProject.documents``, a thumbnail
of its folder, and only while its candidature keeps the publication consent. Anything else is not found.
"""

import re

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from events.storage import public_storage

from . import thumbnails
from .models import PublishedProject

THUMBNAIL_NAME = re.compile(r"^[0-9a-f]{32}-[0-9]+\.(png|jpg)$")
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
    """A thumbnail, in development (in production the web server may serve /medias/ itself)."""
    if (
        not THUMBNAIL_NAME.match(name)
        or not PublishedProject.objects.public().filter(candidature_id=candidature).exists()
    ):
        raise Http404
    path = f"{thumbnails.folder(candidature)}/{name}"
    storage = public_storage()
    if not storage.exists(path):
        raise Http404
    response = FileResponse(storage.open(path, "rb"), content_type=THUMBNAIL_TYPES[name.rsplit(".", 1)[1]])
    # As the documents: a consent withdrawn takes the image off at once, caches ask again first.
    response["Cache-Control"] = "no-cache"
    return response
