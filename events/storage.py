from core import storage


def public_storage():
    """Partners' logos and the showcase's images (core.storage). A callable, so that migrations name it instead of
    freezing this machine's folder."""
    return storage.public_storage()
