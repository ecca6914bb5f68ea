"""The national-scale data set, built once from a fixed seed through the project's models, factories and services.

What goes through the services and what is inserted in bulk:

- the two rankable juries (20 and 2,000 candidatures, built by the same code so
  that they differ only in size): candidatures, their answers and history in
  bulk (shortlisted, as the workflow leaves them; submitting 2,000 dossiers one
  by one would render 6,000 e-mails); conflicts through
  ``auditions.jury.services.declare_conflict``, assignments through
  ``auditions.jury.services.assign`` (3 jurors each) and every evaluation
  through ``auditions.jury.services.save_evaluation``, submitted;
- the 100 drafts of the rush: created and filled through ``label.services``
  (``start``, ``save_fields``, ``save_answers``), again before every run;
- the 10,000 drafts due a J-7 reminder: in bulk, on an edition of their own
  whose dates are fixed, so ``remind_drafts(now=REMINDER_NOW)`` always finds them;
- the showcase's 5,000 published projects (laureates of five past editions, and
  one more alone in its year for the query counts at one row): candidatures,
  approved profiles and their published copies in bulk, then their search
  vectors in one UPDATE computed by PostgreSQL (``showcase.search.vector()``).

Accounts are inserted in bulk with one password hash computed once (hashing
12,000 passwords would take over an hour); the organiser's is its own.
"""

import random
import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from auditions.jury.models import Assignment, Jury, JuryMember
from auditions.jury.services import assign, declare_conflict, save_evaluation
from events.models import Event, Region
from label import services as label_services
from label.models import (
    Candidature,
    CriterionAnswer,
    Edition,
    HistoryEntry,
    Level,
    Milestone,
    Status,
    TerritoryKind,
    Theme,
)
from notifications.models import Notification
from notifications.services import muted
from showcase import search
from showcase.models import PROFILE_FIELDS, ProjectProfile, PublishedProject
from tests.events.factories import EventFactory
from tests.factories import OrganiserFactory
from tests.jury.factories import JuryFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

# Raise it whenever what the build produces changes: a database of another version is rebuilt.
DATASET_VERSION = "4"
SEED = 20200619
PARIS = ZoneInfo("Europe/Paris")

PASSWORD = "Banc-d-essai-2020!"
ORGANISER_EMAIL = "organisatrice@bench.example"

SMALL, LARGE = 20, 2000
SMALL_JURORS, LARGE_JURORS = 3, 30
EVALUATIONS_PER_CANDIDATURE = 3
RUSH_SIZE = 100
REMINDER_DRAFTS = 10_000
SHOWCASE_PROJECTS = 5_000
SHOWCASE_YEARS = (2023, 2024, 2025, 2026, 2027)
# The year whose only published project gives the showcase's query counts at one row.
SHOWCASE_LONE_YEAR = 2018

OPEN_CALL_SLUG = "2030"
SMALL_SLUG = "2021-pays-de-la-loire"
LARGE_SLUG = "2022"
REMINDER_SLUG = "2019"
# The open call's deadline is kept this far ahead of the day the bench runs.
OPEN_CALL_AHEAD = timedelta(days=20)
OPEN_CALL_LENGTH = timedelta(days=60)
# An instant six and a half days before the reminder edition's deadline: every draft is due its J-7 reminder.
REMINDER_CLOSES_AT = datetime(2019, 6, 20, tzinfo=PARIS)
REMINDER_NOW = REMINDER_CLOSES_AT - timedelta(days=6, hours=12)

CRITERIA = (
    (
        "innovation",
        "Innovation",
        "Ce qui est nouveau pour le territoire ou pour les collectivités de sa taille : technologie, organisation, "
        "méthode ou modèle économique.",
        Decimal("25"),
        None,
    ),
    (
        "usagers",
        "Prise en compte des usagers",
        "Comment habitants, usagers et agents ont été associés à la conception, au test et à l'évaluation ; "
        "accessibilité et inclusion numérique.",
        Decimal("20"),
        None,
    ),
    (
        "reproductibilite",
        "Reproductibilité",
        "Ce qu'une autre collectivité devrait savoir pour reprendre la démarche : documentation, licences, coûts, "
        "compétences.",
        Decimal("15"),
        None,
    ),
    (
        "mutualisation",
        "Mutualisation",
        "Les moyens, données, outils et marchés partagés avec d'autres collectivités, services ou partenaires.",
        Decimal("15"),
        None,
    ),
    (
        "sobriete",
        "Efficacité et sobriété numérique / impact climatique",
        "Les résultats mesurés ou attendus et l'empreinte environnementale du projet (matériel, données, énergie).",
        Decimal("15"),
        Decimal("1.5"),
    ),
    (
        "interoperabilite",
        "Interopérabilité",
        "Standards ouverts, formats documentés, échanges de données avec d'autres collectivités et l'État.",
        Decimal("10"),
        None,
    ),
)

