"""Demo data of the events: the 2020 Dunkerque meeting and 2021 forum, and the two events ahead of today.

Rows are written directly, never through the services: those notify, and seeding the demo must not fill
the outbox. The label's seeder (which runs later) links these events to its editions by their slugs.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.demo import demo_email, register

from .models import Event, EventPartner, Partner, ProgrammeItem, Region, Registration

PARIS = ZoneInfo("Europe/Paris")

DUNKERQUE_SLUG = "dunkerque-2020"
FORUM_2021_SLUG = "forum-national-2021"
NEXT_MEETING_SLUG = "rencontre-regionale-lyon"
NEXT_FORUM_SLUG = "prochain-forum-national"

# Days from the seeding day: the same as the milestones of the label's current edition, whose call closes
# in 30 days; the meeting follows the auditions (day 51) and broadcasts them.
NEXT_MEETING_IN_DAYS = 58
NEXT_FORUM_IN_DAYS = 270

CUD = "Communauté urbaine de Dunkerque"
FVD = "France Ville Durable"
WEBTV = "Web TV des territoires"
PARTNERS = {
    CUD: "https://www.communaute-urbaine-dunkerque.fr",
    FVD: "https://francevilledurable.fr",
    WEBTV: "",
}

Kind = ProgrammeItem.Kind
Role = EventPartner.Role


def paris(day, hour=0, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def webtv_url(slug):
    return f"https://webtv.label-demo.example/{slug}"


# (start, end, kind, title, speakers, description) per event; times are Paris times on the event's day.
PROGRAMME_DUNKERQUE = [
    ((9, 30), (10, 0), Kind.OTHER, "Accueil des participants", "", "Café d'accueil à la Halle aux sucres."),
    (
        (10, 0),
        (10, 20),
        Kind.TALK,
        "Ouverture de la rencontre",
        "Communauté urbaine de Dunkerque ; Label Territoire Innovant",
        "",
    ),
    (
        (10, 20),
        (11, 0),
        Kind.TALK,
        "Conférence introductive : opérer la ville durable et intelligente",
        "France Ville Durable",
        "Ce que change, pour une collectivité, le fait d'exploiter elle-même ses réseaux, ses capteurs et ses "
        "données plutôt que de les déléguer.",
    ),
    (
        (11, 0),
        (12, 15),
        Kind.ROUNDTABLE,
        "Table ronde : la ville durable, des engagements aux services du quotidien",
        "Élus et directeurs des services techniques de collectivités des Hauts-de-France",
        "Énergie, eau, mobilités, espaces verts : comment mesurer et piloter la transition écologique à "
        "l'échelle d'une agglomération.",
    ),
    ((12, 15), (13, 45), Kind.BREAK, "Déjeuner", "", ""),
    (
        (13, 45),
        (15, 0),
        Kind.ROUNDTABLE,
        "Table ronde : la ville intelligente, données et sobriété numérique",
        "Responsables des systèmes d'information et des données de collectivités ; France Ville Durable",
        "Plateformes de données, capteurs, interopérabilité : ce qui sert vraiment les habitants, et à quel "
        "coût environnemental.",
    ),
    (
        (15, 0),
        (16, 30),
        Kind.BROADCAST,
        "Diffusion des auditions régionales du 23 juin",
        "Collectivités présélectionnées de l'appel 2020",
        "Les pitchs des candidats présélectionnés, présentés au jury par visioconférence le 23 juin, diffusés "
        "sur la web TV.",
    ),
    (
        (16, 30),
        (17, 0),
        Kind.TALK,
        "Clôture : les prochaines étapes du label",
        "Label Territoire Innovant",
        "Délibération du jury en juillet ; remise des labels lors du forum national de février 2021.",
    ),
]

PROGRAMME_FORUM_2021 = [
    ((9, 30), (10, 0), Kind.TALK, "Ouverture du forum", "Label Territoire Innovant", ""),
    (
        (10, 0),
        (11, 0),
        Kind.TALK,
        "Conférence : les territoires innovants à l'épreuve de la crise sanitaire",
        "France Ville Durable",
        "Continuité des services publics, outils à distance, solidarités locales : ce que l'année 2020 a accéléré.",
    ),
    (
        (11, 0),
        (12, 30),
        Kind.ROUNDTABLE,
        "Table ronde : mutualiser pour innover",
        "Collectivités lauréates de l'appel 2020",
        "Retours d'expérience de projets partagés entre communes et intercommunalités.",
    ),
    ((12, 30), (14, 0), Kind.BREAK, "Pause déjeuner", "", ""),
    (
        (14, 0),
        (15, 30),
        Kind.ROUNDTABLE,
        "Table ronde : numérique responsable et impact climatique",
        "Responsables numériques de collectivités ; France Ville Durable",
        "",
    ),
    (
        (15, 30),
        (17, 0),
        Kind.CEREMONY,
        "Remise des labels",
        "Jury du Label Territoire Innovant",
        "Les collectivités lauréates de l'appel 2020 reçoivent leur label, au niveau Or, Argent ou Bronze.",
    ),
    ((17, 0), (17, 30), Kind.TALK, "Clôture du forum", "Label Territoire Innovant", ""),
]

PROGRAMME_NEXT_MEETING = [
    ((9, 30), (10, 0), Kind.OTHER, "Accueil des participants", "", ""),
    ((10, 0), (10, 30), Kind.TALK, "Ouverture de la rencontre", "Label Territoire Innovant", ""),
    (
        (10, 30),
        (12, 0),
        Kind.ROUNDTABLE,
        "Table ronde : partager les données entre collectivités",
        "Responsables des données de collectivités d'Auvergne-Rhône-Alpes ; France Ville Durable",
        "Standards ouverts, interopérabilité et gouvernance des données à l'échelle d'un territoire.",
    ),
    ((12, 0), (13, 30), Kind.BREAK, "Déjeuner", "", ""),
    (
        (13, 30),
        (16, 30),
        Kind.BROADCAST,
        "Diffusion des auditions régionales",
        "Collectivités présélectionnées de l'appel en cours",
        "Les pitchs des candidats présélectionnés, présentés au jury par visioconférence, diffusés sur la web TV.",
    ),
    ((16, 30), (17, 0), Kind.TALK, "Clôture", "Label Territoire Innovant", ""),
]

PROGRAMME_NEXT_FORUM = [
    ((9, 30), (10, 0), Kind.TALK, "Ouverture du forum", "Label Territoire Innovant", ""),
    (
        (10, 0),
        (12, 30),
        Kind.ROUNDTABLE,
        "Table ronde : les projets lauréats, un an après",
        "Collectivités lauréates des éditions précédentes",
        "",
    ),
    ((12, 30), (14, 0), Kind.BREAK, "Pause déjeuner", "", ""),
    (
        (14, 0),
        (17, 0),
        Kind.CEREMONY,
        "Remise des labels",
        "Jury du Label Territoire Innovant",
        "Les collectivités lauréates de l'appel en cours reçoivent leur label.",
    ),
    ((17, 0), (17, 30), Kind.TALK, "Clôture du forum", "Label Territoire Innovant", ""),
]

DESCRIPTION_DUNKERQUE = """\
Comment une collectivité peut-elle opérer elle-même une ville à la fois durable et intelligente ? Élus, \
agents et partenaires partagent leurs expériences : données urbaines, capteurs, services aux habitants, \
sobriété numérique.

