"""The whole demo, replayed through the domain services in the order things happened, with e-mails muted.

Running it again changes nothing and duplicates nothing: configuration is rewritten with the same values,
and a step already taken (an account, a registration, a submission, a decision, an answer, a score, a
publication) is not taken again.
"""

from django.db import transaction
from django.utils import timezone

from auditions.jury.models import Evaluation
from core import clock
from label.models import Status
from notifications.services import muted
from showcase.models import PublishedProject

from . import data, editions, events, jury, people, projects, sessions


def run(stdout, today=None):
    today = today or timezone.localdate()
    with transaction.atomic(), muted():
        persons = people.seed()
        dated_events = events.seed(today)
        closed = editions.seed_2020(dated_events)
        the_jury = jury.seed(closed, persons)
        editions.advance(closed, persons, before=sessions.FIRST_ANSWER_AT)
        session = sessions.seed(sessions.SESSIONS["2020"], closed, dated_events, today)
        jury.declare_conflicts(the_jury, persons)
        editions.advance(closed, persons, before=jury.ASSIGNED_AT)
        jury.assign_and_score(the_jury, persons)
        editions.advance(closed, persons)
        earlier = projects.seed(closed, persons, dated_events)
        current = editions.seed_current(today, dated_events)
        editions.seed_draft(current, persons)
        upcoming = sessions.seed(sessions.SESSIONS["current"], current, dated_events, today)
    _report(stdout, dated_events.values(), closed, current, the_jury, (session, upcoming), earlier)


def _report(stdout, dated_events, closed, current, the_jury, audition_sessions, earlier):
    stdout.write("Demo accounts:")
    for account in people.ACCOUNTS:
        stdout.write(f"  {account['role']:<10} {data.email(account['local_part'])}")
    for event in dated_events:
        stdout.write(f"Events: {event.slug} on {clock.in_paris(event.starts_at):%Y-%m-%d %H:%M} (Paris)")
    stdout.write(f"Label: edition {closed.slug} (closed, {closed.candidatures.count()} candidatures)")
    for edition in earlier:
        stdout.write(f"Label: edition {edition.slug} (closed, {edition.candidatures.count()} labelled projects)")
    stdout.write(f"Label: edition {current.slug} open until {clock.in_paris(current.closes_at):%Y-%m-%d %H:%M} (Paris)")
    evaluations = the_jury.assignments.filter(evaluation__status=Evaluation.Status.SUBMITTED).count()
    laureates = closed.candidatures.filter(status=Status.LAUREATE).count()
    stdout.write(
        f"Auditions: {the_jury.name} ({closed.slug}), {the_jury.members.count()} jurors, "
        f"{the_jury.assignments.count()} assignments, {evaluations} submitted evaluations, {laureates} laureates"
    )
    for session in audition_sessions:
        filled = session.slots.filter(candidature__isnull=False).count()
        state = "published" if session.published else "unpublished"
        stdout.write(
            f"Auditions: session {session.title!r} ({session.edition.slug}) on "
            f"{clock.in_paris(session.starts_at):%Y-%m-%d %H:%M} (Paris), "
            f"{filled}/{session.slots.count()} slots filled, {state}"
        )
    years = sorted(set(PublishedProject.objects.values_list("year", flat=True)))
    stdout.write(f"Showcase: {PublishedProject.objects.count()} published projects ({', '.join(map(str, years))})")
