"""Two web nodes, two Celery workers and one beat behave as one site.

Everything goes through real HTTP to two gunicorn processes that share only what a deployment shares: PostgreSQL,
Redis (cache, rate limits, broker), the S3 bucket and the SMTP server. Each step sends its requests to both nodes,
so anything kept in one process's memory or on its disk shows up as a failure.
"""

import re
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Registration
from label.models import Document
from notifications.models import Notification
from notifications.services import dispatch_all
from tests.conftest import wait_for
from tests.events.factories import EventFactory
from tests.factories import PASSWORD, OrganiserFactory, UserFactory
from tests.label.factories import CandidatureFactory, EditionFactory
from tests.scaleout.conftest import REGISTRATION_RATE_LIMIT, Visitor

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

NOTIFICATIONS = 200
# Seconds the SMTP recorder must stay still once every e-mail has arrived.
QUIET_SECONDS = 5
TOO_MANY = "Trop d'inscriptions depuis votre connexion en une heure."
SENT_LOG = re.compile(r"Task notifications\.send\[[^\]]+\] succeeded in [0-9.]+s: (.+)")
HEARTBEAT_LOG = re.compile(r"Task notifications\.heartbeat\[[^\]]+\] received")
PUBLIC_READ = "http://acs.amazonaws.com/groups/global/AllUsers"


def test_two_nodes_two_workers_and_one_beat_behave_as_one(cluster, live_tasks, smtp_server, bucket):
    # Counts in Redis outlive the test (an hour): addresses of this run only.
    run = uuid.uuid4().hex[:12]
    addresses = (f"fd00:{run[0:4]}:{run[4:8]}:{run[8:12]}::{index:x}" for index in range(1, 1000))

    with cluster.explained():
        candidate, visitor = a_session_opened_on_a_is_open_on_b(cluster)
    with cluster.explained():
        a_document_uploaded_on_a_is_served_on_b_to_those_allowed(cluster, bucket, candidate, visitor, run)
    with cluster.explained():
        registrations_are_limited_per_address_across_both_nodes(cluster, addresses, run)
    with cluster.explained():
        every_email_leaves_once_whichever_node_queued_it(cluster, smtp_server, addresses, run)
    assert cluster.failures() == [], cluster.tails()


