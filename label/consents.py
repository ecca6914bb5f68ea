"""What a candidate agrees to, as data, and the record of each time they agree or take it back.

Each purpose has one wording and its version: the contact step's boxes are labelled with it (the project
page's is shown where the showcase sends a public profile for review) and every ``Consent`` row keeps it word
for word, so what was shown and what is recorded cannot drift. A changed wording gets a new version (the month
it takes effect); the rows already recorded keep the words agreed to.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.errors import Refused
from core.pages import forget_public_pages

from .models import Candidature, Consent, HistoryEntry, Status
from .signals import publication_withdrawn

Purpose = Consent.Purpose


@dataclass(frozen=True)
class Wording:
    version: str
    text: Promise


WORDINGS = {
    Purpose.RULES: Wording(
        "2026-12",
        _("J'ai lu le règlement de l'appel et je suis habilité·e à candidater au nom de la collectivité."),
    ),
    Purpose.PUBLICATION: Wording(
        "2026-12",
        _("J'accepte que le titre et le résumé du projet soient publiés si la collectivité est lauréate."),
    ),
    Purpose.PROJECT_PAGE: Wording(
        "2026-12",
        _(
            "J'accepte que cette fiche projet, une fois relue et approuvée par l'équipe du label, soit publiée "
            "telle que je l'envoie (ses textes, le contact et les documents et images que j'ai choisis) avec la "
            "distinction du projet (lauréat ou présélectionné) : dans le catalogue des projets, sur la page du "
            "projet, dans les flux et par l'API de données ouvertes. Retirer l'accord de publication la retire "
            "aussitôt."
        ),
    ),
}

# The candidature's field holding the current state of each purpose.
FIELDS = {"consent_rules": Purpose.RULES, "consent_publication": Purpose.PUBLICATION}


def record(candidature, purpose, given, person, now=None):
    """Write that ``person`` gave (or withdrew) consent ``purpose``: the current wording, in the active language."""
    wording = WORDINGS[purpose]
    consent = Consent.objects.create(
        candidature=candidature,
        person=person if person is not None and person.is_authenticated else None,
        purpose=purpose,
        given=given,
        text_version=wording.version,
        text=str(wording.text),
        at=clock.now(now),
    )
    if purpose == Purpose.PUBLICATION and candidature.status == Status.LAUREATE:
        # Only laureates are on the public pages: a draft's box ticked at the deadline rush keeps them cached.
        forget_public_pages()
    if purpose == Purpose.PUBLICATION and not given:
        _withdraw_project_page(candidature, person, now)
        publication_withdrawn.send(sender=Candidature, candidature=candidature, person=consent.person)
    return consent


def _withdraw_project_page(candidature, person, now):
    """The consent to the project page goes with the publication consent, when it was given."""
    latest = candidature.consents.filter(purpose=Purpose.PROJECT_PAGE).order_by("-at", "-pk").first()
    if latest is not None and latest.given:
        record(candidature, Purpose.PROJECT_PAGE, False, person, now)


def record_changes(candidature, changed, person, now=None):
    """A row for each consent field among ``changed`` (names of fields just saved), with its new state."""
    for name in changed:
        if name in FIELDS:
            record(candidature, FIELDS[name], getattr(candidature, name), person, now)


def withdraw_publication(candidature, person, now=None):
    """The owner takes back the publication consent, whatever the status or the deadline; off the public pages.

    Under the row's lock, with a new version, a ``Consent`` row and an entry in the history. Returns False
    when there was nothing to withdraw (already done, from another tab).
    """
    now = clock.now(now)
    with transaction.atomic():
        locked = Candidature.objects.select_for_update(of=("self",)).get(pk=candidature.pk)
        if locked.owner_id != person.pk:
            raise Refused(gettext("Seul le compte qui a déposé la candidature peut retirer cet accord."))
        if not locked.consent_publication:
            return False
        locked.consent_publication = False
        locked.version += 1
        locked.save(update_fields=["consent_publication", "version", "updated_at"])
        record(locked, Purpose.PUBLICATION, False, person, now)
        HistoryEntry.objects.create(
            candidature=locked,
            action=HistoryEntry.Action.EDIT,
            actor=person,
            note=gettext("Accord de publication retiré"),
            at=now,
        )
    candidature.consent_publication = False
    candidature.version = locked.version
    return True
