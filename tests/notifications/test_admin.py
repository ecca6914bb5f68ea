import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory

Status = Notification.Status
pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_notification_changelist")


def queue(count, **fields):
    user = UserFactory()
    for index in range(count):
        notify("password_reset", to=user, context={"user": user, "reset_url": f"https://x.example/{index}/"}, **fields)


def test_the_outbox_list_costs_the_same_with_1_and_60_rows(organiser_client, django_assert_num_queries):
    queue(1)
    organiser_client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as one:
        assert organiser_client.get(CHANGELIST).status_code == 200
    queue(59)
    with django_assert_num_queries(len(one.captured_queries)):
        response = organiser_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 60


def test_the_outbox_list_warns_when_no_worker_is_alive(organiser_client):
    html = organiser_client.get(CHANGELIST).content.decode()
    assert "les courriels ne partent pas" in html


def test_filters_and_search(organiser_client):
    queue(2)
    notify("password_reset", to="maire@ville.example", context={"user": UserFactory(), "reset_url": "u"})
    Notification.objects.filter(recipient="maire@ville.example").update(status=Status.FAILED)
    response = organiser_client.get(CHANGELIST, {"status__exact": "failed"})
    assert [n.recipient for n in response.context["cl"].result_list] == ["maire@ville.example"]
    response = organiser_client.get(CHANGELIST, {"q": "maire@"})
    assert response.context["cl"].result_count == 1


def test_a_personal_link_is_never_shown_to_organisers(organiser_client):
    user = UserFactory()
    notification = notify(
        "password_reset",
        to=user,
        context={"user": user, "reset_url": "https://x.example/secret-token/"},
        sensitive=True,
    )
    html = organiser_client.get(reverse("admin:notifications_notification_change", args=[notification.pk])).content
    assert b"secret-token" not in html
    assert "Contenu masqué".encode() in html


def test_resend_and_cancel_actions(organiser_client, django_capture_on_commit_callbacks):
    queue(2)
    failed, queued = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=5, last_error="boom")

    organiser_client.post(CHANGELIST, {"action": "cancel_action", "_selected_action": [queued.pk]})
    queued.refresh_from_db()
    assert queued.status == Status.CANCELLED

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(CHANGELIST, {"action": "resend_action", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (Status.SENT, 1, "")


def test_a_candidate_cannot_reach_the_outbox(client):
    client.force_login(UserFactory())
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