PROJECTS = (
    "Éclairage public intelligent",
    "Transport à la demande en zone rurale",
    "Plateforme de participation citoyenne",
    "Capteurs de qualité de l'air dans les écoles",
    "Jumeau numérique du réseau d'eau",
    "Guichet unique des démarches en ligne",
    "Tiers-lieu numérique itinérant",
    "Données ouvertes des mobilités",
    "Gestion prédictive des bâtiments publics",
    "Covoiturage domicile-travail des agents",
    "Cantine durable et lutte contre le gaspillage",
    "Médiation numérique en mairie",
)
UNTOLD_PROJECT = ("project_title", "summary", "description", "stage")
COMMENTS = (
    "Projet solide, bien documenté.",
    "La mutualisation reste à démontrer.",
    "Démarche exemplaire avec les habitants.",
    "Résultats encore difficiles à mesurer.",
    "",
)


def _paris_midnight(instant):
    """The midnight (Paris) that starts the day after ``instant``: "avant le … à minuit"."""
    day = instant.astimezone(PARIS) + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=PARIS)


class Builder:
    """Everything drawn from one seeded random generator and one seeded Faker, in a fixed order."""

    def __init__(self):
        self.rng = random.Random(SEED)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(SEED)
        self.password_hash = make_password(PASSWORD)
        self.regions = list(Region.objects.order_by("code"))
        self.User = get_user_model()

    def users(self, emails, language="fr"):
        """Accounts for ``emails``, inserted in bulk with the one shared password hash, their addresses confirmed."""
        confirmed_at = timezone.now()
        users = [
            self.User(
                email=email,
                full_name=self.fake.name(),
                language=language,
                password=self.password_hash,
                email_verified_at=confirmed_at,
            )
            for email in emails
        ]
        self.User.objects.bulk_create(users, batch_size=2000)
        return list(self.User.objects.filter(email__in=emails).order_by("pk"))

    def edition(self, **fields):
        edition = EditionFactory(contact_email="equipe@label-territoire-innovant.example", **fields)
        for order, (code, name, guidance, weight, threshold) in enumerate(CRITERIA, start=1):
            CriterionFactory(
                edition=edition,
                code=code,
                name=name,
                guidance=guidance,
                weight=weight,
                order=order,
                scale_min=0,
                scale_max=5,
                eliminatory_threshold=threshold,
            )
        return edition

    def territory(self):
        kind = self.rng.choice(TerritoryKind.values)
        return {
            "territory_name": f"{TerritoryKind(kind).label} de {self.fake.city()}",
            "territory_kind": kind,
            "region": self.rng.choice(self.regions),
            "population": self.rng.randint(800, 600_000),
        }

    def project(self):
        return {
            "project_title": self.rng.choice(PROJECTS),
            "summary": self.fake.sentence(nb_words=18),
            "description": self.fake.paragraph(nb_sentences=8),
            "stage": self.rng.choice(["pilot", "deployment", "routine"]),
            "budget": Decimal(self.rng.randint(5_000, 900_000)),
        }

    # --- the rankable juries -----------------------------------------------------------------

    def ranked_edition(self, slug, year, name, jury_name, size, juror_count, organiser):
        """An edition whose ``size`` shortlisted candidatures are each scored by 3 of ``juror_count`` jurors."""
        edition = self.edition(
            name=name,
            slug=slug,
            year=year,
            opens_at=datetime(year, 3, 1, tzinfo=PARIS),
            closes_at=datetime(year, 6, 1, tzinfo=PARIS),
        )
        owners = self.users([f"candidature-{slug}-{n:04d}@bench.example" for n in range(1, size + 1)])
        submitted_at = datetime(year, 5, 20, 10, tzinfo=PARIS)
        candidatures = [
            CandidatureFactory.build(
                edition=edition,
                owner=owner,
                status=Status.SHORTLISTED,
                reference=edition.reference_for(number),
                submitted_at=submitted_at + timedelta(minutes=number),
                consent_publication=True,
                **self.territory(),
                **self.project(),
            )
            for number, owner in enumerate(owners, start=1)
        ]
        Candidature.objects.bulk_create(candidatures, batch_size=1000)
        Edition.objects.filter(pk=edition.pk).update(last_reference_number=size)
        candidatures = list(Candidature.objects.filter(edition=edition).order_by("reference"))
        criteria = list(edition.criteria.all())
        CriterionAnswer.objects.bulk_create(
            [
                CriterionAnswer(candidature=candidature, criterion=criterion, text=self.fake.paragraph(4))
                for candidature in candidatures
                for criterion in criteria
            ],
            batch_size=2000,
        )
        HistoryEntry.objects.bulk_create(
            [
                HistoryEntry(
                    candidature=candidature,
                    action=HistoryEntry.Action.STATUS,
                    from_status=source,
                    to_status=target,
                    actor_id=actor_id,
                    at=candidature.submitted_at + timedelta(days=days),
                )
                for candidature in candidatures
                for source, target, actor_id, days in (
                    (Status.DRAFT, Status.SUBMITTED, candidature.owner_id, 0),
                    (Status.SUBMITTED, Status.ELIGIBLE, organiser.pk, 5),
                    (Status.ELIGIBLE, Status.SHORTLISTED, organiser.pk, 10),
                )
            ],
            batch_size=2000,
        )

        jury = JuryFactory(
            edition=edition,
            name=jury_name,
            scoring_opens_at=datetime(year, 6, 20, tzinfo=PARIS),
            scoring_closes_at=datetime(year, 7, 10, tzinfo=PARIS),
            jurors_per_candidature=EVALUATIONS_PER_CANDIDATURE,
        )
        jurors = self.users([f"jure-{slug}-{n:02d}@bench.example" for n in range(1, juror_count + 1)])
        JuryMember.objects.bulk_create(
            [
                JuryMember(
                    jury=jury,
                    user=juror,
                    role=JuryMember.Role.PRESIDENT if index == 0 else JuryMember.Role.MEMBER,
                    state=JuryMember.State.ACCEPTED,
                    invited_at=datetime(year, 6, 1, tzinfo=PARIS),
                    answered_at=datetime(year, 6, 2, tzinfo=PARIS),
                )
                for index, juror in enumerate(jurors)
            ]
        )
        # About one dossier in a hundred has a conflicted juror, as declared before the assignment.
        if juror_count > EVALUATIONS_PER_CANDIDATURE:
            for candidature in self.rng.sample(candidatures, max(1, size // 100)):
                declare_conflict(self.rng.choice(jurors), candidature, by=organiser, reason="Élu de la collectivité")
        with muted():
            assign(jury, now=datetime(year, 6, 20, 9, tzinfo=PARIS))
        self.evaluate(jury, criteria, jurors, now=datetime(year, 6, 25, 15, tzinfo=PARIS))
        return jury

    def evaluate(self, jury, criteria, jurors, now):
        """Submit every assignment's evaluation: each dossier's quality, each juror's severity, some noise."""
        severity = {juror.pk: self.rng.gauss(0, 0.5) for juror in jurors}
        quality = {}
        assignments = Assignment.objects.filter(jury=jury).select_related("juror")
        for done, assignment in enumerate(assignments.order_by("candidature__reference", "juror_id"), start=1):
            if done % 1000 == 0:
                print(f"    {done:,} evaluations submitted…", flush=True)
            level = quality.setdefault(assignment.candidature_id, self.rng.gauss(3.0, 0.8))
            values = {
                criterion.pk: min(5, max(0, round(level + severity[assignment.juror_id] + self.rng.gauss(0, 0.7))))
                for criterion in criteria
            }
            save_evaluation(assignment, assignment.juror, values, self.rng.choice(COMMENTS), submit=True, now=now)

    # --- the open call: public pages and the rush ---------------------------------------------

    def open_call(self):
        now = timezone.now()
        closes_at = _paris_midnight(now + OPEN_CALL_AHEAD)
        edition = self.edition(
            name="Label Territoire Innovant 2030",
            slug=OPEN_CALL_SLUG,
            year=2030,
            tagline="Collectivités qui innovent pour des territoires durables et intelligents",
            description="\n\n".join(self.fake.paragraph(nb_sentences=6) for _ in range(3)),
            eligibility=(
                "Communes, intercommunalités, métropoles, départements, régions et autres organismes publics "
                "locaux, pour un projet engagé depuis au moins six mois.\n\n"
                "Une candidature par collectivité et par édition."
            ),
            opens_at=closes_at - OPEN_CALL_LENGTH,
            closes_at=closes_at,
        )
        forum = EventFactory(
            kind=Event.Kind.NATIONAL_FORUM,
            title="Forum national des territoires innovants 2030",
            slug="forum-2030",
            city="Paris",
            venue="Palais des congrès",
            region=Region.objects.get(code="11"),
            starts_at=closes_at + timedelta(days=120, hours=9),
            ends_at=closes_at + timedelta(days=120, hours=18),
        )
        meetings = [
            EventFactory(
                title=f"Rencontre régionale {city} 2030",
                slug=f"rencontre-{city.lower()}-2030",
                city=city,
                region=Region.objects.get(code=code),
                starts_at=closes_at + timedelta(days=days, hours=9),
                ends_at=closes_at + timedelta(days=days, hours=17),
            )
            for city, code, days in (("Dunkerque", "32", 30), ("Nantes", "52", 45))
        ]
        Edition.objects.filter(pk=edition.pk).update(forum=forum)
        edition.regional_meetings.set(meetings)
        for days, title, detail in (
            (10, "Auditions des candidatures présélectionnées", "Par visioconférence, dix minutes par projet"),
            (30, "Rencontre régionale de Dunkerque", "Diffusée en direct sur la web TV"),
            (45, "Rencontre régionale de Nantes", ""),
            (120, "Remise des labels au forum national", "Paris, Palais des congrès"),
        ):
            Milestone.objects.create(
                edition=edition, starts_at=closes_at + timedelta(days=days, hours=14), title=title, detail=detail
            )
        self.users([rush_email(n) for n in range(1, RUSH_SIZE + 1)])
        return edition

    # --- the drafts due a reminder -------------------------------------------------------------

    def reminder_drafts(self):
        edition = self.edition(
            name="Label Territoire Innovant 2019",
            slug=REMINDER_SLUG,
            year=2019,
            opens_at=datetime(2019, 3, 1, tzinfo=PARIS),
            closes_at=REMINDER_CLOSES_AT,
            published=False,
        )
        emails = [f"brouillon-{n:05d}@bench.example" for n in range(1, REMINDER_DRAFTS + 1)]
        # One owner in twenty reads English: reminders are rendered in each recipient's language.
        english = set(self.rng.sample(range(REMINDER_DRAFTS), REMINDER_DRAFTS // 20))
        owners = self.users([email for index, email in enumerate(emails) if index not in english])
        owners += self.users([email for index, email in enumerate(emails) if index in english], language="en")
        drafts = []
        for owner in sorted(owners, key=lambda user: user.email):
            # Drafts at every stage of completion, some still without a project.
            project = self.project() if self.rng.random() < 0.6 else dict.fromkeys(UNTOLD_PROJECT, "")
            drafts.append(CandidatureFactory.build(edition=edition, owner=owner, **self.territory(), **project))
        Candidature.objects.bulk_create(drafts, batch_size=2000)
        return edition

    # --- the showcase: published projects ------------------------------------------------------

    def showcase(self):
        """``SHOWCASE_PROJECTS`` public projects over ``SHOWCASE_YEARS``, one alone in ``SHOWCASE_LONE_YEAR``."""
        years = [SHOWCASE_LONE_YEAR] + [SHOWCASE_YEARS[n % len(SHOWCASE_YEARS)] for n in range(SHOWCASE_PROJECTS - 1)]
        editions = {
            year: EditionFactory(
                name=f"Label Territoire Innovant {year} — vitrine",
                slug=f"{year}-vitrine",
                year=year,
                code="VIT",
                opens_at=datetime(year, 3, 1, tzinfo=PARIS),
                closes_at=datetime(year, 6, 1, tzinfo=PARIS),
            )
            for year in sorted(set(years))
        }
        themes = list(Theme.objects.order_by("order"))
        owners = self.users([f"vitrine-{n:04d}@bench.example" for n in range(1, SHOWCASE_PROJECTS + 1)])
        counters = dict.fromkeys(editions, 0)
        candidatures = []
        for owner, year in zip(owners, years, strict=True):
            counters[year] += 1
            project = self.project()
            if year == SHOWCASE_LONE_YEAR:
                # Found by the measured search, so that its count at one row is a search's too.
                project["project_title"] = PROJECTS[0]
            candidatures.append(
                CandidatureFactory.build(
                    edition=editions[year],
                    owner=owner,
                    status=Status.LAUREATE,
                    reference=editions[year].reference_for(counters[year]),
                    submitted_at=datetime(year, 5, 20, 10, tzinfo=PARIS),
                    consent_publication=True,
                    outcome_level=self.rng.choice(Level.values),
                    theme=self.rng.choice(themes),
                    **self.territory(),
                    **project,
                )
            )
        Candidature.objects.bulk_create(candidatures, batch_size=1000)
        for year, count in counters.items():
            Edition.objects.filter(pk=editions[year].pk).update(last_reference_number=count)
        candidatures = list(
            Candidature.objects.filter(edition__in=editions.values())
            .select_related("edition", "region", "theme")
            .order_by("reference")
        )
        profiles = []
        for number, candidature in enumerate(candidatures, start=1):
            texts = {
                "title": candidature.project_title,
                "summary": candidature.summary,
                "inhabitants": self.fake.paragraph(nb_sentences=4),
                "results": self.fake.paragraph(nb_sentences=3),
                "cost": f"{candidature.budget:,.0f} € HT".replace(",", " "),
                "funding": self.fake.sentence(nb_words=12),
                "skills": self.fake.sentence(nb_words=14),
                "partners": ", ".join(self.fake.company() for _ in range(3)),
                "contact_name": self.fake.name(),
                "contact_email": candidature.contact_email,
            }
            slug = f"{candidature.edition.year}-vitrine-{number:05d}"
            profiles.append(
                ProjectProfile(candidature=candidature, slug=slug, status=ProjectProfile.Status.APPROVED, **texts)
            )
        ProjectProfile.objects.bulk_create(profiles, batch_size=1000)
        published_at = datetime(max(SHOWCASE_YEARS), 9, 1, tzinfo=PARIS)
        projects = []
        for number, (candidature, profile) in enumerate(zip(candidatures, profiles, strict=True)):
            project = PublishedProject(
                profile=profile,
                candidature=candidature,
                slug=profile.slug,
                edition=candidature.edition,
                year=candidature.edition.year,
                region=candidature.region,
                territory_name=candidature.territory_name,
                territory_kind=candidature.territory_kind,
                level=candidature.outcome_level,
                theme=candidature.theme,
                published_at=published_at - timedelta(minutes=number),
                **{name: getattr(profile, name) for name in PROFILE_FIELDS},
            )
            project.search_text = search.searched_text(project)
            projects.append(project)
        PublishedProject.objects.bulk_create(projects, batch_size=1000)
        PublishedProject.objects.update(search_vector=search.vector())


def rush_email(number):
    return f"candidat-{number:03d}@bench.example"


def build():
    """Build the whole data set into the (freshly migrated) bench database; returns seconds per part."""
    timings = {}
    builder = Builder()

    def timed(name, function, *args):
        started = time.monotonic()
        with transaction.atomic():
            result = function(*args)
        timings[name] = round(time.monotonic() - started, 1)
        print(f"  {name}: {timings[name]} s", flush=True)
        return result

    organiser = OrganiserFactory(email=ORGANISER_EMAIL, full_name="Organisatrice du banc d'essai", password=PASSWORD)
    timed(
        "small jury",
        builder.ranked_edition,
        SMALL_SLUG,
        2021,
        "Label Territoire Innovant 2021 — Pays de la Loire",
        "Jury Pays de la Loire",
        SMALL,
        SMALL_JURORS,
        organiser,
    )
    timed(
        "large jury",
        builder.ranked_edition,
        LARGE_SLUG,
        2022,
        "Label Territoire Innovant 2022",
        "Jury national",
        LARGE,
        LARGE_JURORS,
        organiser,
    )
    timed("open call", builder.open_call)
    timed("reminder drafts", builder.reminder_drafts)
    timed("showcase projects", builder.showcase)
    return timings


# --- what every run does before measuring ---------------------------------------------------------


def organiser():
    return get_user_model().objects.get(email=ORGANISER_EMAIL)


def organiser_authenticator():
    """The organiser's authenticator app, set up now if it was not: a callable giving the code it shows."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(user=organiser(), name="bench", defaults={"confirmed": True})
    return lambda: f"{TOTP(device.bin_key).token():06d}"


def juries():
    """(jury of 20, jury of 2,000)."""
    return Jury.objects.get(edition__slug=SMALL_SLUG), Jury.objects.get(edition__slug=LARGE_SLUG)


def open_call():
    return Edition.objects.get(slug=OPEN_CALL_SLUG)


def keep_open_call_open(now=None):
    """Move the open call, its milestones and its events together so its deadline is ~20 days ahead."""
    now = now or timezone.now()
    edition = open_call()
    closes_at = _paris_midnight(now + OPEN_CALL_AHEAD)
    shift = closes_at - edition.closes_at
    if abs(shift) < timedelta(days=1):
        return
    with transaction.atomic():
        Edition.objects.filter(pk=edition.pk).update(opens_at=closes_at - OPEN_CALL_LENGTH, closes_at=closes_at)
        for milestone in edition.milestones.all():
            Milestone.objects.filter(pk=milestone.pk).update(starts_at=milestone.starts_at + shift)
        events = Event.objects.filter(
            pk__in=[edition.forum_id, *edition.regional_meetings.values_list("pk", flat=True)]
        )
        for event in events:
            Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at + shift, ends_at=event.ends_at + shift)


def rush_owners():
    emails = [rush_email(n) for n in range(1, RUSH_SIZE + 1)]
    return list(get_user_model().objects.filter(email__in=emails).order_by("email"))


def reset_rush_drafts(owners):
    """Give each of ``owners`` a fresh complete draft in the open call, as a candidate fills one in."""
    edition = open_call()
    criteria = list(edition.criteria.all())
    regions = list(Region.objects.order_by("code"))
    rng = random.Random(SEED)
    fake = Faker("fr_FR")
    fake.seed_instance(SEED)
    with transaction.atomic():
        stale = Candidature.objects.filter(edition=edition, owner__in=owners)
        Notification.objects.filter(
            content_type=ContentType.objects.get_for_model(Candidature),
            object_id__in=[str(pk) for pk in stale.values_list("pk", flat=True)],
        ).delete()
        stale.delete()
        # References restart at 0001 when the call holds no other submission.
        if not Candidature.objects.filter(edition=edition).exclude(reference="").exists():
            Edition.objects.filter(pk=edition.pk).update(last_reference_number=0)
    edition.refresh_from_db()
    drafts = []
    for owner in owners:
        draft = label_services.start(edition, owner)
        label_services.save_fields(
            draft,
            {
                "territory_name": f"Commune de {fake.city()}",
                "territory_kind": TerritoryKind.COMMUNE,
                "region": rng.choice(regions),
                "population": rng.randint(800, 600_000),
                "project_title": rng.choice(PROJECTS),
                "summary": fake.sentence(nb_words=18),
                "description": fake.paragraph(nb_sentences=8),
                "stage": "pilot",
                "contact_name": owner.full_name,
                "contact_email": owner.email,
                "consent_rules": True,
            },
            owner,
        )
        label_services.save_answers(draft, {criterion: fake.paragraph(4) for criterion in criteria}, owner)
        draft.refresh_from_db()
        drafts.append(draft)
    vacuum_after_rush()
    return drafts


# What a rush and its reset rewrite: tables a live server's autovacuum keeps clean (it may be off on a bench host).
RUSH_TABLES = (
    "label_candidature",
    "label_criterionanswer",
    "label_consent",
    "label_historyentry",
    "notifications_notification",
    "auditlog_logentry",
    "label_edition",
    "django_session",
)


def vacuum_after_rush():
    """VACUUM ANALYZE the tables a rush rewrites, as autovacuum would between two deadlines (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) " + ", ".join(connection.ops.quote_name(table) for table in RUSH_TABLES))
