"""The dashboard's pages cost the same number of queries with 20 candidatures as with 2,000, and with one edition
as with several."""

from datetime import timedelta
from decimal import Decimal
from itertools import cycle

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from auditions.jury.models import Assignment, Evaluation, Score
from auditions.sessions.models import Availability
from label.models import Candidature, CriterionAnswer, Level, Milestone, Status, TerritoryKind
from notifications.models import Notification
from tests.jury.factories import JuryFactory, JuryMemberFactory

from .factories import candidature, edition_2020, future_session, paris, region

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


def owners(count, start):
    """``count`` candidate accounts made in one query (one active candidature per account and edition)."""
    return get_user_model().objects.bulk_create(
        get_user_model()(email=f"owner{start + index}@example.org", full_name=f"Agent {start + index}", password="!")
        for index in range(count)
    )


def populate(edition, count, jurors, session, start=0):
    """``count`` candidatures across statuses, regions and days, made in bulk so that 2,000 stay quick: the
    shortlisted ones assigned to every juror, half of them scored, a quarter submitted; one in three
    shortlisted given an availability, one placed."""
    regions = cycle([region("32"), region("28"), region("11"), None])
    levels = cycle(Level.values)
    statuses = cycle(STATUSES)
    made = []
    for index, owner in enumerate(owners(count, start)):
        status = next(statuses)
        made.append(
            Candidature(
                edition=edition,
                owner=owner,
                status=status,
                reference="" if status == Status.DRAFT else f"LTI-2020-{start + index + 1:05d}",
                territory_name=f"Commune {start + index}",
                territory_kind=TerritoryKind.COMMUNE,
                region=next(regions),
                population=12000,
                project_title="Éclairage public intelligent",
                summary="Un éclairage qui s'adapte aux passages.",
                description="Contexte, objectifs, réalisation.",
                stage="pilot",
                contact_name="Sophie Leroy",
                contact_email=owner.email,
                consent_rules=True,
                outcome_level=next(levels) if status == Status.LAUREATE else "",
                submitted_at=None if status == Status.DRAFT else paris(2020, 6, 1 + index % 19, 9),
            )
        )
    made = Candidature.objects.bulk_create(made)
    criteria = list(edition.criteria.order_by("order"))
    CriterionAnswer.objects.bulk_create(
        CriterionAnswer(candidature=item, criterion=criterion, text="Notre réponse.")
        for index, item in enumerate(made)
        if index % 2 == 0
        for criterion in criteria
    )
    shortlisted = [item for item in made if item.status == Status.SHORTLISTED]
    assess(edition.juries.get(), jurors, shortlisted, criteria)
    Availability.objects.bulk_create(
        Availability(candidature=item, session=session, available=True) for item in shortlisted[::3]
    )
    free = session.slots.filter(candidature__isnull=True).first()
    if free is not None and shortlisted:
        free.candidature = shortlisted[-1]
        free.save()
    Notification.objects.bulk_create(
        Notification(
            kind="test",
            recipient=f"r{start + index}@example.org",
            language="fr",
            subject="s",
            body_text="b",
            status=status,
        )
        for index, status in enumerate([Notification.Status.QUEUED, Notification.Status.FAILED] * (count // 10))
    )


def assess(jury, jurors, shortlisted, criteria):
    """Each shortlisted candidature assigned to every juror; every other one scored 3 then 4, every fourth
    submitted, the rest a draft."""
    assignments = Assignment.objects.bulk_create(
        Assignment(jury=jury, juror=juror, candidature=item) for item in shortlisted for juror in jurors
    )
    positions = {item.pk: position for position, item in enumerate(shortlisted)}
    scored = [
        (assignment, positions[assignment.candidature_id] % 4 == 1)
        for assignment in assignments
        if positions[assignment.candidature_id] % 2
    ]
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            assignment=assignment,
            status=Evaluation.Status.SUBMITTED if submitted else Evaluation.Status.DRAFT,
            weighted_total=Decimal("14") if submitted else None,
            submitted_at=timezone.now() if submitted else None,
        )
        for assignment, submitted in scored
    )
    Score.objects.bulk_create(
        Score(evaluation=evaluation, criterion=criterion, value=value)
        for evaluation in evaluations
        for criterion, value in zip(criteria, (3, 4), strict=True)
    )


def test_the_edition_page_costs_the_same_with_20_and_2000_candidatures(organiser_client, count_queries):
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
    populate(edition, 1980, jurors, session, start=20)
    assert count_queries(organiser_client, url) == twenty

    context = organiser_client.get(url).context
    assert context["figures"].total == 2000
    assert len(context["unplaced"]) > 200
    assert Evaluation.objects.filter(status=Evaluation.Status.SUBMITTED).count() > 300
    assert sum(progress.late for progress in context["juries"]) > 900
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
