"""``seed_demo`` publishes the laureates' project profiles through the showcase's services, once."""

import pytest
from auditlog.models import LogEntry

from label.models import Candidature, Edition, Status
from showcase.models import PROFILE_FIELDS, ProjectProfile, PublishedProject

from .seeding import count_rows, seed

pytestmark = pytest.mark.django_db


def test_seeding_twice_publishes_once():
    seed()
    first = count_rows(ProjectProfile, PublishedProject, LogEntry)
    seed()

    assert count_rows(ProjectProfile, PublishedProject, LogEntry) == first
    assert (first["ProjectProfile"], first["PublishedProject"]) == (9, 9)


def test_every_laureate_is_published_as_approved_with_its_theme_from_several_regions_and_years():
    seed()
    projects = list(PublishedProject.objects.select_related("profile", "region", "theme", "candidature"))

    assert {project.profile.status for project in projects} == {ProjectProfile.Status.APPROVED}
    assert all(
        {name: getattr(project, name) for name in PROFILE_FIELDS}
        == {name: getattr(project.profile, name) for name in PROFILE_FIELDS}
        for project in projects
    )
    assert all(project.inhabitants and project.results and project.cost for project in projects)
    assert sorted((project.year, project.region.name, project.level) for project in projects) == sorted(
        [
            (2018, "Bretagne", "gold"),
            (2018, "Grand Est", "silver"),
            (2018, "Nouvelle-Aquitaine", "bronze"),
            (2019, "Auvergne-Rhône-Alpes", "gold"),
            (2019, "Occitanie", "silver"),
            (2019, "Île-de-France", "bronze"),
            (2020, "Hauts-de-France", "gold"),
            (2020, "Hauts-de-France", "silver"),
            (2020, "Hauts-de-France", "bronze"),
        ]
    )
    assert len({project.theme.slug for project in projects}) == 7
    laureates = Candidature.objects.filter(status=Status.LAUREATE)
    assert sorted(laureates.values_list("pk", flat=True)) == sorted(project.candidature_id for project in projects)


def test_the_2020_candidatures_have_a_theme_and_the_earlier_calls_are_closed():
    seed()

    assert not Candidature.objects.filter(edition__slug="2020", theme__isnull=True).exists()
    earlier = Edition.objects.filter(slug__in=["2018", "2019"])
    assert [(edition.slug, edition.is_open(), edition.candidatures.count()) for edition in earlier] == [
        ("2019", False, 3),
        ("2018", False, 3),
    ]
