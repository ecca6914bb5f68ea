"""The public pages' cache (core.pages) is told of every change the event pages show.

Registrations are left out: an event's page shows its capacity, never the seats left, and while
registrations are open it embeds the form, so it is not stored.
"""

from django.db.models.signals import post_delete, post_save

from core.pages import forget_public_pages

from .models import Event, EventPartner, Partner, ProgrammeItem, Region


def event_changed(sender, **kwargs):
    forget_public_pages()


for model in (Event, ProgrammeItem, EventPartner, Partner, Region):
    for signal in (post_save, post_delete):
        signal.connect(event_changed, sender=model, dispatch_uid=f"events.public_pages.{model.__name__}")
