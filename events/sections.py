"""Sections other apps add to an event's page, without this app importing them.

A provider is ``provider(event) -> Section | None``; apps register theirs from
their ``ready()`` (e.g. the label lists the laureates on its forum's page).
"""

from dataclasses import dataclass, field

from core.hooks import Hook

providers = Hook()
register = providers.register


@dataclass(frozen=True)
class Section:
    title: str
    template_name: str
    context: dict = field(default_factory=dict)
    order: int = 100


def sections_for(event):
    return providers.ask(event)
