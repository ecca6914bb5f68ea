"""The jury's work: invitations, conflicts of interest, balanced assignment, scoring, reminders."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from audit import trail
from core import clock
from core.errors import Refused
from notifications.services import Mail, notify, notify_many

from .models import Assignment, ConflictOfInterest, Evaluation, Jury, JuryMember, Score

INVITATION_SALT = "auditions.jury.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 30
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- invitations -------------------------------------------------------------------------


class InvitationLinkInvalid(Refused):
    """A link whose signature does not hold: mistyped, cut short, or guessed."""


class InvitationClosed(Refused):
    """A genuine link that can no longer be answered: expired, replaced by a newer invitation, or declined."""

    def __init__(self, message, member):
        super().__init__(message)
        self.member = member


def _invitation_stamp(member):
    """The instant of the latest invitation, in whole microseconds: inviting again voids every earlier link."""
    if member.invited_at is None:
        return None
    return (member.invited_at - EPOCH) // timedelta(microseconds=1)


def invitation_token(member):
    return signing.dumps({"m": member.pk, "i": _invitation_stamp(member)}, salt=INVITATION_SALT)


def member_from_token(token):
    """The member a link invites, while it may still be answered.

    Raises ``InvitationLinkInvalid`` for a link that was never issued, ``InvitationClosed`` for an expired
    link, one issued before the member's latest invitation, or one already declined.
    """
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        # The signature holds, only its age is refused: the member is read to say which jury it was.
        data = signing.loads(token, salt=INVITATION_SALT)
        expired = True
    except signing.BadSignature:
        raise InvitationLinkInvalid(_("Ce lien d'invitation n'est pas valide.")) from None
    member = JuryMember.objects.select_related("jury__edition", "user").filter(pk=data.get("m")).first()
    if member is None:
        raise Refused(_("Ce lien d'invitation n'est pas valide."))
    if data.get("i") != _invitation_stamp(member):
        raise InvitationClosed(
            _(
                "Une invitation plus récente vous a été envoyée : ce lien ne sert plus. "
                "Ouvrez le lien du dernier e-mail d'invitation reçu."
            ),
            member,
        )
    if expired:
        raise InvitationClosed(_("Cette invitation a expiré : demandez-en une nouvelle à l'équipe du label."), member)
    if member.state == JuryMember.State.DECLINED:
        raise InvitationClosed(_declined_message(member), member)
    return member


def _declined_message(member):
    return _(
        "Vous avez décliné l'invitation au jury « %(jury)s ». Pour le rejoindre, demandez à l'équipe du label "
        "de vous inviter à nouveau : vous recevrez un nouveau lien."
    ) % {"jury": member.jury.name}


def invite(jury, email, full_name, role, by, now=None):
    """Invite someone to a jury by e-mail; an account is created (without password) when none exists.

    The new link replaces every earlier one of this member (see ``invitation_token``).
    """
    now = clock.now(now)
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, full_name=full_name, password=None)
        member, _created = JuryMember.objects.get_or_create(jury=jury, user=user, defaults={"role": role})
        member.invited_at = now
        member.role = role
        if member.state == JuryMember.State.DECLINED:
            member.state = JuryMember.State.INVITED
        member.save(update_fields=["invited_at", "state", "role"])
        url = settings.SITE_URL + reverse("jury:invitation", kwargs={"token": invitation_token(member)})
        notify(
            "jury_invitation",
            to=user,
            context={"member": member, "jury": jury, "edition": jury.edition, "url": url, "by": by},
            key=f"jury_invitation:{member.pk}:{now.timestamp()}",
            related=member,
            sensitive=True,
        )
    return member


def answer_invitation(member, user, accept, now=None):
    """Accept or decline; a declined invitation is only accepted after the organisers invite again."""
    if member.user_id != user.pk:
        raise Refused(_("Cette invitation est adressée à un autre compte."))
    with transaction.atomic():
        current = JuryMember.objects.select_for_update().get(pk=member.pk)
        if accept and current.state == JuryMember.State.DECLINED:
            raise InvitationClosed(_declined_message(member), member)
        member.state = JuryMember.State.ACCEPTED if accept else JuryMember.State.DECLINED
        member.answered_at = clock.now(now)
        member.save(update_fields=["state", "answered_at"])
    return member


# --- conflicts of interest ----------------------------------------------------------------


def declare_conflict(juror, candidature, by, reason="", now=None):
    """Record the conflict and withdraw the pair's assignment, draft or submitted, from the jury's work."""
    with transaction.atomic():
        conflict, _created = ConflictOfInterest.objects.get_or_create(
            juror=juror,
            candidature=candidature,
            defaults={"declared_by": by, "reason": reason[:500], "created_at": clock.now(now)},
        )
        Assignment.objects.filter(juror=juror, candidature=candidature).delete()
    return conflict


# --- assignment -------------------------------------------------------------------------------


@dataclass
class AssignmentReport:
    created: list = field(default_factory=list)
    shortfalls: list = field(default_factory=list)  # (candidature, missing, reason)
    loads: dict = field(default_factory=dict)  # juror -> assignments in this jury
    balanced: bool = True
    imbalance_reason: str = ""


def eligible_jurors(jury):
    """Members who have not declined, in a stable order."""
    return [member.user for member in jury.members.active().select_related("user").order_by("user_id")]


def assign(jury, per_candidature=None, now=None):
    """Top up the jury's assignments to ``per_candidature`` jurors each, balanced, never a conflicted pair.

    The most constrained candidatures are served first, each by the least loaded
    jurors; running it again only adds what is missing. Each juror who receives
    dossiers gets one e-mail for the whole batch.
    """
    now = clock.now(now)
    wanted = per_candidature or jury.jurors_per_candidature
    jurors = eligible_jurors(jury)
    report = AssignmentReport()
    with transaction.atomic():
        Jury.objects.select_for_update().get(pk=jury.pk)
        candidatures = list(jury.candidatures().order_by("reference", "pk"))
        ids = [candidature.pk for candidature in candidatures]
        existing = defaultdict(set)
        for juror_id, candidature_id in Assignment.objects.filter(jury=jury).values_list("juror_id", "candidature_id"):
            existing[candidature_id].add(juror_id)
        conflicts = defaultdict(set)
        for juror_id, candidature_id in ConflictOfInterest.objects.filter(candidature_id__in=ids).values_list(
            "juror_id", "candidature_id"
        ):
            conflicts[candidature_id].add(juror_id)
        load = {juror.pk: 0 for juror in jurors}
        for juror_ids in existing.values():
            for juror_id in juror_ids:
                if juror_id in load:
                    load[juror_id] += 1

        def candidates_for(candidature):
            return [
                juror
                for juror in jurors
                if juror.pk not in existing[candidature.pk] and juror.pk not in conflicts[candidature.pk]
            ]

        needing = [c for c in candidatures if len(existing[c.pk]) < wanted]
        needing.sort(key=lambda c: (len(candidates_for(c)) - (wanted - len(existing[c.pk])), c.reference or ""))
        batch = uuid.uuid4().hex[:12]
        new_by_juror = defaultdict(list)
        for candidature in needing:
            missing = wanted - len(existing[candidature.pk])
            pool = sorted(candidates_for(candidature), key=lambda juror: (load[juror.pk], juror.pk))
            for juror in pool[:missing]:
                assignment = Assignment.objects.create(jury=jury, juror=juror, candidature=candidature, created_at=now)
                existing[candidature.pk].add(juror.pk)
                load[juror.pk] += 1
                new_by_juror[juror].append(assignment)
                report.created.append(assignment)
            if len(pool) < missing:
                conflicted = len(conflicts[candidature.pk] & {juror.pk for juror in jurors})
                reason = _(
                    "%(available)d juré(s) disponible(s) pour %(missing)d place(s) : le jury compte %(members)d "
                    "membre(s), dont %(conflicted)d en conflit d'intérêts avec ce dossier."
                ) % {"available": len(pool), "missing": missing, "members": len(jurors), "conflicted": conflicted}
                report.shortfalls.append((candidature, missing - len(pool), reason))
        report.loads = {juror: load[juror.pk] for juror in jurors}
        if jurors and max(load.values()) - min(load.values()) > 1:
            report.balanced = False
            report.imbalance_reason = _(
                "Les conflits d'intérêts et les attributions existantes empêchent un équilibre à un dossier près."
            )
        for juror, assignments in new_by_juror.items():
            notify(
                "jury_assignments",
                to=juror,
                context={
                    "jury": jury,
                    "edition": jury.edition,
                    "count": len(assignments),
                    "assignments": assignments,
                    "jury_url": settings.SITE_URL + reverse("jury:home"),
                },
                key=f"jury_assignments:{jury.pk}:{juror.pk}:{batch}",
                related=jury,
            )
    return report


# --- scoring ----------------------------------------------------------------------------------

TWENTY = Decimal(20)


def weighted_total(values, criteria):
    """Each score brought to 0–20 on its criterion's scale, averaged with the criteria's weights."""
    total_weight = sum((criterion.weight for criterion in criteria), Decimal(0))
    if not criteria or total_weight == 0:
        return None
    points = Decimal(0)
    for criterion in criteria:
        value = values[criterion.pk]
        span = Decimal(criterion.scale_max - criterion.scale_min)
        points += criterion.weight * (Decimal(value - criterion.scale_min) / span) * TWENTY
    return (points / total_weight).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def save_evaluation(assignment, user, values, comment, submit=False, now=None):
    """Save the juror's scores as a draft, or submit them (then locked); checks period, owner, scales."""
    now = clock.now(now)
    with transaction.atomic():
        locked = (
            Assignment.objects.for_juror(user)
            .select_for_update()
            .select_related("jury__edition", "candidature")
            .filter(pk=assignment.pk)
            .first()
        )
        if locked is None:
            raise Refused(_("Ce dossier ne vous est pas attribué."))
        if not locked.jury.scoring_is_open(now):
            raise Refused(_("La période de notation de ce jury est close."))
        evaluation, _created = Evaluation.objects.get_or_create(assignment=locked)
        if evaluation.status == Evaluation.Status.SUBMITTED:
            raise Refused(_("Cette évaluation est déjà soumise : demandez à l'équipe du label de la rouvrir."))
        criteria = list(locked.candidature.edition.criteria.all())
        for criterion in criteria:
            value = values.get(criterion.pk)
            if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
                raise Refused(
                    _("La note du critère « %(name)s » doit être comprise entre %(min)d et %(max)d.")
                    % {"name": criterion.name, "min": criterion.scale_min, "max": criterion.scale_max}
                )
        missing = [criterion.name for criterion in criteria if values.get(criterion.pk) is None]
        if submit and missing:
            raise Refused(_("Notez chaque critère avant de soumettre : %s.") % ", ".join(missing))
        for criterion in criteria:
            Score.objects.update_or_create(
                evaluation=evaluation, criterion=criterion, defaults={"value": values.get(criterion.pk)}
            )
        evaluation.comment = comment
        evaluation.weighted_total = None if missing else weighted_total(values, criteria)
        if submit:
            evaluation.status = Evaluation.Status.SUBMITTED
            evaluation.submitted_at = now
        evaluation.save()
    return evaluation


