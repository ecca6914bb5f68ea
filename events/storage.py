from django.conf import settings
from django.core.files.storage import FileSystemStorage

# Partners' logos: public files, served under /medias/ (by the web server in production).
_public_storage = FileSystemStorage(location=settings.PUBLIC_MEDIA_ROOT, base_url=settings.MEDIA_URL)


def public_storage():
    """A callable, so that migrations name it instead of freezing this machine's folder."""
    return _public_storage
