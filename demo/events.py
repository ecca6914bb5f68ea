"""The demo events (``data/events.toml``).

Events, their partners and programmes are configuration, written as an organiser does in the admin;
the registrations go through ``events.services``, each on its date.
"""

from events import services
from events.models import Event, EventPartner, Partner, ProgrammeItem, Region

from . import data

EVENTS = data.load("events")


def upcoming():
    """The events dated from the day the demo runs."""
    return [spec for spec in EVENTS["event"] if isinstance(spec["day"], dict)]


def seed(today):
    """{slug: event} of every demo event, the upcoming ones dated from ``today``."""
    partners = seed_partners()
    return {spec["slug"]: seed_event(spec, partners, today) for spec in EVENTS["event"]}


def seed_partners():
    return {
        name: Partner.objects.update_or_create(name=name, defaults={"website": website})[0]
        for name, website in EVENTS["partners"].items()
    }


def seed_event(spec, partners, today):
    day = data.day(spec["day"], today)
    closes = spec.get("registration_closes")
    event, _created = Event.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "kind": spec["kind"],
            "title": spec["title"].format(year=day.year),
            "theme": spec["theme"],
            "region": Region.objects.get(code=spec["region"]) if "region" in spec else None,
            "city": spec.get("city", ""),
            "venue": spec.get("venue", ""),
            "address": spec.get("address", ""),
            "starts_at": data.on(day, spec["starts"]),
            "ends_at": data.on(day, spec["ends"]),
            "mode": spec["mode"],
            "webtv_url": spec["webtv_url"],
            "description": spec["description"],
            "capacity": spec.get("capacity"),
            "registration_opens_at": data.instant(spec["registration_opens"], today),
            "registration_closes_at": data.instant(closes, today) if closes else None,
            "published": spec["published"],
        },
    )
    _partnerships(event, partners, spec["partners"])
    _programme(event, day, spec["programme"])
    _registrations(event, spec.get("registration", []), today)
    return event


def _partnerships(event, partners, roles):
    kept = []
    for order, (name, role) in enumerate(roles, start=1):
        partnership, _created = EventPartner.objects.update_or_create(
            event=event, partner=partners[name], defaults={"role": role, "order": order}
        )
        kept.append(partnership.pk)
    event.partnerships.exclude(pk__in=kept).delete()


def _programme(event, day, items):
    kept = []
    for item in items:
        row, _created = ProgrammeItem.objects.update_or_create(
            event=event,
            title=item["title"],
            defaults={
                "starts_at": data.on(day, item["starts"]),
                "ends_at": data.on(day, item["ends"]),
                "kind": item["kind"],
                "speakers": item.get("speakers", ""),
                "description": item.get("description", ""),
            },
        )
        kept.append(row.pk)
    event.programme.exclude(pk__in=kept).delete()


def _registrations(event, rows, today):
    """Register the demo people who are not registered yet; those who are keep what visitors did to them."""
    for row in rows:
        address = data.email(row["local_part"])
        if event.registrations.filter(email=address).exists():
            continue
        registration = services.register(
            event,
            row["full_name"],
            address,
            row["organisation"],
            row["attendance"],
            now=data.instant(row["at"], today),
        )
        if "cancelled" in row:
            services.cancel(registration, now=data.instant(row["cancelled"], today))
