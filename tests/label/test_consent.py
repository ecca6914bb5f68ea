"""Consents: each one recorded with its words and their version; the publication consent withdrawn from
/mes-candidatures/ at any time, and the project's title and summary off every public page at once."""

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from lxml import html
from playwright.sync_api import expect

from label import services
from label.forms import ContactForm
from label.models import Candidature, Consent, HistoryEntry, Level, Status
from showcase.models import ProjectProfile
from tests.conftest import axe_violations, messages_of, text
from tests.demo.seeding import seed
from tests.events.factories import EventFactory
from tests.factories import PASSWORD, UserFactory
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
OPENS_AT = datetime(2026, 11, 2, tzinfo=PARIS)
CLOSES_AT = datetime(2026, 12, 20, tzinfo=PARIS)
RULES_FR = "J'ai lu le règlement de l'appel et je suis habilité·e à candidater au nom de la collectivité."
PUBLICATION_FR = "J'accepte que le titre et le résumé du projet soient publiés si la collectivité est lauréate."
PUBLICATION_EN = "I agree that the project's title and summary may be published if the local authority wins the label."
VERSION = "2026-12"
TITLE = "Des jardins partagés sur les toits"
SUMMARY = "Des potagers sur les toits des écoles, cultivés avec les habitants."


@pytest.fixture
def edition():
    return EditionFactory(name="Label Territoire Innovant 2026", slug="2026", opens_at=OPENS_AT, closes_at=CLOSES_AT)


def contact_url(edition):
    return reverse("label:step", kwargs={"edition": edition.slug, "step": "contact"})


def withdraw_url(candidature):
    return reverse("label:withdraw_publication", kwargs={"pk": candidature.pk})


def contact(**boxes):
    """The contact step saved as a draft, with the boxes ``boxes`` ticked."""
    data = {"contact_name": "Sophie Leroy", "contact_email": "sophie.leroy@roubaix.example", "action": "save"}
    return data | {name: "on" for name, ticked in boxes.items() if ticked}


def recorded(candidature):
    return list(
        candidature.consents.order_by("at", "pk").values_list(
            "purpose", "given", "person", "text_version", "text", "at"
        )
    )


def laureate(edition, territory, level=Level.GOLD, **fields):
    published = {"project_title": TITLE, "summary": SUMMARY, "consent_publication": True}
    return CandidatureFactory(
        edition=edition, territory_name=territory, status=Status.LAUREATE, outcome_level=level, **published | fields
    )


def anonymous(url):
    """A first visit: whether the page was rendered for it (not read from the cache), and its text."""
    response = Client().get(url)
    assert response.status_code == 200
    return bool(response.templates), text(response)


def laureate_cards(page):
    """Each laureate card of the laureates page: its territory and every line under it."""
    tree = html.fromstring(page)
    return [
        [" ".join(line.text_content().split()) for line in card.xpath("./*")]
        for card in tree.xpath("//article[starts-with(@id, 'laureat-')]")
    ]


# --- recorded where a person ticks or unticks ---------------------------------------------


def test_each_change_of_a_box_on_the_contact_step_is_recorded_with_its_words_and_version(client, clock, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner, consent_rules=False)
    client.force_login(owner)
    ticked_at = datetime(2026, 12, 1, 10, tzinfo=PARIS)
    unticked_at = ticked_at + timedelta(hours=2)

    def save(**boxes):
        # As the page sends it: with the edit token of the form just shown.
        base = client.get(contact_url(edition)).context["base"]
        return client.post(contact_url(edition), {**contact(**boxes), "base": base})

    clock.set(ticked_at)
    assert save(consent_rules=True, consent_publication=True).status_code == 302
    clock.set(unticked_at)
    save(consent_rules=True, consent_publication=False)
    save(consent_rules=True, consent_publication=False)

    assert recorded(candidature) == [
        ("rules", True, owner.pk, VERSION, RULES_FR, ticked_at),
        ("publication", True, owner.pk, VERSION, PUBLICATION_FR, ticked_at),
        ("publication", False, owner.pk, VERSION, PUBLICATION_FR, unticked_at),
    ]
    candidature.refresh_from_db()
    assert (candidature.consent_rules, candidature.consent_publication) == (True, False)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_words_recorded_are_the_label_of_the_box_as_the_person_read_it(client, edition, language):
    owner = UserFactory()
    CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = html.fromstring(text(client.get(contact_url(edition))))
    (label,) = page.xpath("//label[@for='id_consent_publication']")
    client.post(contact_url(edition), contact(consent_rules=True, consent_publication=True))

    (consent,) = Consent.objects.filter(purpose=Consent.Purpose.PUBLICATION)
    assert consent.text == " ".join(label.text_content().split())
    assert consent.text == {"fr": PUBLICATION_FR, "en": PUBLICATION_EN}[language]


