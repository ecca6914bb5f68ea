"""Blocks other rooms add to the home page, without the label importing them (the hook the showcase fills
with the map of labelled projects and the latest of them).

A provider is ``provider() -> Block | None``, registered from its app's ``ready()``. The home page is a public
page served from the cache: a block shows what every visitor sees, and whoever changes it drops the cache
(``core.pages.forget_public_pages``).
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string

from core.hooks import Hook

providers = Hook()
register = providers.register


@dataclass(frozen=True)
class Block:
    template_name: str
    context: dict = field(default_factory=dict)
    order: int = 100


def rendered(request):
    """The HTML of each block, in order."""
    return [render_to_string(block.template_name, block.context, request) for block in providers.ask()]
