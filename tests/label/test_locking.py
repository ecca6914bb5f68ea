"""The row lock's hand-written statement gives the instances the ORM would: every field, every related row."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.rows import Reader, columns
from label import services
from label.models import Candidature, Edition, Status
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db


def values(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_a_candidature_locked_by_its_key_is_the_one_the_orm_reads_with_its_edition_region_and_owner():
    candidature = CandidatureFactory(budget="125000.50", population=48211)
    CandidatureFactory(edition=candidature.edition)  # another row of the same edition, never read
    expected = Candidature.objects.select_related("edition", "region", "owner").get(pk=candidature.pk)

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        locked = services._locked(candidature)
        read = (values(locked), values(locked.edition), values(locked.region), values(locked.owner))

    assert read == (values(expected), values(expected.edition), values(expected.region), values(expected.owner))
    assert len(captured.captured_queries) == 1


def test_a_candidature_without_region_is_read_with_none_and_no_query_for_it():
    candidature = CandidatureFactory(region=None)

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        locked = services._locked(candidature)
        region = locked.region

    assert region is None
    assert len(captured.captured_queries) == 1


def test_the_owner_finds_only_their_active_candidature_of_a_published_edition():
    owner = UserFactory()
    edition = EditionFactory(slug="2030", year=2030)
    unpublished = EditionFactory(slug="2031", year=2031, published=False)
    CandidatureFactory(edition=edition, owner=owner, status=Status.WITHDRAWN)
    mine = CandidatureFactory(edition=edition, owner=owner)
    CandidatureFactory(edition=unpublished, owner=owner)
    CandidatureFactory(edition=edition)  # someone else's

    def own(slug, person):
        with transaction.atomic():
            found = services._lock_one(services.OWN, [person.pk, slug, True, Status.WITHDRAWN], owner=person)
            return found and (found.pk, found.owner is person, found.edition.slug)

    assert own("2030", owner) == (mine.pk, True, "2030")
    assert (own("2031", owner), own("2030", UserFactory())) == (None, None)


def test_the_reader_converts_each_value_as_the_orm_does():
    edition = EditionFactory(slug="2030", year=2030)
    table = connection.ops.quote_name(Edition._meta.db_table)
    key = connection.ops.quote_name(Edition._meta.pk.column)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns(Edition)} FROM {table} WHERE {table}.{key} = %s", [edition.pk])
        (read,) = Reader(connection, Edition).read(cursor.fetchone())

    assert values(read) == values(Edition.objects.get(pk=edition.pk))
    assert read._state.adding is False and read._state.db == "default"
