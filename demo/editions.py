"""The demo editions (``data/edition_2020.toml``, ``data/edition_current.toml``, the earlier
``data/edition_2018.toml`` and ``data/edition_2019.toml``, ``data/criteria.toml``) and their candidatures.

An edition, its criteria and milestones are configuration, written as an organiser does in the admin. Each
candidature is filled in and submitted by its owner through ``label.services``, then moved along the
workflow by ``label.services.fire``, each step on its date: a step the workflow does not allow is refused.
"""

from decimal import Decimal

from events.models import Region
from label import services, workflow
from label.models import Candidature, Criterion, Edition, Milestone, Status, Theme

from . import data

CRITERIA = data.load("criteria")
EDITION_2020 = data.load("edition_2020")
EDITION_CURRENT = data.load("edition_current")
# Earlier national calls, closed, with a few labelled projects from other regions for the showcase.
EARLIER_EDITIONS = (data.load("edition_2018"), data.load("edition_2019"))

# What an owner fills in through the application's steps before submitting.
OWNER_FIELDS = (
    "territory_name",
    "territory_kind",
    "population",
    "project_title",
    "summary",
    "description",
    "stage",
    "started_on",
    "partners",
    "contact_role",
    "consent_rules",
    "consent_publication",
)


def seed_2020(events):
    spec = EDITION_2020["edition"]
    edition, _created = Edition.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            **_values(spec, None),
            "name": spec["name"],
            "year": spec["year"],
            "code": spec["code"],
            "jurors_see_other_scores": spec["jurors_see_other_scores"],
        },
    )
    _configure(edition, EDITION_2020, None, events)
    return edition


def seed_earlier(spec, events):
    """An earlier national call (``EARLIER_EDITIONS``), closed, without forum or milestones of its own."""
    values = spec["edition"]
    edition, _created = Edition.objects.update_or_create(
        slug=values["slug"],
        defaults={**_values(values, None), "name": values["name"], "year": values["year"], "code": values["code"]},
    )
    _configure(edition, spec, None, events)
    return edition


def seed_current(today, events):
    """The call open now, dated from ``today``: a later run moves it, and may change its year."""
    spec = EDITION_CURRENT["edition"]
    values = _values(spec, today)
    year = values["closes_at"].year
    # The demo's own text marks its current edition from one run to the next.
    current = Edition.objects.filter(description=spec["description"]).first()
    edition, _created = Edition.objects.update_or_create(
        pk=current.pk if current else None,
        defaults={**values, "slug": str(year), "name": spec["name"].format(year=year), "year": year},
    )
    _configure(edition, EDITION_CURRENT, today, events)
    return edition


def _values(spec, today):
    return {
        "tagline": spec["tagline"],
        "description": spec["description"],
        "eligibility": spec["eligibility"],
        "opens_at": data.instant(spec["opens"], today),
        "closes_at": data.instant(spec["closes"], today),
        "contact_email": data.email(spec["contact"]),
        # The rules are a page of the site; a link to an outside document from an earlier run goes.
        "rules_text": spec["rules"],
        "rules_url": "",
        "published": spec["published"],
    }


def _configure(edition, spec, today, events):
    """The edition's criteria, milestones (other milestones go) and events, among ``events`` by slug."""
    for order, row in enumerate(spec["criterion"], start=1):
        texts, threshold = CRITERIA[row["code"]], row.get("threshold")
        Criterion.objects.update_or_create(
            edition=edition,
            code=row["code"],
            defaults={
                "name": texts["name"],
                "guidance": texts["guidance"],
                "weight": Decimal(row["weight"]),
                "order": order,
                "eliminatory_threshold": None if threshold is None else Decimal(str(threshold)),
            },
        )
    kept = []
    for row in spec.get("milestone", ()):
        milestone, _created = Milestone.objects.update_or_create(
            edition=edition,
            title=row["title"],
            defaults={
                "starts_at": data.instant(row["starts"], today),
                "ends_at": data.instant(row["ends"], today),
                "detail": row["detail"],
            },
        )
        kept.append(milestone.pk)
    edition.milestones.exclude(pk__in=kept).delete()
    forum = spec["edition"].get("forum")
    edition.forum = events[forum] if forum else None
    edition.save(update_fields=["forum"])
    edition.regional_meetings.set([events[slug] for slug in spec["edition"].get("regional_meetings", ())])


def transition(source, target):
    """The name of the workflow's transition from status ``source`` to ``target``."""
    for name, declared in workflow.TRANSITIONS.items():
        if declared.target == target and source in declared.sources:
            return name
    raise ValueError(f"The workflow declares no transition from {source} to {target}.")


def advance(edition, people, before=None, edition_spec=EDITION_2020):
    """Take the steps of each candidature of ``edition_spec`` (the 2020 call's unless said) dated before
    ``before`` (all when None) not taken yet.

    A candidature found off its path (moved while the demo was tried) is left as it is.
    """
    organiser = people[edition_spec["decided_by"]]
    criteria = list(edition.criteria.all())
    for spec in edition_spec["candidature"]:
        owner = people[spec["account"]]
        candidature = Candidature.objects.filter(edition=edition, owner=owner).exclude(status=Status.WITHDRAWN).first()
        path = [Status.DRAFT, *(step["status"] for step in spec["steps"])]
        status = candidature.status if candidature else Status.DRAFT
        if status not in path:
            continue
        for step in spec["steps"][path.index(status) :]:
            at = data.instant(step["at"])
            if before is not None and at >= before:
                break
            if step["status"] == Status.SUBMITTED:
                candidature = _submit(edition, owner, spec, criteria, at)
            else:
                candidature = services.fire(
                    candidature,
                    transition(candidature.status, step["status"]),
                    organiser,
                    note=spec.get("notes", {}).get(step["status"], ""),
                    level=step.get("level", ""),
                    now=at,
                )


def _submit(edition, owner, spec, criteria, at):
    """The owner's application, filled in and submitted at ``at``."""
    candidature = services.start(edition, owner, now=at)
    fields = {name: spec[name] for name in OWNER_FIELDS}
    fields.update(
        region=Region.objects.get(code=spec["region"]),
        budget=Decimal(spec["budget"]),
        theme=Theme.objects.get(slug=spec["theme"]),
    )
    services.save_fields(candidature, fields, owner, now=at)
    answers = {criterion: spec["answers"][criterion.code] for criterion in criteria}
    services.save_answers(candidature, answers, owner, now=at)
    return services.submit(candidature, owner, now=at)


def seed_draft(edition, people):
    """The demo candidate's draft in the open call, started once: what the candidate does to it then stays."""
    spec = EDITION_CURRENT["draft"]
    owner = people[spec["account"]]
    if Candidature.objects.filter(edition=edition, owner=owner).exclude(status=Status.WITHDRAWN).exists():
        return
    draft = services.start(edition, owner)
    fields = {name: spec[name] for name in ("territory_name", "territory_kind", "population", "project_title")}
    services.save_fields(draft, {**fields, "region": Region.objects.get(code=spec["region"])}, owner)
