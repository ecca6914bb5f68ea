"""The status machine of a candidature, declared once.

Each transition says who may fire it, from which statuses, what must hold
first (its guards) and the e-mails it sends; each status says who may edit
and read the dossier and what its owner reads. Views, services, the admin and
templates (the ``can`` tag) all ask ``refusal`` / ``can``; ``label.services.fire``
is the only place that moves a candidature, and what entering a status does
to the row (a reference when submitted) sits beside it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core import clock
from core.templatetags.french_dates import format_day

from .models import Status

OWNER = "owner"
ORGANISER = "organiser"


def complete(candidature):
    """The submit guard: every required field filled in and every criterion answered."""
    if candidature.is_complete():
        return None
    return _("La candidature est incomplète : complétez les éléments signalés avant de la déposer.")


def confirmed_address(candidature):
    """The submit guard: the owner has proved they receive the e-mails sent to their address."""
    owner = candidature.owner
    if owner.email_verified:
        return None
    return _("Confirmez d'abord votre adresse e-mail : nous vous avons envoyé un lien à %(email)s.") % {
        "email": owner.email
    }


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str
    roles: frozenset
    notification: str = ""
    # The e-mail lists the dossier as sent (a receipt), with a copy to the contact person when not the owner.
    receipt: bool = False
    # Sent to the edition's contact address, for the team.
    team_notification: str = ""
    # A decision: organisers stage it, then publish all staged decisions together.
    decision: bool = False
    # For the owner, only before the candidature's deadline.
    owner_needs_open_call: bool = True
    # Checks ``candidature -> refusal message or None`` that must all pass.
    guards: tuple = ()


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
            receipt=True,
            team_notification="candidature_submitted_notice",
            guards=(complete, confirmed_address),
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


@dataclass(frozen=True)
class State:
    """What a status lets each role do besides firing transitions, and what the owner reads about it."""

    next_step: str
    # Roles who may change the dossier's content (the owner only before the deadline).
    edit: frozenset = frozenset()
    # Roles who may read the whole dossier, contact details included (jurors have their own pages).
    see: frozenset = frozenset({OWNER, ORGANISER})
    # What the owner reads instead of ``next_step`` once the deadline has passed.
    after_deadline: str = ""
    # How its badge looks: "pending" (to act on), "active" (going on), "closed" (over).
    tone: str = "active"


STATES = {
    Status.DRAFT: State(
        _("Complétez les étapes puis déposez votre candidature avant la date limite."),
        edit=frozenset({OWNER}),
        after_deadline=_("Non déposée : l'appel est clos."),
        tone="pending",
    ),
    Status.SUBMITTED: State(
        _(
            "Votre candidature est déposée. Vous pouvez encore la modifier jusqu'à la date limite ; "
            "l'équipe du label l'examinera ensuite."
        ),
        edit=frozenset({OWNER}),
        after_deadline=_("Déposée le %(day)s, plus modifiable : l'équipe du label l'examine."),
    ),
    Status.ELIGIBLE: State(_("Votre candidature est recevable. Le jury prépare la présélection pour les auditions.")),
    Status.INELIGIBLE: State(
        _("Votre candidature n'a pas été jugée recevable. Le courriel reçu en précise les raisons."), tone="closed"
    ),
    Status.SHORTLISTED: State(_("Votre projet est présélectionné : indiquez vos disponibilités pour l'audition.")),
    Status.AUDITIONED: State(
        _("Votre audition a eu lieu. Les résultats seront annoncés après la délibération du jury.")
    ),
    Status.LAUREATE: State(_("Félicitations, votre collectivité est lauréate du label !")),
    Status.NOT_RETAINED: State(
        _("Votre projet n'a pas été retenu cette année. Merci pour votre participation."), tone="closed"
    ),
    Status.WITHDRAWN: State(_("Vous avez retiré cette candidature."), tone="closed"),
}

# Besides transitions, what ``refusal`` and ``can`` answer for, with what they say when refused.
PERMISSIONS = {
    "edit": (
        _("Vous n'avez pas le droit de modifier cette candidature."),
        _("Cette candidature n'est plus modifiable."),
    ),
    "see": (
        _("Vous n'avez pas accès à cette candidature."),
        _("Vous n'avez pas accès à cette candidature."),
    ),
}
CLOSED_CALL = _("L'appel à candidatures est clos : la candidature ne peut plus être modifiée.")


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


def _transition_refusal(transition, roles, candidature, now):
    roles &= transition.roles
    if not roles:
        return _("Vous n'avez pas le droit d'effectuer cette action.")
    if candidature.status not in transition.sources:
        return _("Cette action n'est pas possible pour une candidature « %(status)s ».") % {
            "status": candidature.get_status_display()
        }
    if roles == {OWNER} and transition.owner_needs_open_call and not candidature.is_writable(now):
        return CLOSED_CALL
    for guard in transition.guards:
        reason = guard(candidature)
        if reason:
            return reason
    return None


def _permission_refusal(action, roles, candidature, now):
    no_right, not_now = PERMISSIONS[action]
    if not roles & frozenset().union(*(getattr(state, action) for state in STATES.values())):
        return no_right
    roles &= getattr(STATES[candidature.status], action)
    if not roles:
        return not_now
    if action == "edit" and roles == {OWNER} and not candidature.is_writable(now):
        return CLOSED_CALL
    return None


def refusal(action, user, candidature, now=None):
    """Why ``user`` may not do ``action`` (a transition's name, "edit" or "see") now, or None when they may."""
    now = clock.now(now)
    roles = roles_of(user, candidature)
    if action in TRANSITIONS:
        return _transition_refusal(TRANSITIONS[action], roles, candidature, now)
    return _permission_refusal(action, roles, candidature, now)


def can(action, user, candidature, now=None):
    return refusal(action, user, candidature, now) is None


def next_step(candidature, now=None):
    """The one sentence the owner reads about ``candidature`` at ``now``: what comes next, or why nothing can."""
    state = STATES[candidature.status]
    if not state.after_deadline or clock.now(now) < candidature.deadline:
        return str(state.next_step)
    submitted_at = candidature.submitted_at
    day = format_day(clock.in_paris(submitted_at), "j F Y") if submitted_at else ""
    return str(state.after_deadline) % {"day": day}
