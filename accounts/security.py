"""The record of what happened to an account's protection (``SecurityEvent``)."""

from core.clients import UNKNOWN, client_address

from .models import SecurityEvent

Kind = SecurityEvent.Kind


def record(user, kind, request=None, actor=None):
    """Write one event; ``request`` gives the client's address, ``actor`` the organiser who acted for someone."""
    address = client_address(request) if request is not None else None
    return SecurityEvent.objects.create(
        user=user, kind=kind, address=None if address == UNKNOWN else address, actor=actor
    )
