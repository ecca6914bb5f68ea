"""What the showcase's panels on /mes-candidatures/ ask of a candidature, through the rules that decide it."""

from django import template

from .. import badges, eligibility

register = template.Library()


@register.filter
def may_publish_profile(candidature):
    """Whether ``candidature`` may have a public project profile (``eligibility.refusal`` says none)."""
    return eligibility.refusal(candidature) is None


@register.filter
def has_badge(candidature):
    """Whether ``candidature`` earned the label's badge (``badges.for_candidature``: laureates only)."""
    return badges.for_candidature(candidature) is not None
