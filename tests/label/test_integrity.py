"""Nothing a candidate or an organiser saves is lost or reverted, whatever runs at the same time."""

import random
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client
from django.urls import reverse

from label import services
from label.models import Candidature, CriterionAnswer, Edition, HistoryEntry, Status
from tests.factories import OrganiserFactory, UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all, hauts_de_france

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory(slug="2030", year=2030)
    CriterionFactory(edition=edition, name="Innovation", order=1)
    CriterionFactory(edition=edition, name="Reproductibilité", order=2)
    return edition


def step_url(edition, step):
    return reverse("label:step", kwargs={"edition": edition.slug, "step": step})


TERRITORY = {
    "territory_name": "Ville d'Arras",
    "territory_kind": "commune",
    "population": "41000",
}
PROJECT = {
    "project_title": "Éclairage public intelligent",
    "summary": "Un éclairage qui s'adapte aux passages.",
    "description": "Contexte, objectifs, réalisation.",
    "stage": "pilot",
}


def territory(**changes):
    return {**TERRITORY, "region": hauts_de_france().pk, "action": "save", **changes}


def project(**changes):
    return {**PROJECT, "action": "save", **changes}


def opened(client, edition, step):
    """The step as a tab shows it: its form's base token."""
    response = client.get(step_url(edition, step))
    assert response.status_code == 200
    return response.context["base"]


def current(candidature, *names):
    return tuple(Candidature.objects.values_list(*names).get(pk=candidature.pk))


# --- the services never write back what they did not change -----------------------------------


def test_a_save_from_a_copy_read_before_the_submission_keeps_status_reference_and_date(edition):
    owner = UserFactory()
    candidature = answer_all(CandidatureFactory(edition=edition, owner=owner))
    stale = Candidature.objects.get(pk=candidature.pk)
    services.submit(candidature, owner)
    submitted = current(candidature, "status", "reference", "submitted_at")

    services.save_fields(stale, {"population": 41000}, owner)

    assert current(candidature, "status", "reference", "submitted_at", "population") == (*submitted, 41000)
    assert submitted[:2] == (Status.SUBMITTED, "LTI-2030-0001")
    assert HistoryEntry.objects.filter(action=HistoryEntry.Action.EDIT).get().note == "Population"


def test_two_steps_saved_from_copies_read_at_the_same_time_both_stay(edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner)
    first, second = Candidature.objects.get(pk=candidature.pk), Candidature.objects.get(pk=candidature.pk)

    services.save_fields(first, {"territory_name": "Ville d'Arras", "population": 41000}, owner)
    services.save_fields(second, {"project_title": "Bus à la demande", "budget": Decimal("25000")}, owner)

    assert current(candidature, "territory_name", "population", "project_title", "budget") == (
        "Ville d'Arras",
        41000,
        "Bus à la demande",
        Decimal("25000.00"),
    )


def test_a_draft_save_racing_the_submission_cannot_leave_the_dossier_incomplete(edition):
    owner = UserFactory()
    candidature = answer_all(CandidatureFactory(edition=edition, owner=owner))
    stale = Candidature.objects.get(pk=candidature.pk)
    services.submit(candidature, owner)

    with pytest.raises(services.Refused) as refused:
        services.save_fields(stale, {"population": None}, owner)

    assert (
        refused.value.message == "La candidature est déposée : ces éléments ne peuvent pas rester vides : population."
    )
    assert current(candidature, "population", "status") == (12000, Status.SUBMITTED)


def test_every_write_raises_the_version(edition):
    owner = UserFactory()
    candidature = answer_all(CandidatureFactory(edition=edition, owner=owner))
    versions = [current(candidature, "version")[0]]
    services.save_fields(candidature, {"population": 41000}, owner)
    versions.append(current(candidature, "version")[0])
    services.save_fields(candidature, {"population": 41000}, owner)  # nothing changes: no new version
    versions.append(current(candidature, "version")[0])
    services.save_answers(candidature, {edition.criteria.first(): "Autre réponse"}, owner)
    versions.append(current(candidature, "version")[0])
    services.submit(candidature, owner)
    versions.append(current(candidature, "version")[0])
    services.fire(candidature, "withdraw", owner)
    versions.append(current(candidature, "version")[0])
    assert versions == [0, 1, 1, 2, 3, 4]


# --- two tabs, through the pages --------------------------------------------------------------


