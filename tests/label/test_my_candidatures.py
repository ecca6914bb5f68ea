"""/mes-candidatures/ says one true sentence per candidature, before and after its deadline."""

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from label import workflow
from label.models import Status
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
URL = reverse("label:my_candidatures")
# "Avant le 19 juin 2020 à minuit": the last accepted instant is 23:59:59 on 19 June (Paris).
CLOSES_AT = datetime(2020, 6, 20, tzinfo=PARIS)
LAST_SECOND = CLOSES_AT - timedelta(seconds=1)
# 23:30 UTC on 18 June is already 19 June in Paris.
SUBMITTED_AT = datetime(2020, 6, 18, 23, 30, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def edition():
    return EditionFactory(
        name="Label Territoire Innovant 2020",
        slug="2020",
        year=2020,
        opens_at=datetime(2020, 5, 1, tzinfo=PARIS),
        closes_at=CLOSES_AT,
    )


def draft(edition, **fields):
    return CandidatureFactory(edition=edition, territory_name="Ville de Roubaix", project_title="Ateliers", **fields)


def submitted(edition, **fields):
    return draft(edition, status=Status.SUBMITTED, reference="LTI-2020-0007", submitted_at=SUBMITTED_AT, **fields)


def cards(client, owner):
    """The whole text of each card of the owner's /mes-candidatures/."""
    client.force_login(owner)
    page = client.get(URL).content.decode()
    found = re.findall(r'<article class="card[^"]*">(.*?)</article>', page, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split()) for card in found]


HEADER = "Ateliers Label Territoire Innovant 2020 · Ville de Roubaix"
# Every card ends with the state of the publication consent (the factories' candidatures have none).
UNPUBLISHED = "Publication non autorisée : le titre et le résumé du projet n'apparaissent pas sur les pages publiques."
AGREE_WHILE_EDITABLE = (
    "Vous pouvez donner votre accord à l'étape Contact et engagements tant que la candidature est modifiable."
)


def test_a_draft_before_the_deadline_is_asked_to_be_completed_and_submitted(client, clock, edition):
    candidature = draft(edition)
    clock.set(datetime(2020, 6, 10, 12, tzinfo=PARIS))

    assert cards(client, candidature.owner) == [
        f"{HEADER} Brouillon Complétez les étapes puis déposez votre candidature avant la date limite. "
        "Il reste 1 semaine, 2 jours : date limite le vendredi 19 juin 2020 à minuit. Continuer ma candidature "
        f"{UNPUBLISHED} {AGREE_WHILE_EDITABLE}"
    ]


def test_a_draft_after_the_deadline_only_says_it_was_not_submitted(client, clock, edition):
    candidature = draft(edition)
    clock.set(CLOSES_AT)

    assert cards(client, candidature.owner) == [f"{HEADER} Brouillon Non déposée : l'appel est clos. {UNPUBLISHED}"]


def test_a_submission_before_the_deadline_can_still_be_changed(client, clock, edition):
    candidature = submitted(edition)
    clock.set(datetime(2020, 6, 19, 22, tzinfo=PARIS))

    assert cards(client, candidature.owner) == [
        f"{HEADER} · LTI-2020-0007 Déposée Votre candidature est déposée. Vous pouvez encore la modifier jusqu'à la "
        "date limite ; l'équipe du label l'examinera ensuite. Il reste 2 heures : date limite le vendredi 19 juin "
        f"2020 à minuit. Modifier ma candidature Accusé de réception {UNPUBLISHED} {AGREE_WHILE_EDITABLE}"
    ]


def test_a_submission_after_the_deadline_says_when_it_was_submitted_and_that_it_is_being_examined(
    client, clock, edition
):
    candidature = submitted(edition)
    clock.set(CLOSES_AT)

    assert cards(client, candidature.owner) == [
        f"{HEADER} · LTI-2020-0007 Déposée Déposée le 19 juin 2020, plus modifiable : l'équipe du label l'examine. "
        f"Accusé de réception {UNPUBLISHED}"
    ]