L'après-midi, la web TV diffuse les auditions régionales du Label Territoire Innovant, enregistrées le \
23 juin : les collectivités présélectionnées des Hauts-de-France y présentent leur projet au jury.

Sur place à Dunkerque ou en ligne sur la web TV, l'entrée est libre sur inscription."""

DESCRIPTION_FORUM_2021 = """\
Le forum national réunit chaque année les collectivités engagées dans le Label Territoire Innovant. En raison \
du contexte sanitaire, l'édition 2021 se tient entièrement en ligne et est diffusée sur la web TV.

Les collectivités lauréates de l'appel 2020 y reçoivent leur label."""

DESCRIPTION_NEXT_MEETING = """\
La rencontre régionale d'Auvergne-Rhône-Alpes réunit élus, agents et partenaires autour des données \
partagées entre collectivités. L'après-midi, les auditions des candidats présélectionnés sont diffusées sur \
la web TV.

Les places sur place sont limitées : au-delà, les inscrits passent en liste d'attente et sont prévenus par \
courriel si une place se libère. La rencontre peut aussi être suivie en ligne."""

DESCRIPTION_NEXT_FORUM = """\
Le forum national réunit les collectivités engagées dans le Label Territoire Innovant. Les lauréats de \
l'appel en cours y reçoivent leur label. Les inscriptions ouvrent deux mois avant le forum."""

