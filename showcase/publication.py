"""A laureate's public project profile: written by the owner, reviewed by an organiser, published as a copy.

The owner opens the profile (``profile_for``: created on first use, prefilled from the candidature), writes it
(``save_profile``) and sends it for review (``submit_for_review``: the team is told). An organiser approves it
(``approve``: its fields and chosen documents are copied into the ``PublishedProject`` the public reads) or
returns it with a comment (``return_profile``: the owner is told). A change after approval goes through review
again; meanwhile the approved copy stays public. Withdrawing the publication consent deletes the copy at once
(``withdrawal.unpublish``, on the label's ``publication_withdrawn`` signal).

Only a candidature that ``eligibility`` allows (a laureate, or one shortlisted for the auditions, whose owner
agreed to publication) has a profile; sending it for review records the owner's consent to the
project page (``label.consents``). Each step runs under the profile row's lock, writes nothing when asked twice,
and is recorded in the audit trail.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext

from accounts.roles import is_organiser
from audit import trail
from core import clock
from core.errors import Refused
from core.pages import forget_public_pages
from core.results import Outcome
from label import consents
from label.models import Candidature
from notifications.services import notify

from . import eligibility, search, thumbnails
from .models import PROFILE_FIELDS, ProjectProfile, PublishedProject

ProfileStatus = ProjectProfile.Status

# What a laureate may publish among the candidature's attachments: images and PDFs.
PUBLISHABLE_TYPES = ("application/pdf", "image/png", "image/jpeg")
SLUG_LENGTH = ProjectProfile._meta.get_field("slug").max_length
# The review's own fields, traced beside the profile's text.
REVIEW_FIELDS = ("status", "review_comment", "submitted_at", "reviewed_at", "reviewed_by")
# What the review needs: a title, a summary, and what changed for the inhabitants or the results (one of them).
REVIEW_NEEDS = ("title", "summary", "inhabitants", "results")


def _ensure_allowed(candidature):
    reason = eligibility.refusal(candidature)
    if reason:
        raise Refused(reason)


def _ensure_owner(profile, user):
    if not user.is_authenticated or profile.candidature.owner_id != user.pk:
        raise Refused(gettext("Seul le compte qui a déposé la candidature peut modifier sa fiche projet."))


def _ensure_organiser(user):
    if not is_organiser(user):
        raise Refused(gettext("Seule l'équipe du label relit les fiches projet."))


def _locked(profile):
    # Only the profile's row: the candidature and its edition are read, not locked.
    return (
        ProjectProfile.objects.select_for_update(of=("self",))
        .select_related("candidature__edition", "candidature__owner")
        .get(pk=profile.pk)
    )


def _refresh(profile, locked):
    """The caller's object takes the row as saved."""
    for field in ProjectProfile._meta.concrete_fields:
        setattr(profile, field.attname, getattr(locked, field.attname))


def label(name):
    """The name of a profile field as the owner reads it."""
    return str(capfirst(ProjectProfile._meta.get_field(name).verbose_name))


def _slug_base(candidature):
    text = f"{candidature.edition.year} {candidature.territory_name} {candidature.project_title}"
    return slugify(text)[:SLUG_LENGTH].strip("-") or str(candidature.edition.year)


def free_slug(candidature):
    """``<year>-<territory>-<title>``, cut to the column's length, with ``-2``, ``-3``… when already taken."""
    base = _slug_base(candidature)
    taken = set(ProjectProfile.objects.filter(slug__startswith=base[:100]).values_list("slug", flat=True))
    number = 1
    while True:
        suffix = f"-{number}" if number > 1 else ""
        slug = base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if slug not in taken:
            return slug
        number += 1


