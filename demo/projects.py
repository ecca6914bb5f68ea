"""The labelled projects' catalogue in the demo: the laureates' public profiles, written by their owners and
approved by the organiser through ``showcase.publication``, and a few earlier labelled projects from other
regions (``data/edition_2018.toml``, ``data/edition_2019.toml``) so that search, filters and the map have
something to show.

A profile already there (published by an earlier run, or written while trying the demo) is left as it is.
"""

from label import services
from label.models import Status, Theme
from showcase import publication
from showcase.models import PROFILE_FIELDS

from . import data, editions


def seed(closed, people, events):
    """The 2020 call's themes and profiles, then the earlier calls with theirs; the earlier editions."""
    give_themes(closed, editions.EDITION_2020, people)
    publish_profiles(closed, editions.EDITION_2020, people)
    earlier = []
    for spec in editions.EARLIER_EDITIONS:
        edition = editions.seed_earlier(spec, events)
        editions.advance(edition, people, edition_spec=spec)
        publish_profiles(edition, spec, people)
        earlier.append(edition)
    return earlier


def give_themes(edition, spec, people):
    """The theme of each candidature submitted before themes existed, as an organiser corrects it."""
    missing = list(edition.candidatures.filter(theme__isnull=True).exclude(status__in=(Status.DRAFT, Status.WITHDRAWN)))
    if not missing:
        return
    organiser = people[spec["decided_by"]]
    themes = {people[row["account"]].pk: row["theme"] for row in spec["candidature"]}
    for candidature in missing:
        if candidature.owner_id in themes:
            theme = Theme.objects.get(slug=themes[candidature.owner_id])
            services.edit_as_organiser(candidature, {"theme": theme}, organiser)


def publish_profiles(edition, spec, people):
    """Each laureate's ``profile`` of ``spec`` written and sent for review by its owner, then approved."""
    texts = {people[row["account"]].pk: row["profile"] for row in spec["candidature"] if "profile" in row}
    laureates = edition.candidatures.filter(
        owner__in=list(texts), status=Status.LAUREATE, consent_publication=True, profile__isnull=True
    ).select_related("edition", "owner")
    organiser = people[spec["decided_by"]]
    for candidature in laureates:
        profile_spec = texts[candidature.owner_id]
        written, approved = data.instant(profile_spec["written"]), data.instant(profile_spec["approved"])
        profile = publication.profile_for(candidature)
        # Each demo laureate chose to publish its application's contact beside the role the data gives.
        fields = {
            "contact_name": candidature.contact_name,
            "contact_email": candidature.contact_email,
            **{name: value for name, value in profile_spec.items() if name in PROFILE_FIELDS},
        }
        publication.save_profile(profile, fields, candidature.owner, now=written)
        publication.submit_for_review(profile, candidature.owner, now=written)
        publication.approve(profile, organiser, now=approved)
