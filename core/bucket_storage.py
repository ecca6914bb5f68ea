"""The bucket's storages (django-storages on boto3), named by settings.STORAGES when AWS_STORAGE_BUCKET_NAME is set."""

from urllib.parse import urljoin

from django.conf import settings
from storages.backends.s3 import S3Storage


class PublicBucketStorage(S3Storage):
    """The bucket's public prefix, whose files keep the site's addresses under /medias/: the site's views read them
    from the bucket and serve them, so that no object needs to be public-read and pages keep a single origin."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, name.lstrip("/"))
