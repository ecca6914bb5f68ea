"""Demo data of the jury: the 2020 Jury Hauts-de-France, its scores and the published results.

Rows are written directly, never through the services: those notify, and seeding the demo must not fill
the outbox. The label's seeder (order 20) has just put the 2020 candidatures back at the end of their
path; this one then scores them and publishes the results, as the jury did in July 2020.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from accounts.demo import demo_user, register
from events.models import Region
from label.demo import CANDIDATURES_2020, HAUTS_DE_FRANCE
from label.models import Candidature, Edition, HistoryEntry, Level, Status

from .models import Assignment, ConflictOfInterest, Evaluation, Jury, JuryMember, Score
from .ranking import ranking
from .services import weighted_total

PARIS = ZoneInfo("Europe/Paris")
JURY_NAME = "Jury Hauts-de-France"
JURORS = ("jure1", "jure2", "jure3")  # Jean Dupont (president), Amina Benali, Luc Moreau
PRESIDENT = "jure1"


def paris(day, hour=0, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


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
