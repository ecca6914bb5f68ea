"""The candidature e-mails, rendered in French as ``notify`` renders them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import get_template

from label import workflow
from label.models import (
    Candidature,
    Criterion,
    CriterionAnswer,
    Document,
    Edition,
    HistoryEntry,
    Level,
    Region,
    Status,
    TerritoryKind,
)
from notifications.services import render
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SITE_URL = "https://label.example"
SIGNATURE = "L'équipe du Label Territoire Innovant"


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def edition():
    return Edition.objects.create(
        name="Label Territoire Innovant 2020",
        slug="2020",
        year=2020,
        opens_at=paris(2020, 4, 15),
        closes_at=paris(2020, 6, 20),
        contact_email="contact@label.example",
    )


@pytest.fixture
def owner():
    return UserFactory(email="agent@dunkerque.example", full_name="Marc Lefebvre")


@pytest.fixture
def candidature(edition, owner):
    return Candidature.objects.create(
        edition=edition,
        owner=owner,
        reference="LTI-2020-0042",
        status=Status.SUBMITTED,
        territory_name="Communauté urbaine de Dunkerque",
        territory_kind=TerritoryKind.INTERCOMMUNALITY,
        region=Region.objects.get(code="32"),
        population=196000,
        project_title="Éclairage public sobre et intelligent",
        summary="Un éclairage qui s'adapte au passage des piétons.\nMoins 60 % de consommation.",
        submitted_at=paris(2020, 6, 19, 23, 30),
        contact_email="agent@dunkerque.example",
    )


def context(candidature, **extra):
    """What ``notify`` passes to the templates, plus the caller's context."""
    return {
        "site_url": SITE_URL,
        "recipient": candidature.owner,
        "candidature": candidature,
        "edition": candidature.edition,
        **extra,
    }


def entry(candidature, note=""):
    return HistoryEntry.objects.create(candidature=candidature, action=HistoryEntry.Action.STATUS, note=note)


def lines(text):
    return text.splitlines()


def test_the_receipt_lists_the_dossier_and_the_deadline(candidature, edition):
    innovation = Criterion.objects.create(edition=edition, code="innovation", name="Innovation", weight=25, order=1)
    usagers = Criterion.objects.create(
        edition=edition, code="usagers", name="Prise en compte des usagers", weight=20, order=2
    )
    answers = [
        CriterionAnswer.objects.create(candidature=candidature, criterion=innovation, text="Une première en France."),
        CriterionAnswer.objects.create(candidature=candidature, criterion=usagers, text="Des marches exploratoires."),
    ]
    documents = [Document(candidature=candidature, original_name="présentation-éclairage.pdf", size=1000)]

    subject, text, html = render(
        "candidature_submitted", context(candidature, answers=answers, documents=documents), "fr"
    )

    assert subject == "Accusé de réception : candidature LTI-2020-0042"
    assert text == (
        "Bonjour,\n"
        "\n"
        "Nous avons bien reçu votre candidature à l'appel « Label Territoire Innovant 2020 ». "
        "Merci pour votre participation !\n"
        "\n"
        "Référence : LTI-2020-0042\n"
        "Déposée le : vendredi 19 juin 2020 à 23:30\n"
        "Collectivité : Communauté urbaine de Dunkerque\n"
        "Projet : Éclairage public sobre et intelligent\n"
        "\n"
        "Résumé :\n"
        "Un éclairage qui s'adapte au passage des piétons.\n"
        "Moins 60 % de consommation.\n"
        "\n"
        "Critères renseignés :\n"
        "- Innovation\n"
        "- Prise en compte des usagers\n"
        "\n"
        "Documents joints :\n"
        "- présentation-éclairage.pdf\n"
        "\n"
        "Vous pouvez encore compléter ou modifier votre candidature jusqu'au vendredi 19 juin 2020 à minuit "
        "(heure de Paris). Chaque modification apportée après le dépôt est enregistrée dans son historique.\n"
        "\n"
        "Pour la consulter ou la modifier :\n"
        f"{SITE_URL}/mes-candidatures/{candidature.pk}/\n"
        "\n"
        "Ce courriel est adressé au titulaire du compte qui a déposé la candidature et, s'il s'agit d'une autre "
        "personne, au contact indiqué dans le dossier.\n"
        "\n"
        f"{SIGNATURE}\n"
    )
    link = f"{SITE_URL}/mes-candidatures/{candidature.pk}/"
    assert f'<a href="{link}" rel="nofollow">{link}</a>' in html


def test_the_receipt_follows_a_deadline_extension_and_says_when_nothing_is_attached(candidature):
    candidature.extended_until = paris(2020, 6, 22, 12, 0)

    _subject, text, _html = render("candidature_submitted", context(candidature, answers=[], documents=[]), "fr")

    assert "Critères renseignés :\n- aucun\n\nDocuments joints :\n- aucun\n" in text
    assert (
        "Vous pouvez encore compléter ou modifier votre candidature jusqu'au lundi 22 juin 2020 à 12:00 "
        "(heure de Paris). Chaque modification apportée après le dépôt est enregistrée dans son historique."
    ) in lines(text)


