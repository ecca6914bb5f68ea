"""The privacy page states the periods the purge applies, read from the same settings, and where rights are used."""

import re

import pytest
from django.urls import reverse

from tests.conftest import text

pytestmark = pytest.mark.django_db


def _section(page, heading, following):
    """The list items of the section under ``heading``, as plain sentences."""
    section = page.split(f"<h2>{heading}</h2>", 1)[1].split(f"<h2>{following}</h2>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", section, flags=re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_the_periods_are_the_ones_applied(client):
    page = text(client.get(reverse("privacy")))

    assert _section(page, "Durées de conservation", "Cookies") == [
        "Comptes : jusqu'à leur suppression, ou 3 ans après la dernière connexion (après l'inscription pour un "
        "compte jamais utilisé). Un courriel vous prévient au moins 30 jours avant : il suffit de vous connecter "
        "pour conserver votre compte. Sinon, il est anonymisé : nom, adresse e-mail et mot de passe effacés.",
        "Candidatures et évaluations : 5 ans après la clôture de l'édition, pour l'historique du label. Ensuite, "
        "les candidatures non lauréates sont supprimées avec leurs pièces jointes et leurs évaluations ; des "
        "lauréates ne restent que les résultats publics (collectivité, région, titre du projet, son résumé s'il "
        "était publié, niveau du label) et, si elle a été publiée, la page du projet sans son contact, ses images "
        "ni ses documents : le registre public du label, publié avec l'accord de la collectivité, sans aucune "
        "donnée personnelle.",
        "Inscriptions aux événements : 1 an après l'événement.",
        "Journal des courriels, événements de sécurité du compte et traces de connexion : 1 an.",
        "Journal d'audit (qui a modifié les notes, les décisions et les jurys) : 5 ans après chaque entrée. Quand "
        "un compte est supprimé, ses entrées restent, attribuées à « Compte supprimé n° … ».",
        "Archives de vos données (« Mes données ») : téléchargeables 7 jours, puis supprimées.",
    ]


def test_other_settings_other_promises(client, settings):
    settings.RETENTION = {"accounts": 1, "candidatures": 10, "registrations": 2, "outbox": 3, "audit": 1}
    settings.RETENTION_WARNING_DAYS = 1
    settings.DATA_EXPORT_VALID_DAYS = 1

    items = _section(text(client.get(reverse("privacy"))), "Durées de conservation", "Cookies")

    assert [item.split(" : ", 1)[1].split(".", 1)[0] for item in items] == [
        "jusqu'à leur suppression, ou 1 an après la dernière connexion (après l'inscription pour un compte jamais "
        "utilisé)",
        "10 ans après la clôture de l'édition, pour l'historique du label",
        "2 ans après l'événement",
        "3 ans",
        "1 an après chaque entrée",
        "téléchargeables 1 jour, puis supprimées",
    ]
    assert "Un courriel vous prévient au moins 1 jour avant" in items[0]


def test_rights_are_exercised_from_my_data(client):
    page = client.get(reverse("privacy")).content.decode()
    rights = page.split("<h2>Vos droits</h2>", 1)[1].split("</article>", 1)[0]

    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', rights)
    assert links == [
        (reverse("privacy:my_data"), "Mes données"),
        (reverse("privacy:delete_account"), "supprimer votre compte"),
        (reverse("label:my_candidatures"), "Mes candidatures"),
    ]


def test_the_page_is_still_a_cached_public_page(client):
    first = client.get(reverse("privacy"))
    second = client.get(reverse("privacy"))

    assert (first.status_code, second.status_code, second["Cache-Control"].startswith("public")) == (200, 200, True)
    assert second.content == first.content


def test_the_project_page_is_described_with_its_contact_its_basis_and_its_withdrawal(client):
    page = text(client.get(reverse("privacy")))

    collected = _section(page, "Données recueillies et finalités", "Destinataires")
    assert collected[3] == (
        "Fiche projet (collectivités lauréates ou présélectionnées) : les textes du projet, le contact que la "
        "collectivité choisit de "
        "publier (nom, fonction, adresse e-mail, téléphone d'une personne ou d'un service), les documents et images "
        "qu'elle choisit de montrer — pour présenter le projet dans le catalogue public, sur sa page, dans les flux "
        "et par l'API de données ouvertes, une fois la fiche relue et approuvée par l'équipe du label. Base légale : "
        "votre consentement, donné en envoyant la fiche en relecture et enregistré avec sa date et la version du "
        "texte accepté. Vous le retirez à tout moment depuis « Mes candidatures » : la page du projet quitte "
        "aussitôt le site, avec ses images."
    )
    assert "Aucune donnée personnelle des agents" not in page
    rights = _section(page.split("</article>", 1)[0] + "<h2>Fin</h2>", "Vos droits", "Fin")
    assert rights[-1] == (
        "retirer votre accord de publication depuis Mes candidatures : le projet quitte aussitôt les pages "
        "publiques (catalogue, page du projet, flux et API)."
    )