def test_the_form_is_labelled_with_the_words_that_are_recorded(edition):
    candidature = CandidatureFactory(edition=edition)
    form = ContactForm(instance=candidature)

    with translation.override("fr"):
        assert [str(form.fields[name].label) for name in ("consent_rules", "consent_publication")] == [
            RULES_FR,
            PUBLICATION_FR,
        ]


def test_an_organiser_s_correction_is_recorded_under_the_organiser_s_name(organiser, clock, edition):
    candidature = CandidatureFactory(edition=edition, consent_publication=True)
    at = datetime(2026, 12, 22, 9, tzinfo=PARIS)
    clock.set(at)

    with translation.override("fr"):
        changed = services.edit_as_organiser(candidature, {"consent_publication": False}, organiser)

    assert changed == ["consent_publication"]

    assert recorded(candidature) == [("publication", False, organiser.pk, VERSION, PUBLICATION_FR, at)]


# --- withdrawn from /mes-candidatures/ ---------------------------------------------------------


def card(client, candidature):
    """The whole text of the candidature's card on its owner's /mes-candidatures/."""
    page = client.get(reverse("label:my_candidatures")).content.decode()
    (found,) = re.findall(r'<article class="card[^"]*">(.*?)</article>', page, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found)).split())


def test_a_laureate_s_owner_withdraws_the_publication_consent_after_the_deadline(client, clock, edition):
    candidature = laureate(edition, "Ville de Roubaix", reference="LTI-2026-0004")
    owner = candidature.owner
    at = CLOSES_AT + timedelta(days=40)
    clock.set(at)
    client.force_login(owner)
    assert "Retirer mon accord de publication" in card(client, candidature)

    response = client.post(withdraw_url(candidature), follow=True)

    assert response.redirect_chain == [(reverse("label:my_candidatures"), 302)]
    assert messages_of(response) == [
        "Votre accord de publication est retiré : le titre et le résumé du projet n'apparaissent plus sur les pages "
        "publiques."
    ]
    withdrawn = Candidature.objects.get(pk=candidature.pk)
    assert (withdrawn.consent_publication, withdrawn.status, withdrawn.version) == (
        False,
        Status.LAUREATE,
        candidature.version + 1,
    )
    assert recorded(candidature) == [("publication", False, owner.pk, VERSION, PUBLICATION_FR, at)]
    assert list(candidature.history.values_list("action", "actor", "note", "at")) == [
        (HistoryEntry.Action.EDIT, owner.pk, "Accord de publication retiré", at)
    ]
    assert card(client, candidature).endswith(
        "Publication non autorisée : le titre et le résumé du projet n'apparaissent pas sur les pages publiques."
    )


def test_a_draft_s_owner_withdraws_and_is_told_how_to_agree_again(client, clock, edition):
    candidature = CandidatureFactory(edition=edition, consent_publication=True)
    clock.set(CLOSES_AT - timedelta(days=2))
    client.force_login(candidature.owner)

    client.post(withdraw_url(candidature))

    assert card(client, candidature).endswith(
        "Publication non autorisée : le titre et le résumé du projet n'apparaissent pas sur les pages publiques. "
        "Vous pouvez donner votre accord à l'étape Contact et engagements tant que la candidature est modifiable."
    )
    assert f'href="{contact_url(edition)}"' in client.get(reverse("label:my_candidatures")).content.decode()


def test_withdrawing_twice_records_it_once(client, edition):
    candidature = laureate(edition, "Ville de Roubaix")
    client.force_login(candidature.owner)
    client.post(withdraw_url(candidature), follow=True)

    response = client.post(withdraw_url(candidature), follow=True)

    assert messages_of(response) == ["La publication du projet n'était déjà plus autorisée."]
    assert (candidature.consents.count(), candidature.history.count()) == (1, 1)


def test_nobody_else_withdraws_a_candidature_s_consent(client, other_user, edition):
    candidature = laureate(edition, "Ville de Roubaix")
    client.force_login(other_user)

    answers = [client.post(withdraw_url(candidature)).status_code, client.get(withdraw_url(candidature)).status_code]

    assert answers == [404, 405]
    assert Candidature.objects.filter(pk=candidature.pk, consent_publication=True).exists()
    assert (candidature.consents.count(), candidature.history.count()) == (0, 0)
    client.logout()
    assert client.post(withdraw_url(candidature)).url.startswith(reverse("accounts:login"))


# --- off the public pages ----------------------------------------------------------------------