def test_two_tabs_on_one_step_the_second_save_is_refused_and_keeps_what_was_typed(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner, territory_name="Arras")
    client.force_login(owner)
    first_tab, second_tab = opened(client, edition, "territoire"), opened(client, edition, "territoire")

    response = client.post(step_url(edition, "territoire"), territory(territory_name="Ville d'Arras", base=first_tab))
    assert response.status_code == 302

    response = client.post(
        step_url(edition, "territoire"), territory(territory_name="Arras, chef-lieu", base=second_tab)
    )
    assert response.status_code == 200
    assert current(candidature, "territory_name") == ("Ville d'Arras",)
    form = response.context["form"]
    assert form.non_field_errors() == [
        "Cette étape a été modifiée entre-temps, dans un autre onglet ou par une autre personne : votre saisie "
        "n'a pas été enregistrée. Elle est conservée ci-dessous, avec sous chaque champ concerné la valeur "
        "enregistrée entre-temps ; enregistrez à nouveau pour garder la vôtre."
    ]
    assert form.errors["territory_name"] == ["Enregistré entre-temps : « Ville d'Arras ». Votre saisie est ci-dessus."]
    html = response.content.decode()
    assert 'value="Arras, chef-lieu"' in html  # what the second tab typed, shown back

    # Saving the same form again, knowingly, keeps the second tab's text.
    response = client.post(
        step_url(edition, "territoire"),
        territory(territory_name="Arras, chef-lieu", base=response.context["base"]),
    )
    assert response.status_code == 302
    assert current(candidature, "territory_name") == ("Arras, chef-lieu",)


