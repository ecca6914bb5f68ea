"""The 2020 jury (``data/jury_2020.toml``).

The jury itself is configuration, written as an organiser does in the admin; its members are invited and
answer, declare their conflict, receive their dossiers and score them through ``auditions.jury.services``,
each on its date.
"""

from auditions.jury import services
from auditions.jury.models import Assignment, Evaluation, Jury
from events.models import Region

from . import data

JURY = data.load("jury_2020")
ASSIGNED_AT = data.instant(JURY["jury"]["assigned"])


def seed(edition, people):
    """The jury and its members, invited in June 2020 and accepting; a member already there stays as it is."""
    spec = JURY["jury"]
    jury, _created = Jury.objects.update_or_create(
        edition=edition,
        name=spec["name"],
        defaults={
            "scoring_opens_at": data.instant(spec["scoring_opens"]),
            "scoring_closes_at": data.instant(spec["scoring_closes"]),
            "jurors_per_candidature": spec["jurors_per_candidature"],
        },
    )
    jury.regions.set(Region.objects.filter(code__in=spec["regions"]))
    organiser = people[spec["invited_by"]]
    for row in JURY["member"]:
        juror = people[row["account"]]
        if jury.members.filter(user=juror).exists():
            continue
        member = services.invite(
            jury, juror.email, juror.full_name, row["role"], organiser, now=data.instant(row["invited"])
        )
        services.answer_invitation(member, juror, accept=True, now=data.instant(row["accepted"]))
    return jury


def declare_conflicts(jury, people):
    for row in JURY["conflict"]:
        juror = people[row["juror"]]
        candidature = jury.edition.candidatures.get(territory_name=row["territory"])
        services.declare_conflict(juror, candidature, juror, reason=row["reason"], now=data.instant(row["declared"]))


def assign_and_score(jury, people):
    """The automatic assignment after the auditions (it only tops up), then each evaluation submitted once."""
    services.assign(jury, now=ASSIGNED_AT)
    criteria = list(jury.edition.criteria.all())
    for row in JURY["evaluation"]:
        juror = people[row["juror"]]
        assignment = Assignment.objects.get(jury=jury, juror=juror, candidature__territory_name=row["territory"])
        if Evaluation.objects.filter(assignment=assignment, status=Evaluation.Status.SUBMITTED).exists():
            continue
        at = data.instant(row["submitted"])
        values = {criterion.pk: row["scores"][criterion.code] for criterion in criteria}
        evaluation = services.save_evaluation(assignment, juror, values, row["comment"], submit=True, now=at)
        # save() stamps ``updated_at`` with today; the juror's last change was that submission.
        Evaluation.objects.filter(pk=evaluation.pk).update(updated_at=at)