def test_without_consent_the_laureates_page_shows_the_territory_its_region_and_level_only(edition):
    laureate(edition, "Ville de Roubaix")
    laureate(edition, "Ville de Lille", consent_publication=False)
    url = reverse("label:laureates", kwargs={"edition": edition.slug})
    page = anonymous(url)[1]

    assert laureate_cards(page) == [
        ["Ville de Lille", "Hauts-de-France"],
        ["Ville de Roubaix", TITLE, "Hauts-de-France", SUMMARY],
    ]
    assert [
        " ".join(heading.text_content().split()) for heading in html.fromstring(page).xpath("//section/div/h2")
    ] == ["Or"]


def test_a_withdrawal_takes_the_project_off_the_cached_laureates_page_at_once(client, edition):
    roubaix = laureate(edition, "Ville de Roubaix")
    url = reverse("label:laureates", kwargs={"edition": edition.slug})
    anonymous(url)
    cached, before = anonymous(url)
    client.force_login(roubaix.owner)

    client.post(withdraw_url(roubaix))

    rendered, after = anonymous(url)
    assert (cached, TITLE in before, SUMMARY in before) == (False, True, True)
    assert (rendered, laureate_cards(after)) == (True, [["Ville de Roubaix", "Hauts-de-France"]])


def test_the_home_and_the_forum_page_show_a_title_only_with_its_consent(client, edition):
    forum = EventFactory(title="Forum national des territoires innovants", slug="forum")
    edition.forum = forum
    edition.opens_at, edition.closes_at = OPENS_AT - timedelta(days=400), CLOSES_AT - timedelta(days=300)
    edition.save()
    roubaix = laureate(edition, "Ville de Roubaix")
    laureate(edition, "Ville de Lille", Level.SILVER, consent_publication=False)
    home, forum_page = reverse("home"), reverse("events:detail", kwargs={"slug": forum.slug})
    anonymous(home), anonymous(forum_page)

    def shown():
        cards = html.fromstring(anonymous(home)[1]).xpath("//section[@aria-labelledby='laureats']//article")
        items = html.fromstring(anonymous(forum_page)[1]).xpath("//section[starts-with(@aria-label, 'Lauréats')]//li")
        return (
            [[" ".join(part.text_content().split()) for part in card.xpath("./*")] for card in cards],
            [" ".join(item.text_content().split()) for item in items],
        )

    assert shown() == (
        [["Or", "Ville de Roubaix", TITLE, "Hauts-de-France"], ["Argent", "Ville de Lille", "Hauts-de-France"]],
        [f"Ville de Roubaix Or · Hauts-de-France · {TITLE}", "Ville de Lille Argent · Hauts-de-France"],
    )
    client.force_login(roubaix.owner)
    client.post(withdraw_url(roubaix))
    assert shown() == (
        [["Or", "Ville de Roubaix", "Hauts-de-France"], ["Argent", "Ville de Lille", "Hauts-de-France"]],
        ["Ville de Roubaix Or · Hauts-de-France", "Ville de Lille Argent · Hauts-de-France"],
    )


def test_the_laureates_page_costs_the_same_with_1_and_many_laureates(client, edition, count_queries):
    url = reverse("label:laureates", kwargs={"edition": edition.slug})
    laureate(edition, "Ville de Roubaix")
    one = count_queries(client, url)
    for number in range(12):
        laureate(edition, f"Commune {number}", Level.values[number % 3], consent_publication=number % 2 == 0)

    assert count_queries(client, url) == one


def test_my_candidatures_costs_the_same_with_1_and_many_consents(client, count_queries):
    owner = UserFactory()
    client.force_login(owner)
    CandidatureFactory(owner=owner, consent_publication=True)
    url = reverse("label:my_candidatures")
    one = count_queries(client, url)
    for number in range(10):
        CandidatureFactory(owner=owner, consent_publication=number % 2 == 0)

    assert count_queries(client, url) == one


# --- what organisers see ----------------------------------------------------------------------


def test_the_candidature_s_admin_page_lists_its_consents(organiser, client, clock, edition):
    candidature = CandidatureFactory(edition=edition, consent_rules=False)
    owner = candidature.owner
    clock.set(datetime(2026, 12, 1, 10, tzinfo=PARIS))
    client.force_login(owner)
    client.post(contact_url(edition), contact(consent_rules=True, consent_publication=True))
    clock.set(datetime(2026, 12, 3, 18, 30, tzinfo=PARIS))
    client.force_login(owner)
    client.post(withdraw_url(candidature))
    client.force_login(organiser)

    page = html.fromstring(text(client.get(reverse("admin:label_candidature_change", args=[candidature.pk]))))

    assert [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        for row in page.xpath("//table[@id='candidature-consents']/tbody/tr")
    ] == [
        ["01/12/2026 10:00", "Acceptation du règlement", "donné", owner.full_name, f"{RULES_FR} ({VERSION})"],
        ["01/12/2026 10:00", "Publication du projet", "donné", owner.full_name, f"{PUBLICATION_FR} ({VERSION})"],
        ["03/12/2026 18:30", "Publication du projet", "retiré", owner.full_name, f"{PUBLICATION_FR} ({VERSION})"],
    ]


