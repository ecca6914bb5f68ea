"""Demo data of the jury and the auditions: the 2020 Jury Hauts-de-France, its scores and the published results;
the 23 June 2020 audition session and the current edition's coming one.

Rows are written directly, never through the services: those notify, and seeding the demo must not fill
the outbox. The label's seeder (order 20) has just put the 2020 candidatures back at the end of their
path; this one then scores them and publishes the results, as the jury did in July 2020.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.demo import demo_user, register
from core.clock import paris
from events.demo import DUNKERQUE_SLUG, NEXT_MEETING_SLUG
from events.models import Event, Region
from label.demo import CANDIDATURES_2020, DESCRIPTION_CURRENT, HAUTS_DE_FRANCE
from label.models import Candidature, Edition, HistoryEntry, Level, Status

from .jury.models import Assignment, ConflictOfInterest, Evaluation, Jury, JuryMember, Score
from .jury.ranking import ranking
from .jury.services import weighted_total
from .sessions.convocations import convocation_uid
from .sessions.models import AuditionSession, Availability, Convocation, Slot
from .sessions.scheduling import generate_slots, slot_times

PARIS = ZoneInfo("Europe/Paris")
JURY_NAME = "Jury Hauts-de-France"
JURORS = ("jure1", "jure2", "jure3")  # Jean Dupont (president), Amina Benali, Luc Moreau
PRESIDENT = "jure1"


SCORING_OPENS_AT = paris(date(2020, 6, 23), 18, 0)
SCORING_CLOSES_AT = paris(date(2020, 7, 3))
INVITED_AT = paris(date(2020, 6, 2), 10, 0)
ASSIGNED_AT = paris(date(2020, 6, 23), 17, 45)
RESULTS_AT = paris(date(2020, 7, 15), 10, 0)

CONFLICT = ("jure3", "Communauté urbaine de Dunkerque", "Ancien agent de la collectivité")
CONFLICT_AT = paris(date(2020, 6, 22), 20, 15)

# Scores per audited territory and juror, in the 2020 criteria's order: innovation, usagers,
# reproductibilité, mutualisation, sobriété. Luc Moreau grades about a point lower than the others,
# and the jurors read "mutualisation" differently (shared procurement or shared data and tools).
EVALUATIONS = {
    "Ville de Roubaix": {
        "jure1": (
            [4, 4, 5, 3, 5],
            (2020, 6, 25, 21, 10),
            "Démarche exemplaire et très concrète : l'atelier interne et la licence libre rendent le modèle "
            "facile à reprendre. La mutualisation reste limitée à la ville et à ses partenaires.",
        ),
        "jure2": (
            [4, 5, 5, 5, 5],
            (2020, 6, 24, 9, 40),
            "Un projet sobre, social et mesuré. Le partage de l'atelier entre CCAS, associations et chantier "
            "d'insertion est une vraie mutualisation.",
        ),
        "jure3": (
            [3, 3, 4, 1, 4],
            (2020, 7, 1, 22, 5),
            "Bon projet de réemploi, mais peu innovant techniquement. Aucune mutualisation avec d'autres "
            "collectivités à ce stade.",
        ),
    },
    "Métropole européenne de Lille": {
        "jure1": (
            [4, 4, 4, 5, 3],
            (2020, 6, 26, 18, 30),
            "Le portail partagé avec 95 communes est une mutualisation remarquable. Les résultats "
            "environnementaux sont encore peu documentés.",
        ),
        "jure2": (
            [4, 4, 4, 2, 3],
            (2020, 6, 24, 10, 15),
            "Ouverture des données solide et bien animée. Les communes publient surtout sur la plateforme "
            "métropolitaine : la mutualisation des moyens reste à démontrer.",
        ),
        "jure3": (
            [3, 3, 3, 4, 3],
            (2020, 7, 2, 8, 50),
            "Projet ambitieux et bien mené ; l'apport pour les petites communes mériterait d'être chiffré.",
        ),
    },
    "Communauté urbaine de Dunkerque": {
        "jure1": (
            [4, 3, 3, 2, 4],
            (2020, 6, 27, 11, 0),
            "Résultats énergétiques impressionnants. Le marché commun est un achat groupé plus qu'une "
            "mutualisation des données ou des outils.",
        ),
        "jure2": (
            [3, 3, 4, 4, 4],
            (2020, 6, 24, 11, 5),
            "Éclairage sobre et concerté avec les habitants ; la supervision partagée avec les communes est "
            "un bon exemple de mutualisation.",
        ),
    },
    "Département du Nord": {
        "jure1": (
            [2, 3, 2, 4, 2],
            (2020, 6, 28, 16, 20),
            "Projet utile et bien partagé avec les médiathèques, mais encore en expérimentation : les résultats "
            "sur le recours aux aides manquent.",
        ),
        "jure2": (
            [2, 2, 3, 1, 3],
            (2020, 6, 24, 14, 45),
            "Ambition forte ; l'accompagnement des usagers est prometteur mais peu évalué. La mutualisation "
            "se limite à l'accueil dans les médiathèques.",
        ),
        "jure3": (
            [1, 2, 2, 3, 1],
            (2020, 7, 2, 9, 30),
            "Trop tôt pour juger : pas de résultat mesuré, et l'innovation tient surtout au regroupement des "
            "formulaires.",
        ),
    },
}

PODIUM = (Level.GOLD, Level.SILVER, Level.BRONZE)
RESULT_NOTES = {
    Level.GOLD: "Label Or : le jury salue un projet exemplaire, reproductible et aux résultats mesurés.",
    Level.SILVER: "Label Argent : le jury salue une démarche solide et partagée.",
    Level.BRONZE: "Label Bronze : le jury salue des résultats concrets et encourage le partage de la démarche.",
}
NOT_RETAINED_NOTE = "Le jury n'a pas retenu ce dossier parmi les lauréats de l'édition 2020."


def _territories(status):
    """The 2020 territories that went through ``status``, read from the label's demo paths."""
    return [data["territory_name"] for data in CANDIDATURES_2020 if status in data["path"]]


