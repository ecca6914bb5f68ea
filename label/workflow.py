"""The status machine of a candidature, declared once.

Views, admin actions and the buttons a person sees all ask ``can_fire``; the
service ``label.services.fire`` is the only place that moves a candidature.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import Status

OWNER = "owner"
ORGANISER = "organiser"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str
    roles: frozenset
    notification: str = ""
    # A decision: organisers stage it, then publish all staged decisions together.
    decision: bool = False
    # For the owner, only before the candidature's deadline.
    owner_needs_open_call: bool = True


TRANSITIONS = {
    transition.name: transition
    for transition in (
        Transition(
            "submit",
            _("Déposer la candidature"),
            (Status.DRAFT,),
            Status.SUBMITTED,
            frozenset({OWNER}),
            notification="candidature_submitted",
        ),
        Transition(
            "withdraw",
            _("Retirer la candidature"),
            (Status.DRAFT, Status.SUBMITTED),
            Status.WITHDRAWN,
            frozenset({OWNER, ORGANISER}),
            notification="candidature_withdrawn",
        ),
        Transition(
            "reopen",
            _("Rouvrir en brouillon"),
            (Status.SUBMITTED,),
            Status.DRAFT,
            frozenset({ORGANISER}),
            notification="candidature_reopened",
        ),
        Transition(
            "mark_eligible",
            _("Recevable"),
            (Status.SUBMITTED,),
            Status.ELIGIBLE,
            frozenset({ORGANISER}),
            notification="candidature_eligible",
            decision=True,
        ),
        Transition(
            "mark_ineligible",
            _("Non recevable"),
            (Status.SUBMITTED,),
            Status.INELIGIBLE,
            frozenset({ORGANISER}),
            notification="candidature_ineligible",
            decision=True,
        ),
        Transition(
            "shortlist",
            _("Présélectionnée pour l'audition"),
            (Status.ELIGIBLE,),
            Status.SHORTLISTED,
            frozenset({ORGANISER}),
            notification="candidature_shortlisted",
            decision=True,
        ),
        Transition(
            "mark_auditioned",
            _("Auditionnée"),
            (Status.SHORTLISTED,),
            Status.AUDITIONED,
            frozenset({ORGANISER}),
        ),
        Transition(
            "select_laureate",
            _("Lauréate"),
            (Status.AUDITIONED,),
            Status.LAUREATE,
            frozenset({ORGANISER}),
            notification="candidature_laureate",
            decision=True,
        ),
        Transition(
            "not_retain",
            _("Non retenue"),
            (Status.ELIGIBLE, Status.SHORTLISTED, Status.AUDITIONED),
            Status.NOT_RETAINED,
            frozenset({ORGANISER}),
            notification="candidature_not_retained",
            decision=True,
        ),
    )
}

DECISIONS = tuple(name for name, transition in TRANSITIONS.items() if transition.decision)


def roles_of(user, candidature):
    from accounts.roles import is_organiser

    roles = set()
    if not user.is_authenticated:
        return roles
    if candidature.owner_id == user.pk:
        roles.add(OWNER)
    if is_organiser(user):
        roles.add(ORGANISER)
    return roles


def refusal(name, user, candidature, now=None):
    """Why ``user`` may not fire ``name`` on ``candidature`` now, or None when they may."""
    transition = TRANSITIONS[name]
    roles = roles_of(user, candidature) & transition.roles
    if not roles:
        return _("Vous n'avez pas le droit d'effectuer cette action.")
    if candidature.status not in transition.sources:
        return _("Cette action n'est pas possible pour une candidature « %(status)s ».") % {
            "status": candidature.get_status_display()
        }
    if roles == {OWNER} and transition.owner_needs_open_call and not candidature.is_writable(now or timezone.now()):
        return _("L'appel à candidatures est clos : la candidature ne peut plus être modifiée.")
    return None


def can_fire(name, user, candidature, now=None):
    return refusal(name, user, candidature, now) is None


def available(user, candidature, now=None):
    """The transitions ``user`` may fire on ``candidature`` now, in declaration order."""
    return [t for name, t in TRANSITIONS.items() if can_fire(name, user, candidature, now)]


# What the candidate reads about each status on "Mes candidatures" (before the deadline for a draft or a submission).
NEXT_STEP = {
    Status.DRAFT: _("Complétez les étapes puis déposez votre candidature avant la date limite."),
    Status.SUBMITTED: _(
        "Votre candidature est déposée. Vous pouvez encore la modifier jusqu'à la date limite ; "
        "l'équipe du label l'examinera ensuite."
    ),
    Status.ELIGIBLE: _("Votre candidature est recevable. Le jury prépare la présélection pour les auditions."),
    Status.INELIGIBLE: _("Votre candidature n'a pas été jugée recevable. Le courriel reçu en précise les raisons."),
    Status.SHORTLISTED: _("Votre projet est présélectionné : indiquez vos disponibilités pour l'audition."),
    Status.AUDITIONED: _("Votre audition a eu lieu. Les résultats seront annoncés après la délibération du jury."),
    Status.LAUREATE: _("Félicitations, votre collectivité est lauréate du label !"),
    Status.NOT_RETAINED: _("Votre projet n'a pas été retenu cette année. Merci pour votre participation."),
    Status.WITHDRAWN: _("Vous avez retiré cette candidature."),
}

# What replaces it once the candidature's deadline has passed, for the statuses whose owner could act until then.
AFTER_DEADLINE = {
    Status.DRAFT: _("Non déposée : l'appel est clos."),
    Status.SUBMITTED: _("Déposée le %(day)s, plus modifiable : l'équipe du label l'examine."),
}


def next_step(candidature, now=None):
    """The one sentence the candidate reads about ``candidature`` at ``now``: what comes next, or why nothing can."""
    now = now or timezone.now()
    if candidature.status not in AFTER_DEADLINE or now < candidature.deadline:
        return str(NEXT_STEP[candidature.status])
    submitted_at = candidature.submitted_at
    day = date_format(timezone.localtime(submitted_at, ZoneInfo(settings.TIME_ZONE)), "j F Y") if submitted_at else ""
    return AFTER_DEADLINE[candidature.status] % {"day": day}
