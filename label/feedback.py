"""How the organisers' pages tell what a batch operation on candidatures did not do, and why."""

from django.contrib import messages
from django.utils.translation import gettext


def references(candidatures):
    return ", ".join(candidature.reference or str(candidature.pk) for candidature in candidatures)


def report_refused(request, outcome):
    """One warning per reason, naming the candidatures it stopped."""
    for reason, candidatures in outcome.refused_by_reason().items():
        messages.warning(
            request,
            gettext("Refusé pour %(references)s : %(reason)s")
            % {"references": references(candidatures), "reason": reason},
        )