# (local part of the demo e-mail, full name, organisation, attendance, status)
REGISTRATIONS_DUNKERQUE = [
    ("participant.cud", "Hélène Vandamme", CUD, "on_site", "confirmed"),
    ("participant.gravelines", "Thomas Baert", "Ville de Gravelines", "on_site", "confirmed"),
    ("participant.lille", "Nadia Cherif", "Métropole européenne de Lille", "online", "confirmed"),
    ("participant.amiens", "François Lenglet", "Amiens Métropole", "online", "confirmed"),
    ("participant.fvd", "Julie Caron", FVD, "on_site", "cancelled"),
]
# Two of the three seats taken: the third registration gets the last one, the fourth waits.
REGISTRATIONS_NEXT_MEETING = [
    ("participant.lyon", "Camille Roussel", "Métropole de Lyon", "on_site", "confirmed"),
    ("participant.grenoble", "Yann Girard", "Grenoble-Alpes Métropole", "on_site", "confirmed"),
    ("participant.clermont", "Inès Moulin", "Clermont Auvergne Métropole", "online", "confirmed"),
]


def _partners():
    partners = {}
    for name, website in PARTNERS.items():
        partners[name], _created = Partner.objects.update_or_create(name=name, defaults={"website": website})
    return partners


def _event(slug, **values):
    event, _created = Event.objects.update_or_create(slug=slug, defaults=values)
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
    for start, end, kind, title, speakers, description in items:
        item, _created = ProgrammeItem.objects.update_or_create(
            event=event,
            title=title,
            defaults={
                "starts_at": paris(day, *start),
                "ends_at": paris(day, *end),
                "kind": kind,
                "speakers": speakers,
                "description": description,
            },
        )
        kept.append(item.pk)
    event.programme.exclude(pk__in=kept).delete()


def _registrations(event, rows, registered_at):
    """Create the demo registrations that are missing; those already there keep what visitors did to them."""
    for offset, (local_part, full_name, organisation, attendance, status) in enumerate(rows):
        email = demo_email(local_part)
        if event.registrations.filter(email=email).exists():
            continue
        created_at = registered_at + timedelta(hours=offset)
        Registration.objects.create(
            event=event,
            email=email,
            full_name=full_name,
            organisation=organisation,
            attendance=attendance,
            status=status,
            created_at=created_at,
            cancelled_at=created_at + timedelta(days=1) if status == Registration.Status.CANCELLED else None,
        )


