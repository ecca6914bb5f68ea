"""The dashboard's pages cost the same number of queries with 20 candidatures as with 220, and with one edition
as with several."""

from datetime import timedelta
from itertools import cycle

import pytest
from django.urls import reverse
from django.utils import timezone

from auditions.jury.models import Assignment, Evaluation
from label.models import Level, Milestone, Status
from notifications.models import Notification
from tests.jury.factories import JuryFactory, JuryMemberFactory, scored

from .factories import available, candidature, edition_2020, future_session, paris, region

pytestmark = pytest.mark.django_db

STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.ELIGIBLE,
    Status.INELIGIBLE,
    Status.SHORTLISTED,
    Status.AUDITIONED,
    Status.LAUREATE,
    Status.NOT_RETAINED,
    Status.WITHDRAWN,
)


def populate(edition, count, jurors, session):
    """``count`` candidatures across statuses, regions and days; the shortlisted ones assigned to every juror,
    half of them scored; one in three shortlisted given an availability, one placed."""
    regions = cycle([region("32"), region("28"), region("11"), None])
    levels = cycle(Level.values)
    statuses = cycle(STATUSES)
    made = []
    for index in range(count):
        status = next(statuses)
        made.append(
            candidature(
                edition,
                status,
                region=next(regions),
                level=next(levels) if status == Status.LAUREATE else "",
                submitted_at=None if status == Status.DRAFT else paris(2020, 6, 1 + index % 19, 9),
                answered=index % 2 == 0,
            )
        )
    jury = edition.juries.get()
    shortlisted = [item for item in made if item.status == Status.SHORTLISTED]
    for position, item in enumerate(shortlisted):
        for juror in jurors:
            if position % 2:
                scored(jury, juror, item, [3, 4], submit=position % 4 == 1)
            else:
                Assignment.objects.create(jury=jury, juror=juror, candidature=item)
        if position % 3 == 0:
            available(item, session)
    free = session.slots.filter(candidature__isnull=True).first()
    if free is not None and shortlisted:
        free.candidature = shortlisted[-1]
        free.save()
    Notification.objects.bulk_create(
        Notification(
            kind="test", recipient=f"r{index}@example.org", language="fr", subject="s", body_text="b", status=status
        )
        for index, status in enumerate([Notification.Status.QUEUED, Notification.Status.FAILED] * (count // 10))
    )


def test_the_edition_page_costs_the_same_with_20_and_220_candidatures(organiser_client, count_queries):
    edition = edition_2020()
    now = timezone.now()
    jury = JuryFactory(
        edition=edition, scoring_opens_at=now - timedelta(days=5), scoring_closes_at=now + timedelta(days=2)
    )
    session = future_session(edition, slots=12)
    Milestone.objects.create(edition=edition, starts_at=now + timedelta(days=60), title="Forum national")
    jurors = [JuryMemberFactory(jury=jury).user for _ in range(3)]
    populate(edition, 20, jurors, session)
    url = reverse("dashboard:edition", kwargs={"edition": edition.slug})
    organiser_client.get(url)
    twenty = count_queries(organiser_client, url)

    jurors += [JuryMemberFactory(jury=jury).user for _ in range(3)]
    populate(edition, 200, jurors, session)
    assert count_queries(organiser_client, url) == twenty

    context = organiser_client.get(url).context
    assert context["figures"].total == 220
    assert len(context["unplaced"]) > 10
    assert Evaluation.objects.filter(status=Evaluation.Status.SUBMITTED).count() > 20
    assert sum(progress.late for progress in context["juries"]) > 50
    print(f"edition page: {twenty} queries")


def test_the_editions_list_costs_the_same_with_1_and_5_editions(organiser_client, count_queries):
    url = reverse("dashboard:index")
    first = edition_2020()
    candidature(first, Status.SUBMITTED)
    organiser_client.get(url)
    one = count_queries(organiser_client, url)
    for number in range(4):
        edition = edition_2020(name=f"Édition {number}", slug=f"edition-{number}", code=f"E{number}")
        for status in STATUSES:
            candidature(edition, status, level=Level.GOLD if status == Status.LAUREATE else "")
    assert count_queries(organiser_client, url) == one
    assert len(organiser_client.get(url).context["editions"]) == 5
    print(f"editions list: {one} queries")
