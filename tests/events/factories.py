from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event, Partner, ProgrammeItem, Region, Registration


def _start_in_a_month():
    return (timezone.now() + timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory):
    """A published hybrid regional meeting a month ahead, without a seat limit, registration open."""

    class Meta:
        model = Event

    kind = Event.Kind.REGIONAL_MEETING
    title = factory.Sequence(lambda n: f"Rencontre régionale {n}")
    slug = factory.Sequence(lambda n: f"rencontre-{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="32"))
    city = "Dunkerque"
    venue = "Halle aux sucres"
    address = "9003 route du Quai Freycinet 3, 59140 Dunkerque"
    starts_at = factory.LazyFunction(_start_in_a_month)
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=7, minutes=30))
    mode = Event.Mode.HYBRID
    webtv_url = factory.LazyAttribute(lambda event: f"https://webtv.label.example/{event.slug}")
    capacity = None
    published = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partenaire {n}")
    website = factory.Sequence(lambda n: f"https://partenaire-{n}.example")


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyAttribute(lambda item: item.event.starts_at)
    ends_at = factory.LazyAttribute(lambda item: item.starts_at + timedelta(minutes=45))
    title = factory.Sequence(lambda n: f"Séquence {n}")
    speakers = "Claire Martin, Communauté urbaine"
    kind = ProgrammeItem.Kind.TALK


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed on-site registration; pass status/attendance for the other cases."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    full_name = factory.Faker("name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"participant{n}@territoire.example")
    organisation = factory.Sequence(lambda n: f"Commune {n}")
    attendance = Registration.Attendance.ON_SITE
    status = Registration.Status.CONFIRMED
    language = "fr"