def _jury(edition):
    jury, _created = Jury.objects.update_or_create(
        edition=edition,
        name=JURY_NAME,
        defaults={
            "scoring_opens_at": SCORING_OPENS_AT,
            "scoring_closes_at": SCORING_CLOSES_AT,
            "jurors_per_candidature": 3,
        },
    )
    jury.regions.set([Region.objects.get(code=HAUTS_DE_FRANCE)])
    return jury


def _members(jury, jurors):
    kept = []
    for local_part, user in jurors.items():
        member, _created = JuryMember.objects.update_or_create(
            jury=jury,
            user=user,
            defaults={
                "role": JuryMember.Role.PRESIDENT if local_part == PRESIDENT else JuryMember.Role.MEMBER,
                "state": JuryMember.State.ACCEPTED,
                "invited_at": INVITED_AT,
                "answered_at": paris(date(2020, 6, 3 + len(kept)), 9, 30),
            },
        )
        kept.append(member.pk)
    jury.members.exclude(pk__in=kept).delete()


def _conflict(jurors, candidatures):
    local_part, territory, reason = CONFLICT
    juror, candidature = jurors[local_part], candidatures[territory]
    conflict, _created = ConflictOfInterest.objects.update_or_create(
        juror=juror,
        candidature=candidature,
        defaults={"declared_by": juror, "reason": reason, "created_at": CONFLICT_AT},
    )
    # Conflicts added while trying the demo go: they would hide dossiers the demo scores.
    ConflictOfInterest.objects.filter(juror__in=jurors.values(), candidature__in=candidatures.values()).exclude(
        pk=conflict.pk
    ).delete()
    return {(juror.pk, candidature.pk)}


def _assignments(jury, jurors, candidatures, conflicted):
    assignments, kept = {}, []
    for territory in _territories(Status.SHORTLISTED):
        candidature = candidatures[territory]
        for local_part, juror in jurors.items():
            if (juror.pk, candidature.pk) in conflicted:
                continue
            assignment, _created = Assignment.objects.update_or_create(
                juror=juror, candidature=candidature, defaults={"jury": jury, "created_at": ASSIGNED_AT}
            )
            assignments[territory, local_part] = assignment
            kept.append(assignment.pk)
    jury.assignments.exclude(pk__in=kept).delete()
    return assignments


def _evaluations(jury, assignments, criteria):
    kept = []
    for territory, by_juror in EVALUATIONS.items():
        for local_part, (values, submitted, comment) in by_juror.items():
            scores = dict(zip([criterion.pk for criterion in criteria], values, strict=True))
            submitted_at = datetime(*submitted, tzinfo=PARIS)
            evaluation, _created = Evaluation.objects.update_or_create(
                assignment=assignments[territory, local_part],
                defaults={
                    "status": Evaluation.Status.SUBMITTED,
                    "comment": comment,
                    "weighted_total": weighted_total(scores, criteria),
                    "submitted_at": submitted_at,
                },
            )
            # ``updated_at`` is automatic on save(); an update() keeps the 2020 date.
            Evaluation.objects.filter(pk=evaluation.pk).update(updated_at=submitted_at)
            for criterion in criteria:
                Score.objects.update_or_create(
                    evaluation=evaluation, criterion=criterion, defaults={"value": scores[criterion.pk]}
                )
            evaluation.scores.exclude(criterion__in=criteria).delete()
            kept.append(evaluation.pk)
    Evaluation.objects.filter(assignment__jury=jury).exclude(pk__in=kept).delete()


