import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from notifications.models import Notification
from notifications.services import deliver, notify
from tests.factories import UserFactory

Status = Notification.Status
pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_notification_changelist")


def queue(count, **fields):
    user = UserFactory()
    for index in range(count):
        notify("password_reset", to=user, context={"user": user, "reset_url": f"https://x.example/{index}/"}, **fields)


def refused(recipient, reply):
    """A row that the loopback SMTP server refused with ``reply``, after its one allowed attempt."""
    notification = notify("password_reset", to=recipient, context={"user": UserFactory(), "reset_url": "u"})
    assert deliver(notification.pk) == Status.FAILED
    notification.refresh_from_db()
    return notification


def short_errors(html):
    return re.findall(r'<td class="field-short_error">(.*?)</td>', html)


def test_the_outbox_list_costs_the_same_with_1_and_60_rows(
    organiser_client, smtp_backend, settings, django_assert_num_queries, count_queries
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    smtp_backend.refuse_with = "550 5.1.1 No such user here"
    refused("maire@ville.example", smtp_backend.refuse_with)
    organiser_client.get(CHANGELIST)
    one = count_queries(organiser_client, CHANGELIST)
    queue(57)
    smtp_backend.refuse_with = "451 4.3.0 Mailbox temporarily unavailable"
    refused("dgs@ville.example", smtp_backend.refuse_with)
    refused("elus@ville.example", smtp_backend.refuse_with)
    with django_assert_num_queries(one):
        response = organiser_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 60
    assert len(short_errors(response.content.decode())) == 50


def test_the_list_shows_the_error_shortened_with_the_whole_text_on_hover_and_filters_by_kind(
    organiser_client, smtp_backend, settings
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    smtp_backend.refuse_with = "550 5.1.1 No such user here"
    unknown = refused("maire@ville.example", smtp_backend.refuse_with)
    smtp_backend.refuse_with = "451 4.3.0 Mailbox temporarily unavailable"
    busy = refused("dgs@ville.example", smtp_backend.refuse_with)
    queue(1)
    assert (unknown.error_kind, unknown.last_error) == (
        "SMTP 550",
        "SMTPRecipientsRefused: {'maire@ville.example': (550, b'5.1.1 No such user here')}",
    )
    assert (busy.error_kind, busy.last_error) == (
        "SMTP 451",
        "SMTPRecipientsRefused: {'dgs@ville.example': (451, b'4.3.0 Mailbox temporarily unavailable')}",
    )

    response = organiser_client.get(CHANGELIST)
    assert short_errors(response.content.decode()) == [
        "—",
        '<span title="{}">{}</span>'.format(
            escape(busy.last_error), escape("SMTPRecipientsRefused: {'dgs@ville.example': (451, b'4.3.0 …")
        ),
        '<span title="{}">{}</span>'.format(
            escape(unknown.last_error), escape("SMTPRecipientsRefused: {'maire@ville.example': (550, b'5.1.…")
        ),
    ]
    cl = response.context["cl"]
    [error_filter] = [spec for spec in cl.filter_specs if str(spec.title) == "type d'erreur"]
    assert [choice["display"] for choice in error_filter.choices(cl)] == ["Tout", "SMTP 451", "SMTP 550"]

    response = organiser_client.get(CHANGELIST, {"error_kind": "SMTP 550"})
    assert [n.recipient for n in response.context["cl"].result_list] == ["maire@ville.example"]
    response = organiser_client.get(CHANGELIST, {"q": "temporarily unavailable"})
    assert [n.recipient for n in response.context["cl"].result_list] == ["dgs@ville.example"]

    detail = organiser_client.get(reverse("admin:notifications_notification_change", args=[unknown.pk]))
    shown = {
        field.field["name"]: field.contents()
        for fieldset in detail.context["adminform"]
        for line in fieldset
        for field in line
        if field.field["name"] in ("error_kind", "last_error")
    }
    assert shown == {"error_kind": "SMTP 550", "last_error": escape(unknown.last_error)}


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
