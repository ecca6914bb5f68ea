"""Smaller copies of a published project's images, in public media storage: made once, when an organiser
approves the profile (never while a visitor waits), removed when the project leaves the public pages.

Each image (PNG or JPEG, as sniffed at upload) gets one copy per width of ``WIDTHS``: 480 px for the pages,
1200 px for link previews (Open Graph); never enlarged. A copy is the image drawn again: its metadata (the
camera, the place a photo was taken) stays behind. Copies live in a folder per candidature,
``projets/<candidature id>/<document id>-<width>.<png|jpg>``, so that all of a project's go at once.
"""

import io
import logging
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from events.storage import public_storage

logger = logging.getLogger(__name__)

WIDTHS = (480, 1200)
FOLDER = "projets"
# Sniffed type -> (Pillow's format, extension).
FORMATS = {"image/png": ("PNG", "png"), "image/jpeg": ("JPEG", "jpg")}
JPEG_QUALITY = 85


def is_image(document):
    return document.content_type in FORMATS


def folder(candidature_id):
    return f"{FOLDER}/{candidature_id}"


def name(document, width):
    """Where the ``width`` copy of ``document`` is stored (reads no row)."""
    extension = FORMATS[document.content_type][1]
    return f"{folder(document.candidature_id)}/{document.pk.hex}-{width}.{extension}"


def thumbnail_url(document, width=WIDTHS[0]):
    """The public address of the ``width`` copy of an image ``document`` of a published project, else None."""
    if not is_image(document) or width not in WIDTHS:
        return None
    return public_storage().url(name(document, width))


def _resized(image, width):
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _encoded(image, pillow_format):
    if pillow_format == "JPEG":
        image = image.convert("RGB")
        options = {"quality": JPEG_QUALITY, "optimize": True, "progressive": True}
    else:
        image = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
        options = {"optimize": True}
    buffer = io.BytesIO()
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()


def make(document):
    """The copies of ``document`` still missing (a document's file never changes); the names written."""
    storage = public_storage()
    wanted = [width for width in WIDTHS if not storage.exists(name(document, width))]
    if not wanted or not is_image(document):
        return []
    pillow_format = FORMATS[document.content_type][0]
    written = []
    try:
        # An image announcing more pixels than Pillow's bound is refused rather than decoded (a "bomb").
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with document.file.open("rb") as source, Image.open(source) as image:
                image.draft("RGB", (max(wanted), max(wanted)))
                upright = ImageOps.exif_transpose(image)
                for width in wanted:
                    content = _encoded(_resized(upright, width), pillow_format)
                    written.append(storage.save(name(document, width), ContentFile(content)))
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, ValueError):
        # The page shows the document's link without a picture; the approval itself stands.
        logger.warning("No thumbnail for document %s: its image cannot be read.", document.pk, exc_info=True)
    return written


def publish(published):
    """The copies of ``published``'s images made, those of documents it no longer shows removed."""
    kept = set()
    for document in published.documents.all():
        if is_image(document):
            make(document)
            kept.update(name(document, width) for width in WIDTHS)
    _remove(published.candidature_id, keep=kept)


def remove(candidature_id):
    """Every copy of the candidature's project (it left the public pages)."""
    _remove(candidature_id, keep=())


def _remove(candidature_id, keep):
    storage = public_storage()
    try:
        _folders, files = storage.listdir(folder(candidature_id))
    except FileNotFoundError:
        return
    for file_name in files:
        path = f"{folder(candidature_id)}/{file_name}"
        if path not in keep:
            storage.delete(path)
