"""``notify_many``, ``compose`` and ``store``: the outbox's batch path, as reminders and receipts use it."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.template import Context, Template
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.services import Mail, compose, fill, muted, notify, notify_many, render, store, text_as_html
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FRENCH_SUBJECT = "Action requise : choisissez un nouveau mot de passe"


def reset_mail(user, key, url="https://lti.example/compte/mot-de-passe/nouveau/abc/def/", **fields):
    return Mail(to=user, key=key, context={"user": user, "reset_url": url}, **fields)


def statements(captured):
    return [query["sql"].split()[0] for query in captured.captured_queries]


@pytest.fixture
def rendered_templates():
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def test_one_row_per_mail_in_its_recipients_language_under_its_key_as_notify_renders_it():
    french = UserFactory(full_name="Sophie Leroy", email="sophie@ville.example")
    english = UserFactory(full_name="Ann Smith", email="ann@city.example", language="en")
    mails = [
        reset_mail(french, "reset:1"),
        reset_mail(english, "reset:2"),
        reset_mail("maire@ville.example", "reset:3"),
    ]

    assert notify_many("password_reset", mails, bulk=True) == 3

    rows = list(Notification.objects.order_by("pk"))
    assert [(n.recipient, n.language, n.idempotency_key, n.bulk, n.subject) for n in rows] == [
        ("sophie@ville.example", "fr", "reset:1", True, FRENCH_SUBJECT),
        ("ann@city.example", "en", "reset:2", True, "Action required: choose a new password"),
        ("maire@ville.example", "fr", "reset:3", True, FRENCH_SUBJECT),
    ]
    for row, message, recipient in zip(rows, mails, [french, english, None], strict=True):
        context = {"site_url": settings.SITE_URL, "recipient": recipient, **message.context}
        assert (row.subject, row.body_text, row.body_html) == render("password_reset", context, row.language)


def test_a_second_run_queues_nothing_and_says_so(django_capture_on_commit_callbacks):
    users = UserFactory.create_batch(3)

    with django_capture_on_commit_callbacks(execute=True) as first:
        first_count = notify_many("password_reset", [reset_mail(user, f"reset:{user.pk}") for user in users])
    with django_capture_on_commit_callbacks(execute=True) as second:
        second_count = notify_many("password_reset", [reset_mail(user, f"reset:{user.pk}") for user in users])

    assert (first_count, second_count) == (3, 0)
    assert (len(first), second) == (1, [])
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in users)
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 3


def test_keys_already_stored_cost_one_query_per_chunk_and_are_not_rendered(rendered_templates):
    users = UserFactory.create_batch(5)
    notify("password_reset", to=users[0], context={"user": users[0], "reset_url": "u"}, key="reset:0")
    notify("password_reset", to=users[3], context={"user": users[3], "reset_url": "u"}, key="reset:3")
    rendered_templates.clear()

    with CaptureQueriesContext(connection) as captured:
        created = notify_many(
            "password_reset", [reset_mail(user, f"reset:{index}") for index, user in enumerate(users)], chunk_size=3
        )

    assert created == 3
    # Per chunk: the stored keys, then one insert in a savepoint (the test runs inside a transaction).
    assert statements(captured) == ["SELECT", "SAVEPOINT", "INSERT", "RELEASE"] * 2
    assert rendered_templates.count("notifications/password_reset/body.txt") == 3
    assert sorted(Notification.objects.values_list("idempotency_key", flat=True)) == [f"reset:{n}" for n in range(5)]


def test_mails_of_one_variant_are_rendered_once_per_language(rendered_templates):
    french, other, english = UserFactory(), UserFactory(), UserFactory(language="en")
    shared = {"user": french, "reset_url": "https://lti.example/r/"}
    mails = [
        Mail(to=person, key=f"reset:{person.pk}", context=shared, variant="same") for person in (french, other, english)
    ]

    assert notify_many("password_reset", mails) == 3

    assert rendered_templates.count("notifications/password_reset/body.txt") == 2
    texts = dict(Notification.objects.values_list("recipient", "body_text"))
    assert texts[french.email] == texts[other.email] != texts[english.email]


def test_rows_go_to_the_broker_after_commit_chunk_by_chunk_in_order(django_capture_on_commit_callbacks):
    users = UserFactory.create_batch(5)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_many("password_reset", [reset_mail(user, f"reset:{user.pk}") for user in users], chunk_size=2)

    assert len(callbacks) == 3
    assert [message.to[0] for message in mail.outbox] == [user.email for user in users]


def test_muted_batches_store_and_dispatch_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()
    composed = compose("password_reset", [reset_mail(user, "composed")])

    with django_capture_on_commit_callbacks(execute=True) as callbacks, muted():
        counts = (
            notify_many("password_reset", [reset_mail(user, "muted")]),
            len(compose("password_reset", [reset_mail(user, "muted")])),
            len(store(composed)),
        )

    assert counts == (0, 0, 0)
    assert (list(Notification.objects.all()), callbacks, mail.outbox) == ([], [], [])


def test_a_key_stored_after_the_rows_were_composed_is_skipped_and_the_stored_row_kept():
    users = UserFactory.create_batch(3)
    rows = compose("password_reset", [reset_mail(user, f"reset:{user.pk}") for user in users])
    theirs = notify(
        "password_reset", to=users[1], context={"user": users[1], "reset_url": "theirs"}, key=rows[1].idempotency_key
    )

    stored = store(rows)

    assert [row.idempotency_key for row in stored] == [rows[0].idempotency_key, rows[2].idempotency_key]
    assert Notification.objects.get(idempotency_key=rows[1].idempotency_key).pk == theirs.pk
    assert Notification.objects.count() == 3


def test_fill_gives_what_rendering_with_the_value_would_have_given():
    user = UserFactory(full_name="Sophie Leroy")
    placeholder, value = "REFERENCEPENDING42", "LTI-2020-HDF-0042"
    url = "https://lti.example/dossier/{}/"

    filled = compose("password_reset", [reset_mail(user, "a", url=url.format(placeholder))])
    fill(filled, placeholder, value)
    direct = compose("password_reset", [reset_mail(user, "b", url=url.format(value))])

    assert [(row.subject, row.body_text, row.body_html) for row in filled] == [
        (row.subject, row.body_text, row.body_html) for row in direct
    ]


def test_fill_escapes_the_value_in_the_html():
    (row,) = compose("password_reset", [reset_mail(UserFactory(), "a", url="https://lti.example/?n=PENDING")])

    fill([row], "PENDING", "a<b")

    assert "https://lti.example/?n=a<b\n" in row.body_text
    assert '<p style="font-size: 13px; color: #555;">https://lti.example/?n=a&lt;b</p>' in row.body_html


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour,\n\nVotre dossier : https://lti.example/mes-candidatures/4/\nÉcrivez à contact@label.example.\n\n\n"
        "Voir www.label.example, ou <b>rien</b> & « ceci ».\n\nL'équipe",
        "Une seule ligne sans lien.",
        "Deux\r\n\r\nparagraphes\r\navec des fins de ligne Windows : http://a.example/x?y=1&z=2",
        "Référence : LTI-2030-0001.\nDéposée le 1er juin à 14 h 05 ; <script>« & »</script> 'x' \"y\".\n\nFin.",
        "Un domaine nu : label.org, (mairie.gouv.net/plan). HTTPS://CAPITALES.EXAMPLE/ et mailto:equipe@label.fr",
        "Un point final.\n\nDeux : trois. Quatre ; cinq.com6 et label.community",
    ],
)
def test_a_text_becomes_html_as_the_urlize_and_linebreaks_filters_make_it(text):
    expected = Template("{{ text|urlize|linebreaks }}").render(Context({"text": text}))

    assert text_as_html(text) == expected


def account_exists_mail(user, key):
    return Mail(to=user, key=key, context={"user": user, "login_url": "https://lti.example/compte/connexion/"})


def test_an_html_body_says_the_language_it_is_written_in():
    french = UserFactory(email="sophie@ville.example")
    english = UserFactory(email="ann@city.example", language="en")

    framed = compose("account_exists", [account_exists_mail(french, "a"), account_exists_mail(english, "b")])
    own = compose("password_reset", [reset_mail(french, "c"), reset_mail(english, "d")])

    assert ['<html lang="fr">' in row.body_html for row in framed + own] == [True, False, True, False]
    assert ['<html lang="en">' in row.body_html for row in framed + own] == [False, True, False, True]
    assert "sent to you automatically by the Label Territoire Innovant" in framed[1].body_html


def test_the_common_frame_of_text_mails_is_rendered_once_per_language(rendered_templates):
    french, english = UserFactory(), UserFactory(language="en")
    compose("account_exists", [account_exists_mail(french, "warm-fr"), account_exists_mail(english, "warm-en")])
    rendered_templates.clear()

    rows = compose(
        "account_exists", [account_exists_mail(user, f"k{n}") for n, user in enumerate([french, english] * 3)]
    )

    assert rendered_templates.count("notifications/email_from_text.html") == 0
    assert rendered_templates.count("notifications/account_exists/body.txt") == 6
    assert [row.body_html.count(f'href="{settings.SITE_URL}"') for row in rows] == [1] * 6
    assert all(row.body_html.rstrip().endswith("</html>") for row in rows)
