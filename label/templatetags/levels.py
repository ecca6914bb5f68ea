"""The label's levels as people read them: a badge with the level's colour and its word, never the colour alone."""

from django import template

from label.models import Level

register = template.Library()


@register.inclusion_tag("includes/level_badge.html")
def level_badge(level):
    """``{% level_badge candidature.outcome_level %}``: the badge of a level ("gold", "silver", "bronze"); nothing
    for a laureate without a level."""
    if level not in Level.values:
        return {"level": None}
    return {"level": level, "name": Level(level).label}
