"""The dates of an edition's year in one list: the call, the juries' scoring, the audition sessions, its milestones."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core import clock


@dataclass
class Step:
    starts_at: object
    title: str
    ends_at: object = None
    detail: str = ""
    # A deadline reads « vendredi 19 juin 2020 à minuit »; other steps read their day and hour.
    deadline: bool = False
    ongoing: bool = False

    @property
    def over_at(self):
        return self.ends_at or self.starts_at

    @property
    def ends_same_day(self):
        return self.ends_at is not None and clock.in_paris(self.starts_at).date() == clock.in_paris(self.ends_at).date()


def steps(edition, juries, sessions):
    """Every dated step of ``edition``, in time order.

    A session or the forum that a milestone already names at the same instant is left to the milestone,
    which is what candidates read on the call page.
    """
    found = [
        Step(edition.opens_at, _("Ouverture de l'appel à candidatures")),
        Step(edition.closes_at, _("Date limite de dépôt des candidatures"), deadline=True),
    ]
    for jury in juries:
        found.append(
            Step(jury.scoring_opens_at, _("Notation : %(jury)s") % {"jury": jury.name}, ends_at=jury.scoring_closes_at)
        )
    milestones = list(edition.milestones.all())
    named = {milestone.starts_at for milestone in milestones}
    for session in sessions:
        if session.availability_deadline:
            found.append(
                Step(
                    session.availability_deadline,
                    _("Réponse aux disponibilités : %(session)s") % {"session": session.title},
                    deadline=True,
                )
            )
        if session.starts_at not in named:
            found.append(Step(session.starts_at, session.title, ends_at=session.ends_at))
    found.extend(Step(m.starts_at, m.title, ends_at=m.ends_at, detail=m.detail) for m in milestones)
    forum = edition.forum
    if forum is not None and forum.starts_at not in named:
        found.append(Step(forum.starts_at, forum.title, ends_at=forum.ends_at))
    return sorted(found, key=lambda step: (step.starts_at, step.over_at))


def split(found, now=None):
    """(steps not over yet, steps over) at ``now``."""
    now = clock.now(now)
    upcoming = [step for step in found if step.over_at >= now]
    for step in upcoming:
        step.ongoing = step.ends_at is not None and step.starts_at <= now
    return upcoming, [step for step in found if step.over_at < now]