def test_nobody_adds_changes_or_deletes_a_consent_in_the_admin(organiser_client, user, edition):
    consent = Consent.objects.create(
        candidature=CandidatureFactory(edition=edition),
        person=user,
        purpose=Consent.Purpose.PUBLICATION,
        given=True,
        text_version=VERSION,
        text=PUBLICATION_FR,
    )
    change = reverse("admin:label_consent_change", args=[consent.pk])
    delete = reverse("admin:label_consent_delete", args=[consent.pk])

    answers = [
        organiser_client.get(reverse("admin:label_consent_add")).status_code,
        organiser_client.post(reverse("admin:label_consent_add"), {"given": "on"}).status_code,
        organiser_client.post(change, {"given": ""}).status_code,
        organiser_client.get(delete).status_code,
        organiser_client.post(delete, {"post": "yes"}).status_code,
    ]

    assert answers == [403, 403, 403, 403, 403]
    assert list(Consent.objects.values_list("pk", "given", "text")) == [(consent.pk, True, PUBLICATION_FR)]
    page = text(organiser_client.get(change))
    assert (PUBLICATION_FR in page, 'name="_save"' in page) == (True, False)


def test_the_consent_list_filters_and_costs_the_same_with_1_and_many(organiser_client, edition, count_queries):
    url = reverse("admin:label_consent_changelist")

    def consent(given):
        return Consent.objects.create(
            candidature=CandidatureFactory(edition=edition),
            person=UserFactory(),
            purpose=Consent.Purpose.PUBLICATION,
            given=given,
            text_version=VERSION,
            text=PUBLICATION_FR,
        )

    consent(True)
    one = count_queries(organiser_client, url)
    withdrawn = [consent(number % 2 == 0) for number in range(20)]
    assert count_queries(organiser_client, url) == one

    response = organiser_client.get(url, {"purpose__exact": "publication", "given__exact": "0"})
    assert sorted(row.pk for row in response.context["cl"].result_list) == sorted(
        consent.pk for consent in withdrawn if not consent.given
    )


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_s_consents_match_its_candidatures_and_seeding_again_adds_none():
    seed()
    first = Consent.objects.count()
    seed()

    latest = {}
    for consent in Consent.objects.filter(purpose__in=("rules", "publication")).order_by("at", "pk"):
        latest[consent.candidature_id, consent.purpose] = consent.given
    states = {
        (candidature.pk, purpose): getattr(candidature, field)
        for candidature in Candidature.objects.all()
        for field, purpose in (("consent_rules", "rules"), ("consent_publication", "publication"))
        if getattr(candidature, field) or (candidature.pk, purpose) in latest
    }
    assert (Consent.objects.count(), latest) == (first, states)
    assert Candidature.objects.filter(consent_publication=True).exists()
    # Each project page the demo sent for review carries the consent given then.
    reviewed = set(ProjectProfile.objects.exclude(submitted_at=None).values_list("candidature_id", flat=True))
    agreed = set(Consent.objects.filter(purpose="project_page", given=True).values_list("candidature_id", flat=True))
    assert reviewed and reviewed <= agreed


# --- in a browser, on a phone ------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_laureate_withdraws_the_consent_and_the_project_leaves_the_laureates_page(page):
    edition = EditionFactory(
        name="Label Territoire Innovant 2025",
        slug="2025",
        opens_at=OPENS_AT - timedelta(days=400),
        closes_at=CLOSES_AT - timedelta(days=300),
    )
    roubaix = laureate(edition, "Ville de Roubaix", reference="LTI-2025-0001")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/compte/connexion/?next=/mes-candidatures/")
    page.get_by_label("Adresse e-mail").fill(roubaix.owner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    withdraw = page.get_by_role("button", name=f"Retirer mon accord de publication — {TITLE}")
    expect(withdraw).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") == 375
    assert axe_violations(page) == []
    withdraw.click()

    expect(page.locator(".alert-success")).to_contain_text("Votre accord de publication est retiré")
    expect(page.get_by_text("Publication non autorisée", exact=False)).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/laureats/2025/")
    expect(page.get_by_role("heading", level=3)).to_have_text("Ville de Roubaix")
    assert (page.get_by_text(TITLE).count(), page.get_by_text(SUMMARY).count()) == (0, 0)