def test_a_field_changed_elsewhere_is_not_overwritten_by_a_tab_still_showing_the_old_value(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner, population=12000)
    client.force_login(owner)
    first_tab, second_tab = opened(client, edition, "territoire"), opened(client, edition, "territoire")
    name = candidature.territory_name
    client.post(step_url(edition, "territoire"), territory(territory_name=name, population="41000", base=first_tab))

    # The second tab changes only the name; its population field still says 12 000.
    response = client.post(
        step_url(edition, "territoire"), territory(territory_name="Arras", population="12000", base=second_tab)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["population"] == [
        "Enregistré entre-temps : « 41000 ». Votre saisie est ci-dessus."
    ]
    assert current(candidature, "territory_name", "population") == (name, 41000)


def test_the_same_form_sent_twice_is_no_conflict(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    base = opened(client, edition, "projet")
    for _attempt in range(2):  # a double click
        response = client.post(step_url(edition, "projet"), project(project_title="Bus à la demande", base=base))
        assert response.status_code == 302
    assert current(candidature, "project_title") == ("Bus à la demande",)


def test_two_tabs_on_different_steps_both_save(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    territory_tab, project_tab = opened(client, edition, "territoire"), opened(client, edition, "projet")

    first = client.post(step_url(edition, "territoire"), territory(population="41000", base=territory_tab))
    second = client.post(step_url(edition, "projet"), project(project_title="Bus à la demande", base=project_tab))

    assert (first.status_code, second.status_code) == (302, 302)
    assert current(candidature, "population", "project_title") == (41000, "Bus à la demande")


def test_two_tabs_on_the_criteria_step(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner)
    innovation, reuse = edition.criteria.all()
    client.force_login(owner)
    first_tab, second_tab = opened(client, edition, "criteres"), opened(client, edition, "criteres")
    answers = {innovation.answer_key: "Première version", reuse.answer_key: "", "action": "save"}
    assert client.post(step_url(edition, "criteres"), {**answers, "base": first_tab}).status_code == 302

    response = client.post(
        step_url(edition, "criteres"), {**answers, innovation.answer_key: "Seconde version", "base": second_tab}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[innovation.answer_key] == [
        "Enregistré entre-temps : « Première version ». Votre saisie est ci-dessus."
    ]
    assert "Seconde version" in response.content.decode()
    assert list(CriterionAnswer.objects.filter(candidature=candidature).values_list("text", flat=True)) == [
        "Première version"
    ]


CHANGED_MEANWHILE = (
    "Cette étape a été modifiée entre-temps, dans un autre onglet ou par une autre personne : votre saisie "
    "n'a pas été enregistrée. Elle est conservée ci-dessous, avec sous chaque champ concerné la valeur "
    "enregistrée entre-temps ; enregistrez à nouveau pour garder la vôtre."
)


def test_two_tabs_starting_the_candidature_the_second_save_is_refused_and_keeps_what_was_typed(client, edition):
    owner = UserFactory()
    client.force_login(owner)
    first_tab, second_tab = opened(client, edition, "territoire"), opened(client, edition, "territoire")

    response = client.post(step_url(edition, "territoire"), territory(territory_name="Arras", base=first_tab))
    assert response.status_code == 302
    response = client.post(step_url(edition, "territoire"), territory(territory_name="Douai", base=second_tab))

    assert response.status_code == 200
    (candidature,) = Candidature.objects.filter(owner=owner)
    assert current(candidature, "territory_name") == ("Arras",)
    form = response.context["form"]
    assert form.non_field_errors() == [CHANGED_MEANWHILE]
    assert form.errors["territory_name"] == ["Enregistré entre-temps : « Arras ». Votre saisie est ci-dessus."]
    assert 'value="Douai"' in response.content.decode()

    response = client.post(
        step_url(edition, "territoire"), territory(territory_name="Douai", base=response.context["base"])
    )
    assert response.status_code == 302
    assert current(candidature, "territory_name") == ("Douai",)


def test_a_save_without_a_token_never_replaces_a_saved_value_unseen(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner, territory_name="Arras", population=None)
    services.save_fields(candidature, {"territory_name": "Ville d'Arras"}, owner)
    client.force_login(owner)

    response = client.post(step_url(edition, "territoire"), territory(territory_name="Douai", population="41000"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [CHANGED_MEANWHILE]
    assert form.errors["territory_name"] == ["Enregistré entre-temps : « Ville d'Arras ». Votre saisie est ci-dessus."]
    assert "population" not in form.errors  # still empty when the form was sent: nothing to lose there
    html = response.content.decode()
    assert 'value="Douai"' in html and 'value="41000"' in html
    assert current(candidature, "territory_name", "population") == ("Ville d'Arras", None)

    response = client.post(
        step_url(edition, "territoire"),
        territory(territory_name="Douai", population="41000", base=response.context["base"]),
    )
    assert response.status_code == 302
    assert current(candidature, "territory_name", "population") == ("Douai", 41000)


def test_a_save_without_a_token_fills_what_is_still_empty(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner, territory_name="Arras", population=None)
    services.save_fields(candidature, {"territory_name": "Ville d'Arras"}, owner)
    client.force_login(owner)

    response = client.post(
        step_url(edition, "territoire"), territory(territory_name="Ville d'Arras", population="41000")
    )

    assert response.status_code == 302
    assert current(candidature, "territory_name", "population") == ("Ville d'Arras", 41000)


def test_a_criteria_save_without_a_token_never_replaces_a_saved_answer_unseen(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner)
    innovation, reuse = edition.criteria.all()
    services.save_answers(candidature, {innovation: "Première version"}, owner)
    client.force_login(owner)

    response = client.post(
        step_url(edition, "criteres"),
        {innovation.answer_key: "Seconde version", reuse.answer_key: "Réutilisable", "action": "save"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": [CHANGED_MEANWHILE],
        innovation.answer_key: ["Enregistré entre-temps : « Première version ». Votre saisie est ci-dessus."],
    }
    assert list(CriterionAnswer.objects.filter(candidature=candidature).values_list("text", flat=True)) == [
        "Première version"
    ]


# --- real concurrency on PostgreSQL -------------------------------------------------------------


def run_together(*actions):
    """Run ``actions`` in threads released at the same instant; returns what each raised (None if nothing)."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
        except Exception as error:  # noqa: BLE001  (returned to the test, which asserts on it)
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def posted(client, url, data, expected=302):
    def action():
        response = client.post(url, data)
        assert response.status_code == expected, response.status_code

    return action


ROUNDS = 24


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_submission_and_a_step_saved_in_another_tab_at_the_same_moment_both_hold(edition):
    rng = random.Random(9)
    for round_number in range(ROUNDS):
        owner = UserFactory()
        candidature = answer_all(CandidatureFactory(edition=edition, owner=owner))
        submitting, saving = logged_in(owner), logged_in(owner)
        base = saving.get(step_url(edition, "territoire")).context["base"]
        pause = rng.uniform(0, 0.05)

        def save_later(saving=saving, base=base, pause=pause, population=str(30000 + round_number)):
            threading.Event().wait(pause)
            posted(saving, step_url(edition, "territoire"), territory(population=population, base=base))()

        outcomes = run_together(
            posted(submitting, reverse("label:recap", kwargs={"edition": edition.slug}), {}), save_later
        )

        assert outcomes == [None, None]
        status, reference, submitted_at, population = current(
            candidature, "status", "reference", "submitted_at", "population"
        )
        assert (status, reference, submitted_at is not None, population) == (
            Status.SUBMITTED,
            f"LTI-2030-{round_number + 1:04d}",
            True,
            30000 + round_number,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_steps_saved_at_the_same_instant_both_hold(edition):
    for round_number in range(ROUNDS):
        owner = UserFactory()
        candidature = CandidatureFactory(edition=edition, owner=owner)
        first, second = logged_in(owner), logged_in(owner)
        territory_base = first.get(step_url(edition, "territoire")).context["base"]
        project_base = second.get(step_url(edition, "projet")).context["base"]
        title = f"Projet {round_number}"

        outcomes = run_together(
            posted(first, step_url(edition, "territoire"), territory(population="41000", base=territory_base)),
            posted(second, step_url(edition, "projet"), project(project_title=title, base=project_base)),
        )

        assert outcomes == [None, None]
        assert current(candidature, "population", "project_title", "version") == (41000, title, 2)


# --- references ----------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editions_of_one_year_submitting_together_get_distinct_references():
    national = EditionFactory(year=2020, code="")
    brittany = EditionFactory(year=2020, code="BRE")
    candidatures = []
    for edition in (national, brittany):
        CriterionFactory(edition=edition)
        candidatures += [answer_all(CandidatureFactory(edition=edition)) for _ in range(5)]

    outcomes = run_together(*(lambda c=candidature: services.submit(c, c.owner) for candidature in candidatures))

    assert outcomes == [None] * 10
    references = sorted(Candidature.objects.values_list("reference", flat=True))
    assert references == [f"LTI-2020-{n:04d}" for n in range(1, 6)] + [f"LTI-2020-BRE-{n:04d}" for n in range(1, 6)]


def test_an_edition_cannot_share_year_and_code_with_another():
    EditionFactory(year=2020, code="HDF")
    twin = EditionFactory.build(year=2020, code="HDF", slug="hdf-bis")
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert error.value.messages == [
        "Une autre édition de cette année porte déjà ce code : donnez-lui un code distinct (ex. HDF, BRE) "
        "pour que les références des candidatures ne se confondent pas."
    ]
    lower = EditionFactory.build(year=2021, code="hdf", slug="hdf-2021")
    with pytest.raises(ValidationError) as error:
        lower.full_clean()
    assert error.value.message_dict["code"] == [
        "Des majuscules sans accent et des chiffres, en commençant par une lettre (ex. HDF)."
    ]


def test_year_and_code_are_frozen_once_a_reference_is_issued(organiser_client):
    edition = EditionFactory(year=2020, code="HDF")
    url = reverse("admin:label_edition_change", args=[edition.pk])
    assert {"year", "code"} <= set(organiser_client.get(url).context["adminform"].form.fields)

    Edition.objects.filter(pk=edition.pk).update(last_reference_number=3)

    fields = organiser_client.get(url).context["adminform"].form.fields
    assert {"year", "code"} & set(fields) == set()


# --- organisers in the admin --------------------------------------------------------------------


def test_two_organisers_editing_one_candidature_in_the_admin(client, edition):
    candidature = answer_all(CandidatureFactory(edition=edition))
    services.submit(candidature, candidature.owner)
    first, second = logged_in(OrganiserFactory()), logged_in(OrganiserFactory())
    url = reverse("admin:label_candidature_change", args=[candidature.pk])
    forms = [first.get(url).context["adminform"].form, second.get(url).context["adminform"].form]
    data = [
        {"pitch_video_url": "", "extended_until_0": "", "extended_until_1": "", "base": f.initial["base"]}
        for f in forms
    ]

    response = first.post(url, {**data[0], "pitch_video_url": "https://video.example/arras"})
    assert response.status_code == 302
    response = second.post(url, {**data[1], "pitch_video_url": "https://video.example/autre"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["pitch_video_url"] == [
        "Modifié entre-temps par quelqu'un d'autre : « https://video.example/arras ». "
        "Enregistrez à nouveau pour le remplacer."
    ]
    assert current(candidature, "pitch_video_url", "status") == ("https://video.example/arras", Status.SUBMITTED)
    edit = HistoryEntry.objects.get(action=HistoryEntry.Action.EDIT)
    assert edit.note == "Vidéo du pitch"
