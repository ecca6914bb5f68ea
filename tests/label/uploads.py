"""Small real files of each kind, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def docx():
    return _zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")])


def odt():
    return _zip([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document/>")])


def upload(name, content, declared="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=declared)
