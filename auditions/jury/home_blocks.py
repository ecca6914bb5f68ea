"""Blocks other rooms add to the jury's home page, without the jury importing them (the hook the audition
sessions fill with a juror's upcoming sessions).

A provider is ``provider(user) -> Block | None``; rooms register theirs from their app's ``ready()``.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string

_providers = []


@dataclass(frozen=True)
class Block:
    template_name: str
    context: dict = field(default_factory=dict)
    order: int = 100


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def blocks_for(user):
    blocks = [block for provider in _providers if (block := provider(user)) is not None]
    return sorted(blocks, key=lambda block: block.order)


def rendered(request):
    """The HTML of each block for the signed-in juror, in order."""
    return [render_to_string(block.template_name, block.context, request) for block in blocks_for(request.user)]