def seed_2020(partners):
    day = date(2020, 6, 30)
    dunkerque = _event(
        DUNKERQUE_SLUG,
        kind=Event.Kind.REGIONAL_MEETING,
        title="Comment opérer une ville durable et intelligente ?",
        theme="Données urbaines, services aux habitants et sobriété numérique",
        region=Region.objects.get(code="32"),
        city="Dunkerque",
        venue="Halle aux sucres",
        address="Môle 1, quai Freycinet 3, 59140 Dunkerque",
        starts_at=paris(day, 9, 30),
        ends_at=paris(day, 17, 0),
        mode=Event.Mode.HYBRID,
        webtv_url=webtv_url(DUNKERQUE_SLUG),
        description=DESCRIPTION_DUNKERQUE,
        capacity=120,
        registration_opens_at=paris(date(2020, 6, 2), 9, 0),
        registration_closes_at=paris(date(2020, 6, 29), 12, 0),
        published=True,
    )
    _partnerships(dunkerque, partners, [(CUD, Role.ORGANISER), (FVD, Role.PARTNER), (WEBTV, Role.MEDIA)])
    _programme(dunkerque, day, PROGRAMME_DUNKERQUE)
    _registrations(dunkerque, REGISTRATIONS_DUNKERQUE, paris(date(2020, 6, 3), 10, 0))

    day = date(2021, 2, 10)
    forum = _event(
        FORUM_2021_SLUG,
        kind=Event.Kind.NATIONAL_FORUM,
        title="Forum national 2021 du Label Territoire Innovant",
        theme="Remise des labels de l'appel 2020",
        region=None,
        city="",
        venue="",
        address="",
        starts_at=paris(day, 9, 30),
        ends_at=paris(day, 17, 30),
        mode=Event.Mode.ONLINE,
        webtv_url=webtv_url(FORUM_2021_SLUG),
        description=DESCRIPTION_FORUM_2021,
        capacity=None,
        registration_opens_at=paris(date(2021, 1, 11), 9, 0),
        registration_closes_at=None,
        published=True,
    )
    _partnerships(forum, partners, [(FVD, Role.PARTNER), (WEBTV, Role.MEDIA)])
    _programme(forum, day, PROGRAMME_FORUM_2021)
    return dunkerque, forum


def seed_upcoming(partners, today):
    """The next regional meeting and forum, dated from ``today``: they move with each run."""
    day = today + timedelta(days=NEXT_MEETING_IN_DAYS)
    meeting = _event(
        NEXT_MEETING_SLUG,
        kind=Event.Kind.REGIONAL_MEETING,
        title="Les données au service des territoires",
        theme="Rencontre régionale Auvergne-Rhône-Alpes",
        region=Region.objects.get(code="84"),
        city="Lyon",
        venue="Hôtel de la Métropole de Lyon",
        address="20 rue du Lac, 69003 Lyon",
        starts_at=paris(day, 9, 30),
        ends_at=paris(day, 17, 0),
        mode=Event.Mode.HYBRID,
        webtv_url=webtv_url(NEXT_MEETING_SLUG),
        description=DESCRIPTION_NEXT_MEETING,
        capacity=3,
        registration_opens_at=paris(today - timedelta(days=7), 9, 0),
        registration_closes_at=paris(day - timedelta(days=1), 12, 0),
        published=True,
    )
    _partnerships(meeting, partners, [(FVD, Role.PARTNER), (WEBTV, Role.MEDIA)])
    _programme(meeting, day, PROGRAMME_NEXT_MEETING)
    _registrations(meeting, REGISTRATIONS_NEXT_MEETING, paris(today - timedelta(days=5), 10, 0))

    day = today + timedelta(days=NEXT_FORUM_IN_DAYS)
    forum = _event(
        NEXT_FORUM_SLUG,
        kind=Event.Kind.NATIONAL_FORUM,
        title=f"Forum national {day.year} du Label Territoire Innovant",
        theme="Remise des labels de l'appel en cours",
        region=Region.objects.get(code="11"),
        city="Paris",
        venue="Cité internationale universitaire de Paris",
        address="17 boulevard Jourdan, 75014 Paris",
        starts_at=paris(day, 9, 30),
        ends_at=paris(day, 17, 30),
        mode=Event.Mode.HYBRID,
        webtv_url=webtv_url(NEXT_FORUM_SLUG),
        description=DESCRIPTION_NEXT_FORUM,
        capacity=300,
        registration_opens_at=paris(day - timedelta(days=60), 9, 0),
        registration_closes_at=None,
        published=True,
    )
    _partnerships(forum, partners, [(FVD, Role.PARTNER), (WEBTV, Role.MEDIA)])
    _programme(forum, day, PROGRAMME_NEXT_FORUM)
    return meeting, forum


@register(order=10)
def seed(stdout):
    partners = _partners()
    events = [*seed_2020(partners), *seed_upcoming(partners, timezone.localdate())]
    for event in events:
        starts_at = timezone.localtime(event.starts_at)
        stdout.write(f"Events: {event.slug} on {starts_at:%Y-%m-%d %H:%M} (Paris)")