def test_the_organisers_notice_links_to_the_admin(candidature):
    subject, text, _html = render("candidature_submitted_notice", context(candidature, answers=[], documents=[]), "fr")

    assert subject == "Nouvelle candidature déposée : LTI-2020-0042 · Communauté urbaine de Dunkerque"
    assert lines(text)[4:13] == [
        "Référence : LTI-2020-0042",
        "Déposée le : vendredi 19 juin 2020 à 23:30",
        "Collectivité : Communauté urbaine de Dunkerque",
        "Région : Hauts-de-France",
        "Projet : Éclairage public sobre et intelligent",
        "Compte : Marc Lefebvre (agent@dunkerque.example)",
        "",
        "Pour l'examiner dans l'administration :",
        f"{SITE_URL}/admin/label/candidature/{candidature.pk}/change/",
    ]


def test_withdrawn_confirms_with_the_reason(candidature):
    subject, text, _html = render(
        "candidature_withdrawn", context(candidature, entry=entry(candidature, "Projet reporté à 2021.")), "fr"
    )

    assert subject == "Retrait de votre candidature LTI-2020-0042"
    assert lines(text)[4:11] == [
        "Référence : LTI-2020-0042",
        "Collectivité : Communauté urbaine de Dunkerque",
        "Projet : Éclairage public sobre et intelligent",
        "",
        "Motif indiqué :",
        "Projet reporté à 2021.",
        "",
    ]
    assert lines(text)[-1] == SIGNATURE
    assert "/candidater/" not in text  # the call is closed


def test_a_withdrawn_draft_has_no_reference_and_may_start_again_while_the_call_is_open(owner):
    edition = Edition.objects.create(
        name="Label Territoire Innovant 2099",
        slug="2099",
        year=2099,
        opens_at=paris(2020, 1, 1),
        closes_at=paris(2099, 6, 20),
        contact_email="contact@label.example",
    )
    draft = Candidature.objects.create(edition=edition, owner=owner)

    subject, text, _html = render("candidature_withdrawn", context(draft, entry=entry(draft)), "fr")

    assert subject == "Retrait de votre candidature à l'appel « Label Territoire Innovant 2099 »"
    assert not any(line.startswith(("Référence", "Motif")) for line in lines(text))
    assert "Collectivité : —" in lines(text)
    assert lines(text)[-4:] == [
        "L'appel est encore ouvert : vous pouvez, si vous le souhaitez, commencer une nouvelle candidature.",
        f"{SITE_URL}/label/2099/candidater/",
        "",
        SIGNATURE,
    ]


def test_reopened_asks_to_submit_again_before_the_deadline(candidature):
    candidature.status = Status.DRAFT
    note = "Merci de joindre la délibération du conseil communautaire."

    subject, text, _html = render("candidature_reopened", context(candidature, entry=entry(candidature, note)), "fr")

    assert subject == "Action requise : votre candidature est rouverte"
    assert lines(text)[2:13] == [
        "L'équipe du label a remis en brouillon votre candidature LTI-2020-0042 à l'appel "
        "« Label Territoire Innovant 2020 », afin que vous puissiez la compléter ou la corriger.",
        "",
        "Ce qui est attendu :",
        note,
        "",
        "Votre candidature n'est plus considérée comme déposée : pour qu'elle soit examinée, vous devez la "
        "déposer à nouveau avant le vendredi 19 juin 2020 à minuit (heure de Paris).",
        "",
        "Ouvrez votre candidature, complétez-la ou corrigez-la, puis cliquez sur « Déposer la candidature » :",
        f"{SITE_URL}/mes-candidatures/{candidature.pk}/",
        "",
        "Pour toute question, écrivez-nous à contact@label.example.",
    ]


def test_eligible_without_a_note_has_no_note_heading(candidature):
    subject, text, _html = render("candidature_eligible", context(candidature, entry=entry(candidature)), "fr")

    assert subject == "Votre candidature LTI-2020-0042 est recevable"
    assert lines(text)[2] == (
        "Nous avons le plaisir de vous informer que la candidature « Éclairage public sobre et intelligent » "
        "(Communauté urbaine de Dunkerque) à l'appel « Label Territoire Innovant 2020 » a été jugée recevable."
    )
    assert "Précision de l'équipe du label :" not in lines(text)
    assert f"{SITE_URL}/mes-candidatures/{candidature.pk}/" in lines(text)


def test_ineligible_gives_the_reason(candidature):
    note = "Le projet est porté par une association et non par une collectivité (règlement, article 2)."

    subject, text, _html = render("candidature_ineligible", context(candidature, entry=entry(candidature, note)), "fr")

    assert subject == "Votre candidature LTI-2020-0042 n'est pas recevable"
    assert lines(text)[3:7] == ["", "Motif :", note, ""]
    assert "Pour toute question sur cette décision, écrivez-nous à contact@label.example. " in text