def log_in(visitor, node, user, code=None):
    """The log-in form, then the second factor's when ``code`` is given; returns the last answer."""
    answer = visitor.submit(node, reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert answer.status == 302, f"log-in refused on node {node.name} (HTTP {answer.status})"
    if code is not None:
        assert answer.location.startswith(reverse("accounts:second_factor_verify")), answer.location
        answer = visitor.submit(node, answer.location, {"code": code})
        assert answer.status == 302, f"code refused on node {node.name} (HTTP {answer.status})"
    return answer


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def a_session_opened_on_a_is_open_on_b(cluster):
    candidate = UserFactory()
    visitor = Visitor()
    assert log_in(visitor, cluster.a, candidate).location == reverse("home")

    page = visitor.get(cluster.b, reverse("label:my_candidatures"))

    assert (page.status, candidate.email in page.text) == (200, True)
    stranger = Visitor().get(cluster.b, reverse("label:my_candidatures"))
    assert (stranger.status, stranger.location.startswith(reverse("accounts:login"))) == (302, True)
    return candidate, visitor


def pdf(marker):
    """A PDF of about 3 MiB: past the upload's in-memory limit and past the storage's read buffer."""
    lines = b"".join(b"%% %06d 0123456789abcdefghijklmnopqrstuvwxyz\n" % index for index in range(70_000))
    return b"%PDF-1.4\n% " + marker.encode() + b"\n" + lines + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def a_document_uploaded_on_a_is_served_on_b_to_those_allowed(cluster, bucket, candidate, visitor, run):
    edition = EditionFactory(slug=f"scaleout-{run}")
    candidature = CandidatureFactory(edition=edition, owner=candidate)
    content = pdf(run)
    documents_step = reverse("label:step", kwargs={"edition": edition.slug, "step": "documents"})

    answer = visitor.submit(
        cluster.a,
        documents_step,
        {"kind": "annex", "action": "upload"},
        files={"file": ("budget-previsionnel.pdf", content, "application/pdf")},
    )

    assert (answer.status, answer.location) == (302, documents_step)
    document = Document.objects.get(candidature=candidature)
    assert (document.original_name, document.size, document.content_type) == (
        "budget-previsionnel.pdf",
        len(content),
        "application/pdf",
    )
    key = f"private/{document.file.name}"
    assert bucket.keys() == [key]
    assert bucket.read(key) == content
    assert [grant for grant in bucket.acl_grants(key) if grant["Grantee"].get("URI") == PUBLIC_READ] == []
    assert [path for folder in cluster.local_folders for path in folder.rglob("*")] == []

    download = reverse("label:download", kwargs={"pk": document.pk})
    organiser = OrganiserFactory()
    device = TOTPDevice.objects.create(user=organiser, name="application", confirmed=True)
    staff = Visitor()
    log_in(staff, cluster.b, organiser, code=current_code(device))
    admin_page = staff.get(cluster.b, reverse("admin:label_candidature_change", args=[candidature.pk]))
    assert (admin_page.status, f'href="{download}"' in admin_page.text) == (200, True)

    for reader in (staff, visitor):
        served = reader.get(cluster.b, download)
        assert (served.status, served.headers["content-disposition"], served.body == content) == (
            200,
            'attachment; filename="budget-previsionnel.pdf"',
            True,
        )

    other_candidate = Visitor()
    log_in(other_candidate, cluster.b, UserFactory())
    refused = other_candidate.get(cluster.b, download)
    assert (refused.status, content[:64] in refused.body) == (404, False)
    anonymous = Visitor().get(cluster.b, download)
    assert (anonymous.status, anonymous.location.startswith(reverse("accounts:login"))) == (302, True)


def register(node, event, address, email):
    path = reverse("events:detail", kwargs={"slug": event.slug})
    fields = {
        "full_name": "Camille Martin",
        "email": email,
        "organisation": "Communauté urbaine",
        "attendance": Registration.Attendance.ON_SITE,
        "website": "",
    }
    return Visitor(address).submit(node, path, fields)


def registrations_are_limited_per_address_across_both_nodes(cluster, addresses, run):
    event = EventFactory(slug=f"rencontre-limite-{run}")
    crowded, other = next(addresses), next(addresses)
    a, b = cluster.nodes
    emails = [f"limite-{index}-{run}@territoire.example" for index in range(5)]

    answers = [register(node, event, crowded, email) for node, email in zip((a, b, a, b, a), emails[:5], strict=True)]

    accepted = [answer.status == 302 for answer in answers]
    assert accepted == [True] * REGISTRATION_RATE_LIMIT + [False, False]
    assert [TOO_MANY in answer.text for answer in answers] == [False] * REGISTRATION_RATE_LIMIT + [True, True]
    assert register(b, event, other, f"autre-{run}@territoire.example").status == 302
    assert sorted(event.registrations.values_list("email", flat=True)) == sorted(
        [*emails[:REGISTRATION_RATE_LIMIT], f"autre-{run}@territoire.example"]
    )


def every_email_leaves_once_whichever_node_queued_it(cluster, smtp_server, addresses, run):
    event = EventFactory(slug=f"rencontre-{run}")
    people = [
        (cluster.nodes[index % 2], next(addresses), f"inscrit-{index}-{run}@territoire.example")
        for index in range(NOTIFICATIONS)
    ]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda person: register(person[0], event, *person[1:]).status, people))

    assert statuses == [302] * NOTIFICATIONS
    registrations = [str(pk) for pk in event.registrations.values_list("pk", flat=True)]
    confirmations = Notification.objects.filter(kind="registration_confirmed", object_id__in=registrations)
    rows = list(confirmations.values_list("pk", "bulk"))
    assert len(rows) == NOTIFICATIONS
    # What a sweep or a broker's redelivery may do at worst: hand every row to the workers a second time.
    assert dispatch_all(rows) == NOTIFICATIONS

    expected = Notification.objects.count()
    wait_for(lambda: len(smtp_server.messages) >= expected, timeout=60, message=f"{expected} e-mails")
    arrived_at = time.monotonic()
    # The beat's first tick (30 s after it started): one heartbeat task, taken by one worker only.
    wait_for(lambda: cluster.beat.sent("worker-heartbeat") >= 1, timeout=45, message="the beat's heartbeat tick")
    wait_for(
        lambda: (
            sum(len(HEARTBEAT_LOG.findall(worker.output())) for worker in cluster.workers)
            == cluster.beat.sent("worker-heartbeat")
        ),
        timeout=10,
        message="a worker to run each heartbeat the beat sent",
    )
    time.sleep(max(0, QUIET_SECONDS - (time.monotonic() - arrived_at)))

    # Each row of the outbox went out in exactly one e-mail, in one attempt.
    sent = Counter(message["X-LTI-Notification"] for message in smtp_server.messages)
    assert sent == Counter({str(pk): 1 for pk in Notification.objects.values_list("pk", flat=True)})
    assert set(Notification.objects.values_list("status", "attempts")) == {(Notification.Status.SENT, 1)}
    mine = {str(pk) for pk, _bulk in rows}
    recipients = [message["To"] for message in smtp_server.messages if message["X-LTI-Notification"] in mine]
    assert sorted(recipients) == sorted(email for _node, _address, email in people)
    # Both workers sent some; the duplicates found their row already taken (None).
    results = [Counter(SENT_LOG.findall(worker.output())) for worker in cluster.workers]
    assert [result["'sent'"] > 0 for result in results] == [True, True], results
    assert sum(result["'sent'"] for result in results) == expected, results