def reopen_evaluation(evaluation, by, reason):
    """Give a submitted evaluation back to its juror as a draft; who did it and why go to the audit trail."""
    reopened = {"status": Evaluation.Status.DRAFT, "submitted_at": None}
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().select_related("assignment__juror").get(pk=evaluation.pk)
        changed = trail.changes(trail.snapshot(locked, reopened), reopened)
        Evaluation.objects.filter(pk=locked.pk).update(**reopened)
        trail.log(locked, trail.Action.UPDATE, changed, reason=reason, actor=by, extra={"reopened": True})


# --- reminders --------------------------------------------------------------------------------

REMINDER_MILESTONES = (("j3", timedelta(days=3)), ("j1", timedelta(days=1)))


def remind_jurors(now=None):
    """3 and 1 days before a jury's period ends, one mail per juror with unfinished evaluations.

    Returns how many reminders were queued: a second run at the same milestone queues none and returns 0.
    """
    now = clock.now(now)
    juries = Jury.objects.filter(
        scoring_opens_at__lte=now, scoring_closes_at__gt=now, scoring_closes_at__lte=now + REMINDER_MILESTONES[0][1]
    ).select_related("edition")
    return notify_many("jury_reminder", _jury_reminders(juries, now), bulk=True)


def _jury_reminders(juries, now):
    jury_url = settings.SITE_URL + reverse("jury:home")
    for jury in juries:
        milestone = [code for code, before in REMINDER_MILESTONES if now >= jury.scoring_closes_at - before][-1]
        rows = (
            Assignment.objects.filter(jury=jury)
            .without_conflicts()
            .exclude(evaluation__status=Evaluation.Status.SUBMITTED)
            .values("juror")
            .annotate(count=Count("pk"))
            .order_by("juror")
        )
        counts = {row["juror"]: row["count"] for row in rows}
        for juror in get_user_model().objects.filter(pk__in=counts).order_by("pk"):
            yield Mail(
                to=juror,
                context={
                    "jury": jury,
                    "edition": jury.edition,
                    "count": counts[juror.pk],
                    "milestone": milestone,
                    "jury_url": jury_url,
                },
                key=f"jury_reminder:{jury.pk}:{juror.pk}:{milestone}",
                related=jury,
            )
