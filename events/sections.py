"""Sections other apps add to an event's page, without this app importing them.

A provider is ``provider(event) -> Section | None``; apps register theirs from
their ``ready()`` (e.g. the label lists the laureates on its forum's page).
"""

from dataclasses import dataclass, field

_providers = []


@dataclass(frozen=True)
class Section:
    title: str
    template_name: str
    context: dict = field(default_factory=dict)
    order: int = 100


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(event):
    sections = [section for provider in _providers if (section := provider(event)) is not None]
    return sorted(sections, key=lambda section: section.order)
