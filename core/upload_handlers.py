"""Uploads cut off at ``DOCUMENT_MAX_BYTES`` while they stream, before the bytes past the limit reach memory or disk.

``SizeLimitHandler`` sits first in ``FILE_UPLOAD_HANDLERS``: it hands each file's chunks on to Django's handlers
while the file is within the limit. From the first chunk past it, the handlers behind it receive nothing more and
the part they hold is thrown away; the rest of the file is read and dropped, so the fields after it still arrive
and the person gets the form back. The file is replaced in ``request.FILES`` by an ``OversizedUpload``, which a
``LimitedFileField`` turns into the message at the field (any other file field finds no size and refuses it too).
"""

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.utils.translation import gettext as _

from .uploads import clean_name


class OversizedUpload:
    """Stands for a file refused for its size: its name and the bytes sent, no content."""

    def __init__(self, name, received):
        self.name = name
        self.received = received

    def close(self):
        """Nothing to free: the request closes every entry of ``request.FILES``."""


def too_big_message(name):
    return _("Le fichier « %(name)s » dépasse la taille maximale de %(max)d Mo.") % {
        "name": name,
        "max": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
    }


class SizeLimitHandler(FileUploadHandler):
    """Passes a file on to the next handlers while it is within ``DOCUMENT_MAX_BYTES``, then stops it."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.DOCUMENT_MAX_BYTES
        self.request_length = None
        self.over = False
        self.held_before = []

    def _others(self):
        handlers = self.request.upload_handlers
        return handlers[handlers.index(self) + 1 :]

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        # Past the limit and the margin left for other fields, the request carries a file too big (forms take one).
        self.over = (self.request_length or 0) > self.limit + settings.DOCUMENT_REQUEST_MARGIN or (
            content_length is not None and content_length > self.limit
        )
        if self.over:
            raise StopFutureHandlers
        self.held_before = [getattr(handler, "file", None) for handler in self._others()]

    def receive_data_chunk(self, raw_data, start):
        if self.over:
            return None
        if start + len(raw_data) > self.limit:
            self.over = True
            self._discard_what_others_hold()
            return None
        return raw_data

    def _discard_what_others_hold(self):
        # A handler that opened a file for this upload holds another object than before it began.
        for handler, before in zip(self._others(), self.held_before, strict=True):
            held = getattr(handler, "file", None)
            if held is not None and held is not before:
                held.close()

    def file_complete(self, file_size):
        if self.over:
            return OversizedUpload(self.file_name, file_size)
        return None


class LimitedFileField(forms.FileField):
    """A file field that says, at the field, that a file was refused for its size."""

    def to_python(self, data):
        if isinstance(data, OversizedUpload):
            raise forms.ValidationError(too_big_message(clean_name(data.name)), code="too_big")
        return super().to_python(data)