def profile_for(candidature):
    """The candidature's profile, created and prefilled the first time; Refused unless it may have one."""
    with transaction.atomic():
        locked = Candidature.objects.select_for_update(of=("self",)).select_related("edition").get(pk=candidature.pk)
        _ensure_allowed(locked)
        existing = ProjectProfile.objects.filter(candidature=locked).first()
        if existing is not None:
            return existing
        for _attempt in range(3):
            try:
                # A savepoint: a slug taken meanwhile by another candidature leaves the transaction usable.
                with transaction.atomic():
                    profile = ProjectProfile.objects.create(
                        candidature=locked, slug=free_slug(locked), **_prefill(locked)
                    )
                break
            except IntegrityError:
                continue
        else:
            raise Refused(gettext("La fiche projet n'a pas pu être créée : réessayez dans un instant."))
        trail.log(profile, trail.Action.CREATE, trail.changes({}, trail.snapshot(profile, ["slug", "status"])))
    return profile


def _prefill(candidature):
    """What the candidature already says of the project, for the owner to rewrite for the public.

    Not its contact: a person's name, address and phone go public only when the owner types them here.
    """
    return {
        "title": candidature.project_title,
        "summary": candidature.summary,
        "partners": candidature.partners,
        "website": candidature.website,
    }


def publishable_documents(candidature):
    """The candidature's attachments a profile may show: its images and PDFs."""
    return candidature.documents.filter(content_type__in=PUBLISHABLE_TYPES)


def _document_ids(documents):
    return sorted(str(document.pk) for document in documents)


def _validated(locked, changes):
    """Apply ``changes`` to the row, each value checked as the model says; Refused at the first field wrong."""
    for name, value in changes.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not a field of the public profile")
        field = ProjectProfile._meta.get_field(name)
        value = "" if value is None else value
        if value not in field.empty_values:
            try:
                value = field.clean(value, locked)
            except ValidationError as error:
                raise Refused(" ".join(error.messages), field=name) from error
        setattr(locked, name, value)


def save_profile(profile, changes, user, now=None):
    """The owner's ``changes`` ({field: value}, ``documents``: the documents to publish) saved under the lock.

    Returns the names of what changed ([] when nothing did: nothing is written). A profile in review or
    approved goes back to draft: the change is reviewed again, and the approved copy stays public meanwhile.
    """
    now = clock.now(now)
    changes = dict(changes)
    documents = changes.pop("documents", None)
    with transaction.atomic():
        locked = _locked(profile)
        _ensure_owner(locked, user)
        _ensure_allowed(locked.candidature)
        before = trail.snapshot(locked, [*PROFILE_FIELDS, "status"])
        _validated(locked, changes)
        after = trail.snapshot(locked, PROFILE_FIELDS)
        changed = trail.changes(before, after)
        documents_before = _document_ids(locked.documents.all())
        if documents is not None:
            documents = list(documents)
            allowed = set(publishable_documents(locked.candidature).values_list("pk", flat=True))
            if any(document.pk not in allowed for document in documents):
                raise Refused(
                    gettext("Seuls les images et PDF joints à cette candidature peuvent être publiés."),
                    field="documents",
                )
            if _document_ids(documents) != documents_before:
                changed["documents"] = [", ".join(documents_before), ", ".join(_document_ids(documents))]
        if not changed:
            return []
        if locked.status in (ProfileStatus.SUBMITTED, ProfileStatus.APPROVED):
            locked.status = ProfileStatus.DRAFT
            changed["status"] = [before["status"], locked.status]
        locked.save()
        if "documents" in changed:
            locked.documents.set(documents)
        trail.log(
            locked, trail.Action.UPDATE, changed, reason=gettext("Fiche modifiée par la collectivité"), actor=user
        )
    _refresh(profile, locked)
    return sorted(name for name in changed if name != "status")


def missing_for_review(profile):
    """{field: message} of what the review needs and the profile lacks (among ``REVIEW_NEEDS``); empty when it
    may be sent."""
    missing = {}
    for name in ("title", "summary"):
        if not getattr(profile, name).strip():
            missing[name] = gettext("Indispensable pour envoyer la fiche en relecture.")
    if not (profile.inhabitants.strip() or profile.results.strip()):
        either = gettext("Remplissez ce champ ou « %(other)s » pour envoyer la fiche en relecture.")
        missing["inhabitants"] = either % {"other": label("results")}
        missing["results"] = either % {"other": label("inhabitants")}
    return missing


