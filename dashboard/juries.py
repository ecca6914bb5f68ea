"""The juries' progress per jury and per juror, and the reminder organisers send to the jurors running late."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from auditions.jury import services as jury_services
from auditions.jury.models import Assignment, Evaluation, Jury, JuryMember
from core import clock
from core.errors import Refused
from notifications.models import Notification
from notifications.services import notify_many

REMINDER_KIND = "jury_reminder"
# The jury room reminds from three days before the end of scoring (its first milestone), then the day before.
REMINDERS_FROM = jury_services.REMINDER_MILESTONES[0][1]

UPCOMING, OPEN, CLOSING, CLOSED = "upcoming", "open", "closing", "closed"


def phase(jury, now=None):
    """Where the jury's scoring stands: not open yet, open, in its reminder days, or closed."""
    now = clock.now(now)
    if now < jury.scoring_opens_at:
        return UPCOMING
    if now >= jury.scoring_closes_at:
        return CLOSED
    return CLOSING if now >= jury.scoring_closes_at - REMINDERS_FROM else OPEN


def current_milestone_start(jury, now):
    """When the reminder milestone ``now`` falls in began: a reminder sent since then is this milestone's."""
    return max(
        jury.scoring_closes_at - before
        for _code, before in jury_services.REMINDER_MILESTONES
        if now >= jury.scoring_closes_at - before
    )


@dataclass
class JurorProgress:
    user: object
    state: str = ""
    assigned: int = 0
    submitted: int = 0
    late: int = 0
    last_reminder: object = None
    may_remind: bool = False

    @property
    def pending(self):
        return self.assigned - self.submitted


@dataclass
class JuryProgress:
    jury: object
    phase: str
    reminders_from: object
    jurors: list = field(default_factory=list)

    @property
    def assigned(self):
        return sum(juror.assigned for juror in self.jurors)

    @property
    def submitted(self):
        return sum(juror.submitted for juror in self.jurors)

    @property
    def late(self):
        return sum(juror.late for juror in self.jurors)

    @property
    def to_remind(self):
        return sum(1 for juror in self.jurors if juror.may_remind)


def progress(edition, now=None):
    """Each jury of ``edition`` with each member's assigned, submitted and late evaluations, in four queries.

    Late means not submitted while scoring ends within the reminder days or has ended; the reminder
    (the jury room's own, under its own keys) can be sent while scoring is still open, once per milestone.
    """
    now = clock.now(now)
    juries = list(Jury.objects.filter(edition=edition).order_by("scoring_closes_at", "name", "pk"))
    members = JuryMember.objects.filter(jury__edition=edition).select_related("user")
    work = (
        Assignment.objects.filter(jury__edition=edition)
        .without_conflicts()
        .order_by()
        .values("jury_id", "juror_id")
        .annotate(assigned=Count("pk"), submitted=Count("pk", filter=Q(evaluation__status=Evaluation.Status.SUBMITTED)))
    )
    counted = {(row["jury_id"], row["juror_id"]): row for row in work}
    reminded = last_reminders(juries)
    by_jury = {
        jury.pk: JuryProgress(jury, phase(jury, now), jury.scoring_closes_at - REMINDERS_FROM) for jury in juries
    }
    for member in members:
        jury = by_jury[member.jury_id]
        row = counted.get((member.jury_id, member.user_id), {})
        juror = JurorProgress(
            member.user,
            state=member.get_state_display(),
            assigned=row.get("assigned", 0),
            submitted=row.get("submitted", 0),
            last_reminder=reminded.get((member.jury_id, member.user.email)),
        )
        if jury.phase in (CLOSING, CLOSED):
            juror.late = juror.pending
        if jury.phase == CLOSING and juror.late:
            since = current_milestone_start(jury.jury, now)
            juror.may_remind = juror.last_reminder is None or juror.last_reminder < since
        jury.jurors.append(juror)
    return list(by_jury.values())


def last_reminders(juries):
    """{(jury id, juror's address): when the latest reminder of that jury was queued for them}."""
    if not juries:
        return {}
    rows = (
        Notification.objects.filter(
            kind=REMINDER_KIND,
            content_type=ContentType.objects.get_for_model(Jury),
            object_id__in=[str(jury.pk) for jury in juries],
        )
        .order_by()
        .values("object_id", "recipient")
        .annotate(last=Max("created_at"))
    )
    return {(int(row["object_id"]), row["recipient"]): row["last"] for row in rows}


def remind(jury, juror=None, now=None):
    """Queue the jury room's reminder for the jury's late jurors (or ``juror`` alone); returns how many were queued.

    The reminder's key names the jury, the juror and the milestone: a juror already reminded at this
    milestone, by the hourly task or an earlier click, gets nothing more.
    """
    now = clock.now(now)
    if phase(jury, now) != CLOSING:
        raise Refused(
            _("Les relances ne partent que pendant les trois derniers jours de la notation, tant qu'elle est ouverte.")
        )
    with transaction.atomic():
        # The jury room's reminders for this jury, with its keys, context and wording rather than a copy of them.
        mails = [mail for mail in jury_services._jury_reminders([jury], now) if juror is None or mail.to.pk == juror.pk]
        return notify_many(REMINDER_KIND, mails, bulk=True)
