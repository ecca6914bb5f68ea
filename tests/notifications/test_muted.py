"""``muted()``: replaying past events (the demo data) e-mails nobody, and only inside the block."""

import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import muted, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reset_context(user):
    return {"user": user, "reset_url": "https://lti.example/compte/mot-de-passe/nouveau/abc/def/"}


def test_inside_muted_nothing_is_queued_nor_dispatched(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, muted():
        notification = notify("password_reset", to=user, context=reset_context(user), key="muted")

    assert notification is None
    assert list(Notification.objects.all()) == []
    assert callbacks == []
    assert mail.outbox == []


def test_after_the_block_and_after_a_failure_in_it_mail_goes_out_again(django_capture_on_commit_callbacks):
    user = UserFactory()
    with pytest.raises(RuntimeError), muted():
        raise RuntimeError("the replay failed")

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify("password_reset", to=user, context=reset_context(user), key="after")

    assert list(Notification.objects.values_list("pk", "idempotency_key")) == [(notification.pk, "after")]
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_a_nested_block_leaves_the_outer_one_muted():
    user = UserFactory()

    with muted():
        with muted():
            pass
        notification = notify("password_reset", to=user, context=reset_context(user), key="nested")

    assert (notification, Notification.objects.count()) == (None, 0)
