"""``seed_demo`` builds the label's demo data once, sends nothing, and keeps the current call open."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from lxml import html

from accounts.models import User
from demo import editions, events, people
from label.models import Candidature, Criterion, CriterionAnswer, Edition, HistoryEntry, Milestone, Status
from notifications.models import Notification

from .seeding import count_rows, seed

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def counts():
    return count_rows(Edition, Criterion, Milestone, Candidature, CriterionAnswer, HistoryEntry, User, Notification)


def test_seeding_twice_changes_nothing_more_and_sends_nothing():
    seed()
    first = counts()
    seed()

    assert counts() == first
    assert first["Edition"] == 4
    assert first["Candidature"] == 19
    assert first["Notification"] == 0
    assert mail.outbox == []


def test_the_2020_call_closes_before_the_19th_of_june_at_midnight():
    seed()
    edition = Edition.objects.get(slug="2020")

    assert edition.closes_at == datetime(2020, 6, 20, 0, 0, tzinfo=PARIS)
    assert edition.opens_at == datetime(2020, 4, 15, 0, 0, tzinfo=PARIS)
    assert not edition.is_open()
    assert list(edition.criteria.values_list("code", "weight", "scale_min", "scale_max")) == [
        ("innovation", 25, 0, 5),
        ("usagers", 20, 0, 5),
        ("reproductibilite", 20, 0, 5),
        ("mutualisation", 15, 0, 5),
        ("sobriete", 20, 0, 5),
    ]
    # The deadline is shown from closes_at: the milestones are the steps after it.
    assert list(edition.milestones.values_list("title", "starts_at", "ends_at")) == [
        (
            "Auditions des candidats présélectionnés",
            datetime(2020, 6, 23, 14, 0, tzinfo=PARIS),
            datetime(2020, 6, 23, 17, 0, tzinfo=PARIS),
        ),
        (
            "Rencontre régionale « Comment opérer une ville durable et intelligente ? »",
            datetime(2020, 6, 30, 9, 30, tzinfo=PARIS),
            datetime(2020, 6, 30, 17, 0, tzinfo=PARIS),
        ),
        (
            "Forum national et remise des labels",
            datetime(2021, 2, 10, 9, 30, tzinfo=PARIS),
            datetime(2021, 2, 10, 17, 30, tzinfo=PARIS),
        ),
    ]


def test_the_2020_candidatures_are_submitted_in_time_with_consistent_trails():
    seed()
    edition = Edition.objects.get(slug="2020")
    candidatures = list(edition.candidatures.order_by("reference").prefetch_related("history", "answers"))

    assert [c.reference for c in candidatures] == [f"LTI-2020-HDF-{n:04d}" for n in range(1, 13)]
    assert edition.last_reference_number == 12
    assert Counter(c.status for c in candidatures) == {
        Status.SUBMITTED: 1,
        Status.ELIGIBLE: 1,
        Status.INELIGIBLE: 1,
        Status.SHORTLISTED: 4,
        Status.LAUREATE: 3,  # the jury's results, published on 15 July 2020
        Status.NOT_RETAINED: 2,
    }
    assert len({c.owner_id for c in candidatures}) == 12
    assert [c.submitted_at for c in candidatures] == sorted(c.submitted_at for c in candidatures)
    for candidature in candidatures:
        assert (
            datetime(2020, 5, 20, tzinfo=PARIS)
            <= candidature.submitted_at
            <= datetime(2020, 6, 19, 23, 30, tzinfo=PARIS)
        )
        assert candidature.region.code == "32"
        assert len(candidature.answers.all()) == 5
        trail = [(entry.from_status, entry.to_status) for entry in candidature.history.all()]
        assert trail[0] == (Status.DRAFT, Status.SUBMITTED)
        assert trail[-1][1] == candidature.status
        assert all(previous[1] == following[0] for previous, following in zip(trail, trail[1:], strict=False))
        for entry in candidature.history.all():
            if entry.to_status in (Status.INELIGIBLE, Status.NOT_RETAINED):
                assert entry.note


def test_the_current_call_is_open_now_until_30_days_from_today():
    seed()
    today = timezone.localdate()
    edition = Edition.objects.latest("closes_at")

    assert edition.is_open()
    assert edition.slug == str((today + timedelta(days=30)).year)
    assert edition.closes_at == datetime.combine(today + timedelta(days=30), datetime.min.time(), tzinfo=PARIS)
    assert list(edition.criteria.values_list("code", flat=True)) == [
        "innovation",
        "usagers",
        "reproductibilite",
        "mutualisation",
        "sobriete",
        "interoperabilite",
    ]
    assert all(milestone.starts_at > edition.opens_at for milestone in edition.milestones.all())


def test_a_later_run_moves_the_current_call_with_the_day():
    editions.seed_current(date(2031, 3, 1), events.seed(date(2031, 3, 1)))
    edition = editions.seed_current(date(2031, 3, 11), events.seed(date(2031, 3, 11)))

    assert Edition.objects.filter(slug="2031").count() == 1
    assert edition.closes_at == datetime(2031, 4, 10, tzinfo=PARIS)
    assert edition.opens_at == datetime(2031, 2, 9, tzinfo=PARIS)
    auditions = edition.milestones.get(title="Auditions des candidats présélectionnés")
    assert (auditions.starts_at, auditions.ends_at) == (
        datetime(2031, 5, 1, 14, 0, tzinfo=PARIS),
        datetime(2031, 5, 1, 17, 0, tzinfo=PARIS),
    )
    assert edition.milestones.count() == 3


def test_the_demo_candidate_has_exactly_one_draft_with_the_territory_filled():
    seed()
    seed()
    drafts = Candidature.objects.filter(owner=people.user("candidate"))

    assert [(c.status, c.territory_name, c.territory_kind, c.region.code, c.population) for c in drafts] == [
        (Status.DRAFT, "Ville de Saint-Omer", "commune", "32", 14_000)
    ]
    draft = drafts.get()
    assert draft.project_title != ""
    assert (draft.reference, draft.summary, draft.submitted_at, draft.answers.count()) == ("", "", None, 0)
    assert draft.is_writable()


def test_the_territory_accounts_log_in_with_the_demo_password():
    seed()

    assert User.objects.get(email="dunkerque@label-demo.example").check_password(people.PASSWORD)


def test_every_demo_edition_publishes_its_rules_as_a_page_linked_from_its_call(client):
    seed()
    for edition in Edition.objects.all():
        assert (edition.rules_url, edition.rules_link()) == ("", f"/label/{edition.slug}/reglement/")
        call = html.fromstring(client.get(f"/label/{edition.slug}/").content)
        assert call.xpath("//a[starts-with(normalize-space(), 'Lire le règlement')]/@href") == [edition.rules_link()]
        rules = client.get(edition.rules_link())
        assert rules.status_code == 200
        assert html.fromstring(rules.content).xpath("//h2")[0].text_content() == "Article 1 – Objet"
    rules_2020 = client.get("/label/2020/reglement/").content.decode()
    assert "avant le 19 juin 2020 à minuit (heure de Paris)" in rules_2020