def _missing_message(missing):
    parts = [f"« {label(name)} »" for name in ("title", "summary") if name in missing]
    if "inhabitants" in missing:
        parts.append(
            gettext("au moins l'un des champs « %(first)s » ou « %(second)s »")
            % {"first": label("inhabitants"), "second": label("results")}
        )
    listed = (
        parts[0]
        if len(parts) == 1
        else gettext("%(some)s et %(last)s")
        % {
            "some": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    )
    return gettext("Pour envoyer la fiche en relecture, complétez : %(missing)s.") % {"missing": listed}


def review_step(profile, reason, actor, extra=None, **fields):
    """Set ``fields`` of the (locked) profile, save only them, and write the step in the audit trail with
    ``reason``; the trail's entry (its key makes each step's e-mail unique)."""
    before = trail.snapshot(profile, REVIEW_FIELDS)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save(update_fields=[*fields, "updated_at"])
    changes = trail.changes(before, trail.snapshot(profile, REVIEW_FIELDS))
    return trail.log(profile, trail.Action.UPDATE, changes, reason=reason, actor=actor, extra=extra)


def submit_for_review(profile, user, now=None):
    """Send the profile to the team's review; False when there is nothing new to review (already sent or
    approved as it is). Refused, naming the fields, while the title, the summary or both of "what changed
    for the inhabitants" and "results" are empty."""
    now = clock.now(now)
    with transaction.atomic():
        locked = _locked(profile)
        _ensure_owner(locked, user)
        candidature = locked.candidature
        _ensure_allowed(candidature)
        if locked.status in (ProfileStatus.SUBMITTED, ProfileStatus.APPROVED):
            return False
        missing = missing_for_review(locked)
        if missing:
            raise Refused(_missing_message(missing), field=next(iter(missing)))
        entry = review_step(
            locked, gettext("Fiche envoyée en relecture"), user, status=ProfileStatus.SUBMITTED, submitted_at=now
        )
        consents.record(candidature, consents.Purpose.PROJECT_PAGE, True, user, now)
        notify(
            "showcase_profile_submitted",
            candidature.edition.contact_email,
            {
                "profile": locked,
                "candidature": candidature,
                "edition": candidature.edition,
                "distinction": eligibility.distinction(candidature).label,
            },
            key=f"showcase_profile_submitted:{locked.pk}:{entry.pk}",
            related=candidature,
        )
    _refresh(profile, locked)
    return True


def approve(profile, organiser, now=None):
    """Publish the profile as it is: its fields and documents copied into its ``PublishedProject`` (made the
    first time, updated after, under the same address), the search data and the public pages refreshed, the
    thumbnails made, the owner told. False when already approved (nothing written)."""
    now = clock.now(now)
    _ensure_organiser(organiser)
    with transaction.atomic():
        locked = _locked(profile)
        if locked.status == ProfileStatus.APPROVED:
            return False
        if locked.status != ProfileStatus.SUBMITTED:
            raise Refused(
                gettext("Seule une fiche envoyée en relecture peut être publiée (celle-ci est « %(status)s »).")
                % {"status": locked.get_status_display()}
            )
        candidature = locked.candidature
        _ensure_allowed(candidature)
        published = PublishedProject.objects.filter(profile=locked).first() or PublishedProject(
            profile=locked, candidature=candidature, slug=locked.slug, published_at=now
        )
        for name in PROFILE_FIELDS:
            setattr(published, name, getattr(locked, name))
        for name, value in _from_candidature(candidature).items():
            setattr(published, name, value)
        published.save()
        published.documents.set(locked.documents.all())
        entry = review_step(
            locked,
            gettext("Fiche approuvée et publiée"),
            organiser,
            extra={"published_project": published.pk},
            status=ProfileStatus.APPROVED,
            review_comment="",
            reviewed_at=now,
            reviewed_by=organiser,
        )
        search.refresh(published)
        forget_public_pages()
        transaction.on_commit(lambda: thumbnails.publish(published))
        notify(
            "showcase_profile_approved",
            candidature.owner,
            {"profile": locked, "candidature": candidature, "published": published},
            key=f"showcase_profile_approved:{locked.pk}:{entry.pk}",
            related=candidature,
        )
    _refresh(profile, locked)
    return True


def _from_candidature(candidature):
    """The published copy's fields read from the candidature (an organiser may correct them there; a
    shortlisted one may become laureate). The distinction is kept while the candidature has none any more."""
    values = {
        "edition_id": candidature.edition_id,
        "year": candidature.edition.year,
        "region_id": candidature.region_id,
        "territory_name": candidature.territory_name,
        "territory_kind": candidature.territory_kind,
        "level": candidature.outcome_level,
        "theme_id": candidature.theme_id,
    }
    found = eligibility.distinction(candidature)
    if found is not None:
        values["distinction"] = found
    return values


def return_profile(profile, organiser, comment, now=None):
    """Send the profile back to its owner with ``comment`` (required), by e-mail; False when already returned
    with the same comment."""
    now = clock.now(now)
    _ensure_organiser(organiser)
    comment = (comment or "").strip()
    if not comment:
        raise Refused(
            gettext("Dites à la collectivité ce qu'elle doit reprendre : le commentaire est obligatoire."),
            field="comment",
        )
    with transaction.atomic():
        locked = _locked(profile)
        if locked.status == ProfileStatus.RETURNED and locked.review_comment == comment:
            return False
        if locked.status != ProfileStatus.SUBMITTED:
            raise Refused(
                gettext("Seule une fiche envoyée en relecture peut être renvoyée (celle-ci est « %(status)s »).")
                % {"status": locked.get_status_display()}
            )
        entry = review_step(
            locked,
            comment,
            organiser,
            status=ProfileStatus.RETURNED,
            review_comment=comment,
            reviewed_at=now,
            reviewed_by=organiser,
        )
        candidature = locked.candidature
        notify(
            "showcase_profile_returned",
            candidature.owner,
            {"profile": locked, "candidature": candidature, "comment": comment},
            key=f"showcase_profile_returned:{locked.pk}:{entry.pk}",
            related=candidature,
        )
    _refresh(profile, locked)
    return True


def follow_candidature(candidature):
    """The published copy takes what an organiser corrected on the candidature (theme, territory, region…) and
    its distinction (a shortlisted project become laureate)."""
    published = PublishedProject.objects.filter(candidature=candidature).first()
    if published is None:
        return False
    values = _from_candidature(candidature)
    if all(getattr(published, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(published, name, value)
    published.save(update_fields=[*values, "updated_at"])
    search.refresh(published)
    forget_public_pages()
    return True


def _each(profiles, act):
    """``act(profile)`` on each of ``profiles``; an Outcome of their candidatures (those ``act`` leaves as they
    were, answering False, are neither done nor refused)."""
    outcome = Outcome()
    for profile in profiles:
        try:
            if act(profile):
                outcome.done.append(profile.candidature)
        except Refused as refused:
            outcome.refuse(profile.candidature, refused.message)
    return outcome


def approve_many(profiles, organiser):
    """Approve and publish each of ``profiles`` (those already approved are neither done nor refused)."""
    return _each(profiles, lambda profile: approve(profile, organiser))


def return_many(profiles, organiser, comment):
    """Return each of ``profiles`` to its owner with ``comment`` (those already returned with it are neither done
    nor refused)."""
    return _each(profiles, lambda profile: return_profile(profile, organiser, comment))


def with_profiles(candidatures):
    """``candidatures`` with each one's profile, published copy and whether it was ever shortlisted (the profile
    panel of /mes-candidatures/)."""
    return candidatures.select_related("profile__published").annotate(was_shortlisted=eligibility.shortlisted_ever())
