"""Where the platform's files live: two named storages of ``settings.STORAGES``.

- ``private``: candidates' documents and personal data archives. Never reachable by a URL of its own: every
  download is a view that checks who asks, then streams the bytes (label.views, privacy.views).
- ``public``: partners' logos, the showcase's thumbnails and badges. Served under /medias/ by the site's views
  (or the web server), never from the bucket's own address: pages keep one origin and their Content-Security-Policy.

Each is a local folder by default and a prefix of one S3-compatible bucket when ``AWS_STORAGE_BUCKET_NAME`` is set
(config/settings.py). Model fields name ``private_storage``/``public_storage`` (callables, so that migrations do not
freeze a machine's folder); what they return follows the settings, a test's override included.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

PRIVATE = "private"
PUBLIC = "public"
ALIASES = (PRIVATE, PUBLIC)
CHUNK_BYTES = 1024 * 1024


class _NamedStorage(LazyObject):
    """The storage configured under one alias of ``settings.STORAGES``, looked up again when the setting changes."""

    def __init__(self, alias):
        super().__init__()
        self.__dict__["alias"] = alias

    def _setup(self):
        self._wrapped = storages[self.__dict__["alias"]]

    def __reduce__(self):
        return (_NamedStorage, (self.__dict__["alias"],))


_named = {alias: _NamedStorage(alias) for alias in ALIASES}


def private_storage():
    return _named[PRIVATE]


def public_storage():
    return _named[PUBLIC]


def storage(alias):
    return _named[alias]


def _forget(*, setting, **kwargs):
    if setting == "STORAGES":
        for named in _named.values():
            named._wrapped = empty


setting_changed.connect(_forget)


def in_bucket(alias):
    """Whether ``alias`` is configured on object storage rather than a local folder."""
    from storages.backends.s3 import S3Storage

    return isinstance(storages[alias], S3Storage)


def walk(store, folder=""):
    """Every file name under ``folder`` of ``store``, in a stable order."""
    try:
        folders, files = store.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(folders):
        yield from walk(store, prefix + sub)


def sha256(stream):
    """The SHA-256 of what ``stream`` (a file open for reading) holds, read in chunks."""
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK_BYTES):
        digest.update(chunk)
    return digest.hexdigest()


def checksum(store, name):
    """The SHA-256 of a stored file."""
    with store.open(name, "rb") as stored:
        return sha256(stored)


# --- moving a folder's files into the bucket ------------------------------------------------------------------------


class MoveError(Exception):
    pass


@dataclass
class Moved:
    alias: str
    files: int = 0
    copied: int = 0
    already_there: int = 0
    verified: int = 0
    removed: int = 0
    mismatched: list = field(default_factory=list)


def move_to_bucket(alias, folder, delete_local=False):
    """Copy every file of the local ``folder`` to the bucket configured for ``alias``, under the same names, then read
    each one back from the bucket and compare checksums. Resumable: a file already there with the same bytes is kept.
    The local files are deleted only when asked and only once every one of them has been verified."""
    if not in_bucket(alias):
        raise MoveError(f"Le stockage « {alias} » n'est pas un bucket : réglez d'abord AWS_STORAGE_BUCKET_NAME.")
    source = FileSystemStorage(location=folder)
    target = storage(alias)
    report = Moved(alias)
    names = list(walk(source))
    copied = {}
    for name in names:
        digest = checksum(source, name)
        if target.exists(name):
            if checksum(target, name) == digest:
                report.already_there += 1  # compared just now: verified
                continue
            target.delete(name)  # an earlier, interrupted copy
        with source.open(name, "rb") as content:
            saved = target.save(name, content)
        if saved != name:
            raise MoveError(f"Le bucket a enregistré « {name} » sous le nom « {saved} ».")
        copied[name] = digest
    report.files, report.copied = len(names), len(copied)
    # Each copy read back from the bucket.
    report.mismatched = [name for name, digest in copied.items() if checksum(target, name) != digest]
    report.verified = report.files - len(report.mismatched)
    if delete_local and not report.mismatched:
        for name in names:
            source.delete(name)
            report.removed += 1
    return report
