"""The call, the home page and the laureates: cached for anonymous visitors, dropped when an organiser changes them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from label import services
from label.models import Status
from tests.conftest import text

from .admin_factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def anonymous(url):
    """A first visit (no cookie): the page and whether it was rendered for it rather than read from the cache."""
    response = Client().get(url)
    assert response.status_code == 200
    return bool(response.templates), text(response)


def edition_change(edition, **changes):
    """The edition's admin form as it is, with ``changes``, and no criterion or milestone."""
    data = {
        "name": edition.name,
        "slug": edition.slug,
        "year": str(edition.year),
        "code": edition.code,
        "tagline": edition.tagline,
        "published": "on",
        "opens_at_0": edition.opens_at.astimezone(PARIS).strftime("%d/%m/%Y"),
        "opens_at_1": edition.opens_at.astimezone(PARIS).strftime("%H:%M:%S"),
        "closes_at_0": edition.closes_at.astimezone(PARIS).strftime("%d/%m/%Y"),
        "closes_at_1": edition.closes_at.astimezone(PARIS).strftime("%H:%M:%S"),
        "description": edition.description,
        "eligibility": edition.eligibility,
        "contact_email": edition.contact_email,
        "laureate_levels": "on",
        "target_laureates": str(edition.target_laureates),
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_an_organiser_s_edit_in_the_admin_shows_at_once_on_the_call_and_the_home_page(organiser_client):
    edition = EditionFactory(name="Hauts-de-France 2020", tagline="Comment opérer une ville durable ?")
    call = reverse("label:call", kwargs={"edition": edition.slug})
    home = reverse("home")
    assert [anonymous(call)[0], anonymous(call)[0], anonymous(home)[0], anonymous(home)[0]] == [
        True,
        False,
        True,
        False,
    ]

    response = organiser_client.post(
        reverse("admin:label_edition_change", args=[edition.pk]),
        edition_change(edition, name="Hauts-de-France 2020 (clos)", tagline="Une ville durable et intelligente"),
    )

    assert response.status_code == 302
    rendered, page = anonymous(call)
    assert (rendered, "Une ville durable et intelligente" in page, "Comment opérer" in page) == (True, True, False)
    assert "Hauts-de-France 2020 (clos)" in anonymous(home)[1]


def test_a_criterion_added_in_the_admin_shows_on_the_call(organiser_client):
    edition = EditionFactory()
    call = reverse("label:call", kwargs={"edition": edition.slug})
    anonymous(call)
    data = edition_change(edition)
    data.update(
        {
            "criteria-TOTAL_FORMS": "1",
            "criteria-0-order": "1",
            "criteria-0-code": "sobriete",
            "criteria-0-name": "Efficacité et sobriété numérique",
            "criteria-0-weight": "2",
            "criteria-0-scale_min": "0",
            "criteria-0-scale_max": "5",
        }
    )

    assert organiser_client.post(reverse("admin:label_edition_change", args=[edition.pk]), data).status_code == 302
    assert '<th scope="row">Efficacité et sobriété numérique</th>' in anonymous(call)[1]


def test_a_page_rendered_before_the_commit_of_a_change_is_dropped_with_the_commit(django_capture_on_commit_callbacks):
    edition = EditionFactory(tagline="Avant")
    call = reverse("label:call", kwargs={"edition": edition.slug})

    with django_capture_on_commit_callbacks(execute=False) as at_commit:
        edition.tagline = "Après"
        edition.save()
        # Another process could still read "Avant" here, and store it under the new version.
        anonymous(call)
        served_before_commit = anonymous(call)[0]
    for callback in at_commit:
        callback()

    assert (served_before_commit, anonymous(call)[0]) == (False, True)


def test_published_laureates_appear_at_once_on_the_laureates_page(organiser_client, organiser):
    edition = EditionFactory()
    roubaix = CandidatureFactory(edition=edition, territory_name="Roubaix", status=Status.AUDITIONED)
    laureates = reverse("label:laureates", kwargs={"edition": edition.slug})
    anonymous(laureates)
    services.stage_decision(roubaix, "select_laureate", organiser, level="gold")
    staged = anonymous(laureates)

    response = organiser_client.post(
        reverse("admin:label_candidature_changelist"),
        {"action": "publish_staged", "_selected_action": [roubaix.pk], "reason": "Jury du 3 février"},
    )

    assert response.status_code == 302
    assert (staged[0], "Roubaix" in staged[1]) == (False, False)
    rendered, page = anonymous(laureates)
    assert (rendered, '<h3 class="h5 card-title mb-1" lang="fr">Roubaix</h3>' in page) == (True, True)


def test_a_status_change_that_does_not_touch_the_laureates_keeps_the_pages(organiser):
    edition = EditionFactory()
    dossier = CandidatureFactory(edition=edition)
    call = reverse("label:call", kwargs={"edition": edition.slug})
    anonymous(call)

    services.fire(dossier, "mark_eligible", organiser)

    assert anonymous(call)[0] is False


def test_the_call_page_cached_before_the_deadline_expires_at_the_deadline(clock):
    closes_at = datetime(2026, 6, 20, tzinfo=PARIS)
    edition = EditionFactory(opens_at=closes_at - timedelta(days=90), closes_at=closes_at)
    call = reverse("label:call", kwargs={"edition": edition.slug})
    clock.set(closes_at - timedelta(seconds=10))
    before = Client().get(call)

    clock.set(closes_at)
    rendered, page = anonymous(call)

    assert (before["Cache-Control"], "Candidatures ouvertes jusqu'au" in text(before)) == ("public, max-age=10", True)
    assert (rendered, "L'appel à candidatures est clos." in page) == (True, True)
