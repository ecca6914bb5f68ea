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
        "était publié, niveau du label), sans aucune donnée personnelle.",
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
