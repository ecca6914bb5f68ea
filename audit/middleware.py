from contextvars import ContextVar

from auditlog.cid import set_cid
from auditlog.context import set_extra_data

from core.clients import client_address

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Who and from where, for the request under way only (django-auditlog's own context outlives its request).
request_context = ContextVar("audit_request_context", default=None)


class AuditContextMiddleware:
    """Signs the trail's entries written during a signed-in person's request with them and their address.

    django-auditlog's own middleware reads the left-most ``X-Forwarded-For`` hop, which
    the client writes; the address here is the one every limit reads (``core.clients``).
    Anonymous requests change nothing audited, so they skip the context altogether; django-auditlog's own
    context (a signal receiver connected and disconnected around the request) is set for writes only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        set_cid(request)
        context = {"actor": user, "remote_addr": client_address(request), "remote_port": None}
        token = request_context.set(context)
        try:
            if request.method in SAFE_METHODS:
                return self.get_response(request)
            with set_extra_data(context_data=dict(context)):
                return self.get_response(request)
        finally:
            request_context.reset(token)
