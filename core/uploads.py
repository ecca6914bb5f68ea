"""Uploaded files judged by their bytes, never by their name or the type the browser declares."""

import re
import unicodedata
import zipfile

import filetype
from django.conf import settings

ZIP_SIGNATURE = b"PK\x03\x04"
# Office documents are zip archives: the member that tells each kind apart.
ZIP_MEMBERS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt/presentation.xml",
}
# The extension a file is served with, from the type read in its bytes.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
STEM_MAX_LENGTH = 100
# Separators of paths and the characters Windows refuses in a file name.
PATH_CHARACTERS = str.maketrans("", "", '/\\:*?"<>|')
# Controls (NUL…), formats (bidi overrides such as U+202E, zero widths), surrogates, private use, unassigned.
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# A browser decides within the first few hundred bytes whether a file is a page; 64 KiB leaves a wide margin.
HTML_SCAN_BYTES = 64 * 1024
HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed)[\s/>]", re.IGNORECASE)


def _zip_type(uploaded, head):
    try:
        with zipfile.ZipFile(uploaded) as archive:
            if b"mimetype" in head[:80]:
                # OpenDocument: the first member, stored uncompressed, names the type; read no more than that.
                with archive.open("mimetype") as member:
                    return member.read(200).decode("ascii", "replace").strip()
            names = set(archive.namelist())
            return next((mime for mime, member in ZIP_MEMBERS.items() if member in names), None)
    except (zipfile.BadZipFile, KeyError, OSError):
        return None


def looks_like_svg(head):
    start = head[:1024].lstrip().lower()
    return start.startswith(b"<svg") or (start.startswith(b"<?xml") and b"<svg" in start)


def sniff(uploaded, accepted):
    """The content type of ``uploaded`` read from its bytes when it is one of ``accepted``, else None."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    try:
        if head.startswith(ZIP_SIGNATURE):
            kind = _zip_type(uploaded, head)
        else:
            guess = filetype.guess(head)
            kind = guess.mime if guess else None
    finally:
        uploaded.seek(0)
    return kind if kind in accepted else None


def holds_html(uploaded):
    """Whether the first ``HTML_SCAN_BYTES`` of ``uploaded`` hold an HTML tag: a file a browser could open as a page."""
    uploaded.seek(0)
    try:
        return HTML_TAG.search(uploaded.read(HTML_SCAN_BYTES)) is not None
    finally:
        uploaded.seek(0)


def oversized_archive(uploaded):
    """Whether a zip archive declares more than the settings allow (``DOCUMENT_ARCHIVE_*``).

    Only the central directory is read, never a member inflated; an archive that cannot be read counts as oversized.
    """
    uploaded.seek(0)
    try:
        if uploaded.read(len(ZIP_SIGNATURE)) != ZIP_SIGNATURE:
            return False
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return True
    finally:
        uploaded.seek(0)
    if len(members) > settings.DOCUMENT_ARCHIVE_MAX_MEMBERS:
        return True
    inflated = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members)
    return inflated > settings.DOCUMENT_ARCHIVE_MAX_BYTES or (
        inflated > settings.DOCUMENT_ARCHIVE_RATIO_FROM_BYTES
        and inflated > settings.DOCUMENT_ARCHIVE_MAX_RATIO * compressed
    )


def clean_name(name):
    """``name`` as a person may read it anywhere: no control, bidi or path character, spaces collapsed."""
    name = unicodedata.normalize("NFC", name)
    # Tabs, line breaks and other spaces become one plain space, before the controls among them are removed.
    name = "".join(" " if character.isspace() else character for character in name)
    name = "".join(character for character in name if unicodedata.category(character) not in REMOVED_CATEGORIES)
    return " ".join(name.translate(PATH_CHARACTERS).split()).strip(" .")


def extension(content_type):
    if content_type in EXTENSIONS:
        return EXTENSIONS[content_type]
    known = filetype.get_type(mime=content_type)
    return known.extension if known else "bin"


def safe_name(name, content_type):
    """The name a file is kept and served under: the cleaned stem of ``name`` and the extension of ``content_type``.

    The name's own last extension is dropped, whatever it says: ``dossier.html`` holding a PDF becomes ``dossier.pdf``.
    """
    stem = clean_name(name)
    base, dot, suffix = stem.rpartition(".")
    if dot and base and suffix.isascii() and suffix.isalnum() and len(suffix) <= 10:
        stem = base
    stem = stem[:STEM_MAX_LENGTH].rstrip(" .") or "document"
    return f"{stem}.{extension(content_type)}"
