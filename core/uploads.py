"""Uploaded files judged by their bytes, never by their name or the type the browser declares."""

import zipfile

import filetype

# Office documents are zip archives: the member that tells each kind apart.
ZIP_MEMBERS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt/presentation.xml",
}


def _zip_type(uploaded, head):
    try:
        with zipfile.ZipFile(uploaded) as archive:
            if b"mimetype" in head[:80]:
                # OpenDocument: the first member, stored uncompressed, names the type.
                return archive.read("mimetype").decode("ascii", "replace").strip()
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
        if head.startswith(b"PK\x03\x04"):
            kind = _zip_type(uploaded, head)
        else:
            guess = filetype.guess(head)
            kind = guess.mime if guess else None
    finally:
        uploaded.seek(0)
    return kind if kind in accepted else None
