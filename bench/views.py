"""The bare reference view: a plain function returning the bytes a page gave, with its content type."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse

# name -> (body, content type), read once per process: the reference does no work of its own.
_captured = {}


def _load(name):
    folder = settings.BENCH_BARE_DIR
    try:
        meta = json.loads((folder / f"{name}.json").read_text())
        body = (folder / f"{name}.body").read_bytes()
    except FileNotFoundError:
        raise Http404 from None
    return body, meta["content_type"]


def bare(request, name):
    """What a page would cost with no work of its own: the same bytes through the same middleware."""
    if name not in _captured:
        _captured[name] = _load(name)
    body, content_type = _captured[name]
    return HttpResponse(body, content_type=content_type)