def test_an_extension_keeps_the_before_deadline_sentence_until_it_ends(client, clock, edition):
    extended_until = CLOSES_AT + timedelta(days=3)
    candidature = submitted(edition, extended_until=extended_until)

    clock.set(CLOSES_AT + timedelta(days=1))
    assert workflow.next_step(candidature, timezone.now()) == (
        "Votre candidature est déposée. Vous pouvez encore la modifier jusqu'à la date limite ; "
        "l'équipe du label l'examinera ensuite."
    )
    assert cards(client, candidature.owner)[0].endswith(
        "Il reste 2 jours : date limite le lundi 22 juin 2020 à minuit. Modifier ma candidature Accusé de réception "
        f"{UNPUBLISHED} {AGREE_WHILE_EDITABLE}"
    )

    clock.set(extended_until)
    assert workflow.next_step(candidature, timezone.now()) == (
        "Déposée le 19 juin 2020, plus modifiable : l'équipe du label l'examine."
    )


def test_the_sentence_changes_at_midnight_after_the_last_day(edition):
    candidatures = [draft(edition), submitted(edition)]

    assert [[workflow.next_step(c, now) for c in candidatures] for now in (LAST_SECOND, CLOSES_AT)] == [
        [
            "Complétez les étapes puis déposez votre candidature avant la date limite.",
            "Votre candidature est déposée. Vous pouvez encore la modifier jusqu'à la date limite ; "
            "l'équipe du label l'examinera ensuite.",
        ],
        [
            "Non déposée : l'appel est clos.",
            "Déposée le 19 juin 2020, plus modifiable : l'équipe du label l'examine.",
        ],
    ]


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (Status.ELIGIBLE, "Votre candidature est recevable. Le jury prépare la présélection pour les auditions."),
        (Status.SHORTLISTED, "Votre projet est présélectionné : indiquez vos disponibilités pour l'audition."),
        (Status.WITHDRAWN, "Vous avez retiré cette candidature."),
    ],
)
def test_the_later_statuses_read_the_same_before_and_after_the_deadline(edition, status, sentence):
    candidature = submitted(edition)
    candidature.status = status

    assert [workflow.next_step(candidature, now) for now in (LAST_SECOND, CLOSES_AT)] == [sentence, sentence]


def test_the_page_costs_the_same_with_1_and_12_candidatures_before_and_after_their_deadlines(client, count_queries):
    owner = UserFactory()
    CandidatureFactory(owner=owner)
    client.force_login(owner)
    client.get(URL)
    one = count_queries(client, URL)
    now = timezone.now()
    for index in range(6):
        closed = EditionFactory(opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1))
        still_open = EditionFactory()
        for edition in (closed, still_open):
            if index % 2:
                CandidatureFactory(owner=owner, edition=edition)
            else:
                CandidatureFactory(
                    owner=owner,
                    edition=edition,
                    status=Status.SUBMITTED,
                    reference=f"LTI-{edition.year}-{index:04d}",
                    submitted_at=now - timedelta(days=2),
                    extended_until=now + timedelta(days=1) if index == 2 else None,
                )

    assert count_queries(client, URL) == one
    assert len(cards(client, owner)) == 13


def test_each_status_its_owner_acts_on_until_the_deadline_has_its_after_deadline_sentence():
    waiting_for_the_deadline = {
        status
        for transition in workflow.TRANSITIONS.values()
        if workflow.OWNER in transition.roles and transition.owner_needs_open_call
        for status in transition.sources
    }

    with_after_deadline = {status for status, state in workflow.STATES.items() if state.after_deadline}
    assert waiting_for_the_deadline == with_after_deadline == {Status.DRAFT, Status.SUBMITTED}


# --- in English ------------------------------------------------------------------------------


HEADER_EN = "Ateliers Label Territoire Innovant 2020 · Ville de Roubaix"
UNPUBLISHED_EN = "Publication not allowed: the project's title and summary do not appear on the public pages."


def english_cards(client, owner):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return cards(client, owner)


def test_after_the_deadline_a_draft_says_in_english_that_it_was_not_submitted(client, clock, edition):
    candidature = draft(edition)
    clock.set(CLOSES_AT)

    assert english_cards(client, candidature.owner) == [
        f"{HEADER_EN} Draft Not submitted: the call is closed. {UNPUBLISHED_EN}"
    ]


def test_after_the_deadline_a_submission_says_in_english_when_it_was_submitted(client, clock, edition):
    candidature = submitted(edition)
    clock.set(CLOSES_AT)

    assert english_cards(client, candidature.owner) == [
        f"{HEADER_EN} · LTI-2020-0007 Submitted Submitted on 19 June 2020, no longer editable: the label team is "
        f"reviewing it. Acknowledgement of receipt {UNPUBLISHED_EN}"
    ]
