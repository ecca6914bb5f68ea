from django.conf import settings
from django.core.files.storage import FileSystemStorage

# Partners' logos: public files, served under /medias/ (by the web server in production).
public_storage = FileSystemStorage(location=settings.PUBLIC_MEDIA_ROOT, base_url=settings.MEDIA_URL)
