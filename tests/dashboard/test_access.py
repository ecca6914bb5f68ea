"""Only organisers reach the dashboard: others are refused, anonymous people are asked to log in."""

import pytest
from django.urls import reverse

from auditions.jury.models import JuryMember
from notifications.models import Notification
from tests.factories import UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory

from .factories import edition_2020

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return edition_2020()


@pytest.fixture
def jury(edition):
    return JuryFactory(edition=edition)


def urls(edition):
    return [reverse("dashboard:index"), reverse("dashboard:edition", kwargs={"edition": edition.slug})]


def test_anonymous_people_are_sent_to_the_login_page(client, edition):
    for url in urls(edition):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_a_candidate_is_refused(client, edition):
    client.force_login(UserFactory())
    assert [client.get(url).status_code for url in urls(edition)] == [403, 403]


def test_a_juror_is_refused_and_cannot_send_reminders(client, edition, jury):
    juror = JuryMemberFactory(jury=jury, state=JuryMember.State.ACCEPTED).user
    client.force_login(juror)
    assert [client.get(url).status_code for url in urls(edition)] == [403, 403]
    remind = reverse("dashboard:remind", kwargs={"edition": edition.slug, "jury": jury.pk})
    assert client.post(remind).status_code == 403
    assert not Notification.objects.filter(kind="jury_reminder").exists()


def test_staff_outside_the_organisers_group_is_refused(client, edition):
    client.force_login(UserFactory(is_staff=True))
    assert [client.get(url).status_code for url in urls(edition)] == [403, 403]


def test_organisers_see_both_pages(organiser_client, edition):
    index, page = (organiser_client.get(url) for url in urls(edition))
    assert (index.status_code, page.status_code) == (200, 200)
    assert [edition for edition, _state in index.context["editions"]] == [edition]
    assert page.context["edition"] == edition


def test_an_unknown_edition_is_not_found(organiser_client):
    assert organiser_client.get(reverse("dashboard:edition", kwargs={"edition": "nope"})).status_code == 404


def test_the_reminder_only_answers_a_post(organiser_client, edition, jury):
    remind = reverse("dashboard:remind", kwargs={"edition": edition.slug, "jury": jury.pk})
    assert organiser_client.get(remind).status_code == 405