def _publish_results(jury, candidatures, organiser):
    """Laureates in the order of the jury's ranking by mean; the other audited dossiers not retained."""
    # The label's paths that stop at the audition leave the decision to the jury.
    undecided = {
        candidatures[data["territory_name"]].pk for data in CANDIDATURES_2020 if data["path"][-1] == Status.AUDITIONED
    }
    ranked = [
        row.candidature
        for row in ranking(jury).rows
        if row.candidature.pk in undecided and row.mean is not None and not row.eliminated
    ]
    podium = [candidature.pk for candidature in ranked[: len(PODIUM)]]
    levels = dict(zip(podium, PODIUM[: len(podium)], strict=True))
    for pk in sorted(undecided):
        level = levels.get(pk, "")
        status = Status.LAUREATE if level else Status.NOT_RETAINED
        changes = {"status": status, "outcome_level": level, "staged_transition": "", "staged_level": ""}
        if level:
            changes["consent_publication"] = True
        Candidature.objects.filter(pk=pk).update(**changes)
        entry, _created = HistoryEntry.objects.update_or_create(
            candidature_id=pk,
            action=HistoryEntry.Action.STATUS,
            from_status=Status.AUDITIONED,
            to_status=status,
            defaults={"at": RESULTS_AT, "actor": organiser, "note": RESULT_NOTES.get(level, NOT_RETAINED_NOTE)},
        )
        HistoryEntry.objects.filter(
            candidature_id=pk, action=HistoryEntry.Action.STATUS, from_status=Status.AUDITIONED
        ).exclude(pk=entry.pk).delete()
    return levels


@register(order=30)
def seed(stdout):
    edition = Edition.objects.get(slug="2020")
    organiser = demo_user("organisatrice")
    jurors = {local_part: demo_user(local_part) for local_part in JURORS}
    shortlisted = Candidature.objects.filter(edition=edition, territory_name__in=_territories(Status.SHORTLISTED))
    candidatures = {candidature.territory_name: candidature for candidature in shortlisted}
    criteria = list(edition.criteria.all())
    # Independent scoring: in 2020 nobody saw the others' scores.
    Edition.objects.filter(pk=edition.pk).update(jurors_see_other_scores=False)

    jury = _jury(edition)
    _members(jury, jurors)
    conflicted = _conflict(jurors, candidatures)
    assignments = _assignments(jury, jurors, candidatures, conflicted)
    _evaluations(jury, assignments, criteria)
    levels = _publish_results(jury, candidatures, organiser)

    stdout.write(
        f"Auditions: {jury.name} ({edition.slug}), {len(jurors)} jurors, {len(assignments)} assignments, "
        f"{Evaluation.objects.filter(assignment__jury=jury).count()} submitted evaluations, "
        f"{len(levels)} laureates"
    )


# --- audition sessions ----------------------------------------------------------------

SESSION_2020 = "Auditions régionales Hauts-de-France"
SESSION_2020_DAY = date(2020, 6, 23)
VIDEO_2020 = "https://visio.label-demo.example/hdf-2020"
PUBLISHED_2020_AT = paris(date(2020, 6, 20), 10, 0)
AVAILABILITY_DEADLINE_2020 = paris(date(2020, 6, 21), 12, 0)
ANSWERED_2020_AT = paris(date(2020, 6, 19), 15, 0)
# The running order of 23 June 2020, first slot first, with the hours each candidate said it could attend
# (None: the whole afternoon). The remaining slots of the afternoon stayed empty.
RUNNING_ORDER_2020 = (
    ("Métropole européenne de Lille", ((14, 0), (15, 0))),
    ("Ville de Roubaix", ((14, 0), (16, 0))),
    ("Communauté urbaine de Dunkerque", None),
    ("Département du Nord", ((15, 0), (17, 0))),
)

UPCOMING_SESSION = "Auditions des candidats présélectionnés"
UPCOMING_VIDEO = "https://visio.label-demo.example/auditions"
# As the current edition's milestones: the auditions three weeks after the call closes.
UPCOMING_AFTER_CLOSING_DAYS = 21