def test_shortlisted_announces_the_audition(candidature):
    subject, text, _html = render("candidature_shortlisted", context(candidature, entry=entry(candidature)), "fr")

    assert subject == "Votre candidature LTI-2020-0042 est présélectionnée pour les auditions"
    assert not subject.startswith("Action requise")
    assert lines(text)[2] == (
        "Félicitations : le projet « Éclairage public sobre et intelligent » (Communauté urbaine de Dunkerque) "
        "est présélectionné pour les auditions de l'appel « Label Territoire Innovant 2020 »."
    )


def test_laureate_mentions_the_level_when_there_is_one(candidature):
    candidature.outcome_level = Level.SILVER

    subject, text, _html = render(
        "candidature_laureate", context(candidature, entry=entry(candidature, "Un projet exemplaire.")), "fr"
    )

    assert subject == "Félicitations : votre candidature LTI-2020-0042 est lauréate"
    assert lines(text)[2:6] == [
        "Nous avons le grand plaisir de vous annoncer que votre collectivité, Communauté urbaine de Dunkerque, "
        "est lauréate de l'appel « Label Territoire Innovant 2020 », au niveau Argent, "
        "pour le projet « Éclairage public sobre et intelligent ».",
        "",
        "Le mot du jury :",
        "Un projet exemplaire.",
    ]


def test_laureate_without_a_level(candidature):
    candidature.outcome_level = ""

    _subject, text, _html = render("candidature_laureate", context(candidature, entry=entry(candidature)), "fr")

    assert lines(text)[2] == (
        "Nous avons le grand plaisir de vous annoncer que votre collectivité, Communauté urbaine de Dunkerque, "
        "est lauréate de l'appel « Label Territoire Innovant 2020 » "
        "pour le projet « Éclairage public sobre et intelligent »."
    )
    assert "Le mot du jury :" not in lines(text)


def test_not_retained_thanks_and_gives_the_jurys_word(candidature):
    note = "Le jury a apprécié la démarche mais attend des résultats mesurés."

    subject, text, _html = render(
        "candidature_not_retained", context(candidature, entry=entry(candidature, note)), "fr"
    )

    assert subject == "Votre candidature LTI-2020-0042 n'a pas été retenue"
    assert lines(text)[2:6] == [
        "Nous vous remercions pour la candidature « Éclairage public sobre et intelligent » "
        "(Communauté urbaine de Dunkerque) à l'appel « Label Territoire Innovant 2020 ». "
        "Après délibération, le jury ne l'a pas retenue cette année.",
        "",
        "Le mot du jury :",
        note,
    ]


@pytest.mark.parametrize(
    ("milestone", "remaining"),
    [
        ("j7", "Il vous reste moins d'une semaine"),
        ("j1", "Il vous reste moins de 24 heures"),
    ],
)
def test_the_draft_reminder_asks_for_action(candidature, edition, milestone, remaining):
    candidature.status = Status.DRAFT
    extra = {"deadline": edition.closes_at, "milestone": milestone}

    subject, text, _html = render("draft_reminder", context(candidature, **extra), "fr")

    assert subject == "Action requise : votre candidature est à déposer avant le vendredi 19 juin 2020 à minuit"
    assert lines(text)[2:14] == [
        "Votre candidature « Éclairage public sobre et intelligent » à l'appel « Label Territoire Innovant 2020 » "
        "est encore un brouillon : elle n'a pas été déposée et ne pourra pas être examinée en l'état.",
        "",
        f"{remaining} : la candidature doit être déposée avant le vendredi 19 juin 2020 à minuit (heure de Paris).",
        "",
        "Pour la déposer :",
        "1. ouvrez votre candidature ;",
        "2. complétez les étapes signalées comme incomplètes ;",
        "3. cliquez sur « Déposer la candidature » : vous recevrez aussitôt un accusé de réception avec votre "
        "référence.",
        "",
        f"{SITE_URL}/label/2020/candidater/",
        "",
        "Si vous ne souhaitez plus candidater, vous pouvez ignorer ce message.",
    ]


def test_the_draft_reminder_of_an_untitled_draft(candidature, edition):
    candidature.project_title = ""
    extra = {"deadline": paris(2020, 6, 19, 18, 0), "milestone": "j7"}

    subject, text, _html = render("draft_reminder", context(candidature, **extra), "fr")

    assert subject == "Action requise : votre candidature est à déposer avant le vendredi 19 juin 2020 à 18:00"
    assert lines(text)[2] == (
        "Votre candidature à l'appel « Label Territoire Innovant 2020 » est encore un brouillon : "
        "elle n'a pas été déposée et ne pourra pas être examinée en l'état."
    )


def test_a_note_is_not_html_escaped_in_the_text_but_is_in_the_html(candidature):
    note = "Pièce « A & B » <manquante>."

    _subject, text, html = render("candidature_ineligible", context(candidature, entry=entry(candidature, note)), "fr")

    assert note in lines(text)
    assert "Pièce « A &amp; B » &lt;manquante&gt;." in html


@pytest.mark.parametrize("name", [name for name, transition in workflow.TRANSITIONS.items() if transition.notification])
def test_every_notified_transition_has_its_templates(name):
    kind = workflow.TRANSITIONS[name].notification
    for part in ("subject.txt", "body.txt"):
        assert get_template(f"notifications/{kind}/{part}") is not None
