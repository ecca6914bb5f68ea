"""Blocks other rooms add to the jury's home page, without the jury importing them (the hook the audition
sessions fill with a juror's upcoming sessions).

A provider is ``provider(user) -> Block | None``; rooms register theirs from their app's ``ready()``.
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


def blocks_for(user):
    return providers.ask(user)


def rendered(request):
    """The HTML of each block for the signed-in juror, in order."""
    return [render_to_string(block.template_name, block.context, request) for block in blocks_for(request.user)]
