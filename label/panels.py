"""Panels other rooms add to each candidature on /mes-candidatures/, without label importing them (the hook the
audition sessions fill with a candidature's convocations).

A panel is a template, included in each candidature's card with ``candidature`` in its context, and what the
page's candidatures must prefetch for it, so the page costs the same with one or many.
"""

from collections.abc import Callable
from dataclasses import dataclass

from core.hooks import Hook


@dataclass(frozen=True)
class Panel:
    template_name: str
    prefetch: Callable | None = None  # queryset -> the queryset with what the template reads
    order: int = 100


_panels = Hook()
register = _panels.register


def panels():
    return sorted(_panels, key=lambda panel: panel.order)


def prefetched(queryset):
    """``queryset`` with what every panel reads."""
    for panel in panels():
        if panel.prefetch is not None:
            queryset = panel.prefetch(queryset)
    return queryset