def _slots_2020(session, candidatures):
    """The generated slots, the first ones filled in the running order, and the convocations sent for them."""
    order = [candidatures[territory] for territory, _hours in RUNNING_ORDER_2020]
    # Slots filled while trying the demo are emptied first: one slot per candidature and session.
    session.slots.update(candidature=None)
    existing = {}
    for slot in session.slots.order_by("pk"):
        existing.setdefault(slot.starts_at, slot)
    kept, told = [], []
    for index, (starts_at, ends_at) in enumerate(slot_times(session, breaks=[])):
        candidature = order[index] if index < len(order) else None
        slot = existing.get(starts_at) or Slot(session=session, starts_at=starts_at)
        slot.ends_at = ends_at
        slot.candidature = candidature
        slot.video_url = ""
        slot.save()
        kept.append(slot.pk)
        if candidature is not None:
            convocation, _created = Convocation.objects.update_or_create(
                session=session,
                candidature=candidature,
                defaults={
                    "slot": slot,
                    "uid": convocation_uid(session, candidature),
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "video_url": session.video_url,
                    "sequence": 0,
                    "cancelled": False,
                    "sent_at": PUBLISHED_2020_AT,
                    "updated_at": PUBLISHED_2020_AT,
                },
            )
            told.append(convocation.pk)
    session.slots.exclude(pk__in=kept).delete()
    # Convocations published while trying the demo go without the cancellation they would need.
    session.convocations.exclude(pk__in=told).delete()
    return order


def _availabilities_2020(session, candidatures):
    kept = []
    for offset, (territory, hours) in enumerate(RUNNING_ORDER_2020):
        ranges = []
        if hours is not None:
            start, end = (paris(SESSION_2020_DAY, *hour) for hour in hours)
            ranges = [[start.isoformat(), end.isoformat()]]
        availability, _created = Availability.objects.update_or_create(
            candidature=candidatures[territory],
            session=session,
            defaults={
                "available": True,
                "ranges": ranges,
                "answered_at": ANSWERED_2020_AT + timedelta(minutes=47 * offset),
            },
        )
        kept.append(availability.pk)
    session.availabilities.exclude(pk__in=kept).delete()


def seed_session_2020():
    edition = Edition.objects.get(slug="2020")
    session, _created = AuditionSession.objects.update_or_create(
        edition=edition,
        title=SESSION_2020,
        defaults={
            "starts_at": paris(SESSION_2020_DAY, 14, 0),
            "ends_at": paris(SESSION_2020_DAY, 17, 0),
            "pitch_minutes": 10,
            "questions_minutes": 10,
            "buffer_minutes": 5,
            "video_url": VIDEO_2020,
            "broadcast_event": Event.objects.get(slug=DUNKERQUE_SLUG),
            "availability_deadline": AVAILABILITY_DEADLINE_2020,
            "published": True,
            "published_at": PUBLISHED_2020_AT,
            "version": 1,
        },
    )
    session.regions.set([Region.objects.get(code=HAUTS_DE_FRANCE)])
    session.breaks.all().delete()
    territories = [territory for territory, _hours in RUNNING_ORDER_2020]
    auditioned = Candidature.objects.filter(edition=edition, territory_name__in=territories)
    candidatures = {candidature.territory_name: candidature for candidature in auditioned}
    _slots_2020(session, candidatures)
    _availabilities_2020(session, candidatures)
    return session


def seed_upcoming_session():
    """The current edition's session, unpublished, with empty slots: it moves with the edition's calendar."""
    edition = Edition.objects.filter(description=DESCRIPTION_CURRENT).exclude(slug="2020").get()
    day = timezone.localdate(edition.closes_at) + timedelta(days=UPCOMING_AFTER_CLOSING_DAYS)
    session, _created = AuditionSession.objects.update_or_create(
        edition=edition,
        title=UPCOMING_SESSION,
        defaults={
            "starts_at": paris(day, 14, 0),
            "ends_at": paris(day, 17, 0),
            "pitch_minutes": 10,
            "questions_minutes": 10,
            "buffer_minutes": 5,
            "video_url": UPCOMING_VIDEO,
            "broadcast_event": Event.objects.get(slug=NEXT_MEETING_SLUG),
            "availability_deadline": paris(day - timedelta(days=7), 12, 0),
            "published": False,
            "published_at": None,
            "version": 0,
        },
    )
    # Unpublished: nothing was told, so the next publication sends first convocations, never updates.
    session.convocations.all().delete()
    session.slots.exclude(starts_at__gte=session.starts_at, ends_at__lte=session.ends_at).delete()
    empty = [(slot.starts_at, slot.ends_at) for slot in session.slots.filter(candidature__isnull=True)]
    filled = session.slots.filter(candidature__isnull=False).values_list("starts_at", "ends_at")
    expected = [
        (start, end)
        for start, end in slot_times(session)
        if not any(start < other_end and other_start < end for other_start, other_end in filled)
    ]
    if empty != expected:
        generate_slots(session)
    return session


@register(order=40)
def seed_sessions(stdout):
    for session in (seed_session_2020(), seed_upcoming_session()):
        starts_at = timezone.localtime(session.starts_at)
        filled = session.slots.filter(candidature__isnull=False).count()
        stdout.write(
            f"Auditions: session {session.title!r} ({session.edition.slug}) on {starts_at:%Y-%m-%d %H:%M} (Paris), "
            f"{filled}/{session.slots.count()} slots filled, {'published' if session.published else 'unpublished'}"
        )
