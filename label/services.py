"""Business operations on candidatures; every write checks the deadline here, on the server."""

import hashlib
import zipfile
from datetime import timedelta
from decimal import Decimal

import filetype
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.services import notify

from . import workflow
from .models import Candidature, CriterionAnswer, Document, Edition, HistoryEntry, Level, Status
from .signals import status_changed


class ActionRefused(Exception):
    """An operation the rules forbid; ``message`` is shown to the person as is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _now(now):
    return now or timezone.now()


def ensure_writable(candidature, user, now=None):
    """Raise unless ``user`` may change the candidature's content right now."""
    if candidature.owner_id != user.pk:
        raise ActionRefused(_("Vous n'avez pas le droit de modifier cette candidature."))
    if candidature.status not in (Status.DRAFT, Status.SUBMITTED):
        raise ActionRefused(_("Cette candidature n'est plus modifiable."))
    if not candidature.is_writable(_now(now)):
        raise ActionRefused(_("L'appel à candidatures est clos : la candidature ne peut plus être modifiée."))


def start(edition, user, now=None):
    """The owner's active candidature to ``edition``, created as a draft when there is none."""
    now = _now(now)
    existing = Candidature.objects.filter(edition=edition, owner=user).exclude(status=Status.WITHDRAWN).first()
    if existing is not None:
        return existing
    if not edition.is_open(now):
        raise ActionRefused(_("L'appel à candidatures n'est pas ouvert : il n'est pas possible de candidater."))
    try:
        with transaction.atomic():
            return Candidature.objects.create(
                edition=edition, owner=user, contact_email=user.email, contact_name=user.full_name
            )
    except IntegrityError:
        # Another tab of the same person started it at the same instant: one candidature, theirs.
        return Candidature.objects.filter(edition=edition, owner=user).exclude(status=Status.WITHDRAWN).get()


def record(candidature, action, actor, note="", from_status="", to_status="", now=None):
    return HistoryEntry.objects.create(
        candidature=candidature,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        from_status=from_status,
        to_status=to_status,
        at=_now(now),
    )


# --- editing: only the fields a person changes, and never over someone else's change ---------

EDIT_BASE_SALT = "label.candidature.edit-base"


class EditConflict(ActionRefused):
    """Someone changed what the form shows since it was opened; nothing was saved.

    ``current`` maps each conflicting name to its value now; ``base`` is a fresh
    token, so that saving the same form again deliberately replaces those values.
    """

    def __init__(self, current, base):
        super().__init__(
            _(
                "Cette étape a été modifiée entre-temps, dans un autre onglet ou par une autre personne : "
                "votre saisie n'a pas été enregistrée. Elle est conservée ci-dessous, avec sous chaque champ "
                "concerné la valeur enregistrée entre-temps ; enregistrez à nouveau pour garder la vôtre."
            )
        )
        self.current = current
        self.base = base


def _canonical(value):
    """One spelling per value, whichever way it was read: 1000 and 1000.00, a region and its key."""
    if value is None:
        return "\x00"
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def _digest(value):
    return hashlib.sha256(_canonical(value).encode()).hexdigest()[:16]


def _same(first, second):
    return _canonical(first) == _canonical(second)


def field_values(candidature, names):
    """{name: stored value} of the candidature's fields ``names``, a relation as its key."""
    return {name: Candidature._meta.get_field(name).value_from_object(candidature) for name in names}


def answer_values(candidature, criteria):
    """{criterion's answer key: text} of the candidature's answers to ``criteria`` ("" when unanswered)."""
    texts = {answer.criterion_id: answer.text for answer in candidature.answers.all()}
    return {criterion.answer_key: texts.get(criterion.pk, "") for criterion in criteria}


def edit_base(candidature, values):
    """A token of what a form shows (the candidature's version, a digest per value), checked when it is saved."""
    digests = {name: _digest(value) for name, value in values.items()}
    return signing.dumps({"v": candidature.version, "d": digests}, salt=EDIT_BASE_SALT)


def _read_base(token):
    if not token:
        return None
    try:
        base = signing.loads(token, salt=EDIT_BASE_SALT)
    except signing.BadSignature:
        return None
    return base if isinstance(base, dict) and isinstance(base.get("d"), dict) else None


def conflicts(candidature, base, current, wanted):
    """{name: value now} of what changed since ``base`` was taken and ``wanted`` would overwrite."""
    base = _read_base(base)
    if base is None or base.get("v") == candidature.version:
        return {}
    digests = base["d"]
    return {
        name: current[name]
        for name, value in wanted.items()
        if name in digests and _digest(current[name]) != digests[name] and not _same(value, current[name])
    }


def _check_base(locked, base, current, wanted):
    found = conflicts(locked, base, current, wanted)
    if found:
        raise EditConflict(found, edit_base(locked, current))


def _locked(candidature):
    # Only the candidature's row: locking the joined edition would queue every candidate of the call.
    return Candidature.objects.select_for_update(of=("self",)).select_related("edition", "owner").get(pk=candidature.pk)


def _bump(locked, fields=()):
    """Save ``fields`` of the locked row, and only them, with a new version."""
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])


def _refuse_blanks_once_submitted(locked):
    # A draft save racing the submission must not leave a submitted dossier incomplete.
    if locked.status != Status.SUBMITTED:
        return
    missing = missing_for_submission(locked)
    if missing:
        raise ActionRefused(
            _("La candidature est déposée : ces éléments ne peuvent pas rester vides : %(missing)s.")
            % {"missing": ", ".join(str(label) for _step, label in missing)}
        )


def _label(name):
    return str(capfirst(Candidature._meta.get_field(name).verbose_name))


def _write_fields(locked, changes, base):
    """Apply ``changes`` ({field: value}) that differ from the row; returns their names."""
    current = field_values(locked, changes)
    _check_base(locked, base, current, changes)
    changed = [name for name, value in changes.items() if not _same(value, current[name])]
    for name in changed:
        value = changes[name]
        setattr(
            locked,
            Candidature._meta.get_field(name).attname,
            value.pk if isinstance(value, models.Model) else value,
        )
    return changed


def save_fields(candidature, changes, user, base=None, now=None):
    """Save the owner's ``changes`` ({field: value}) under the row's lock: only the fields that differ.

    ``base`` (from ``edit_base``) says what the form showed: a field changed by
    someone else since then is never overwritten silently (``EditConflict``).
    After submission each change is recorded with the fields it touched.
    """
    now = _now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        ensure_writable(locked, user, now)
        changed = _write_fields(locked, changes, base)
        if not changed:
            return []
        _refuse_blanks_once_submitted(locked)
        _bump(locked, changed)
        if locked.status == Status.SUBMITTED:
            record(locked, HistoryEntry.Action.EDIT, user, note=", ".join(_label(name) for name in changed), now=now)
    return changed


def edit_as_organiser(candidature, changes, user, base=None, now=None):
    """An organiser's correction from the admin: only the fields that differ, under the lock, recorded."""
    now = _now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        changed = _write_fields(locked, changes, base)
        if changed:
            _bump(locked, changed)
            record(locked, HistoryEntry.Action.EDIT, user, note=", ".join(_label(name) for name in changed), now=now)
    return changed


def save_answers(candidature, answers, user, base=None, now=None):
    """Store ``answers`` ({criterion: text}) for the candidature's own edition's criteria; as ``save_fields``."""
    now = _now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        ensure_writable(locked, user, now)
        if any(criterion.edition_id != locked.edition_id for criterion in answers):
            raise ActionRefused(_("Ce critère n'appartient pas à cette édition."))
        existing = {answer.criterion_id: answer for answer in locked.answers.all()}
        current = {
            criterion.answer_key: existing[criterion.pk].text if criterion.pk in existing else ""
            for criterion in answers
        }
        _check_base(locked, base, current, {criterion.answer_key: text for criterion, text in answers.items()})
        changed = []
        for criterion, text in answers.items():
            if text == current[criterion.answer_key]:
                continue
            answer = existing.get(criterion.pk)
            if answer is None:
                CriterionAnswer.objects.create(candidature=locked, criterion=criterion, text=text)
            else:
                answer.text = text
                answer.save(update_fields=["text"])
            changed.append(criterion.name)
        if not changed:
            return []
        _refuse_blanks_once_submitted(locked)
        _bump(locked)
        if locked.status == Status.SUBMITTED:
            record(locked, HistoryEntry.Action.EDIT, user, note=", ".join(changed), now=now)
    return changed


# Content types recognised by their bytes, never by the name or the declared type.
ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.presentation": "ODP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
}
ZIP_MEMBERS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "ppt/presentation.xml",
}
ACCEPTED_LABEL = gettext_lazy("PDF, PNG, JPEG, ODT, ODP, DOCX ou PPTX")


def _opendocument_type(uploaded):
    uploaded.seek(0)
    with zipfile.ZipFile(uploaded) as archive:
        return archive.read("mimetype").decode("ascii", "replace").strip()


def sniff(uploaded):
    """The content type of an uploaded file judged from its content, or None when not accepted."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    if head.startswith(b"PK\x03\x04"):
        try:
            if b"mimetype" in head[:80]:
                kind = _opendocument_type(uploaded)
            else:
                with zipfile.ZipFile(uploaded) as archive:
                    names = set(archive.namelist())
                kind = next((mime for mime, member in ZIP_MEMBERS.items() if member in names), None)
        except (zipfile.BadZipFile, KeyError, OSError):
            kind = None
        finally:
            uploaded.seek(0)
        return kind if kind in ACCEPTED_TYPES else None
    guess = filetype.guess(head)
    if guess is None:
        return None
    return guess.mime if guess.mime in ACCEPTED_TYPES else None


def validate_upload(candidature, uploaded):
    """Raise ActionRefused with a French message for any file the platform does not take."""
    if candidature.documents.count() >= settings.DOCUMENT_MAX_COUNT:
        raise ActionRefused(
            _("Vous avez déjà joint %(count)d documents, le maximum : supprimez-en un pour en ajouter un autre.")
            % {"count": settings.DOCUMENT_MAX_COUNT}
        )
    if uploaded.size == 0:
        raise ActionRefused(_("Le fichier « %(name)s » est vide.") % {"name": uploaded.name})
    if uploaded.size > settings.DOCUMENT_MAX_BYTES:
        raise ActionRefused(
            _("Le fichier « %(name)s » dépasse la taille maximale de %(max)d Mo.")
            % {"name": uploaded.name, "max": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)}
        )
    content_type = sniff(uploaded)
    if content_type is None:
        raise ActionRefused(
            _("Le fichier « %(name)s » n'est pas d'un format accepté (%(formats)s), d'après son contenu.")
            % {"name": uploaded.name, "formats": ACCEPTED_LABEL}
        )
    return content_type


def add_document(candidature, uploaded, kind, user, now=None):
    now = _now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        ensure_writable(locked, user, now)
        content_type = validate_upload(locked, uploaded)
        document = Document(
            candidature=locked,
            kind=kind,
            original_name=uploaded.name[:255],
            size=uploaded.size,
            content_type=content_type,
        )
        document.file.save("upload", uploaded, save=False)
        document.save()
        _bump(locked)
        if locked.status == Status.SUBMITTED:
            record(locked, HistoryEntry.Action.EDIT, user, note=_("Document ajouté : %s") % document, now=now)
    return document


def remove_document(document, user, now=None):
    now = _now(now)
    with transaction.atomic():
        locked = _locked(document.candidature)
        ensure_writable(locked, user, now)
        name = document.file.name
        deleted, _by_model = Document.objects.filter(pk=document.pk, candidature=locked).delete()
        if not deleted:
            return False  # already removed, from another tab
        _bump(locked)
        if locked.status == Status.SUBMITTED:
            record(locked, HistoryEntry.Action.EDIT, user, note=_("Document retiré : %s") % document, now=now)
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    return True


def next_reference(edition):
    """The next reference of ``edition``, e.g. LTI-2020-0042 or LTI-2020-HDF-0042, without races.

    The counter belongs to the edition and its UPDATE takes the edition row's
    lock until the caller's transaction ends: two submissions at the same
    instant are served one after the other. Year and code are read from the
    row, and no two editions share both, so two editions never issue the same.
    """
    Edition.objects.filter(pk=edition.pk).update(last_reference_number=F("last_reference_number") + 1)
    current = Edition.objects.only("year", "code", "last_reference_number").get(pk=edition.pk)
    return current.reference_for(current.last_reference_number)


def missing_for_submission(candidature):
    """[(step slug, label)] of what must still be filled before submitting."""
    from .forms import STEPS

    missing = []
    for step in STEPS:
        for label in step.missing(candidature):
            missing.append((step, label))
    return missing


def _notify_transition(candidature, transition, entry):
    if not transition.notification:
        return
    context = {"candidature": candidature, "edition": candidature.edition, "entry": entry}
    notify(
        transition.notification,
        to=candidature.owner,
        context=context,
        key=f"{transition.notification}:{candidature.pk}:{entry.pk}",
        related=candidature,
    )


def fire(candidature, name, user, note="", level="", now=None):
    """Move the candidature along transition ``name``, record it and notify, or raise ActionRefused."""
    if name == "submit":
        return submit(candidature, user, now)
    now = _now(now)
    transition = workflow.TRANSITIONS[name]
    with transaction.atomic():
        locked = _locked(candidature)
        reason = workflow.refusal(name, user, locked, now)
        if reason:
            raise ActionRefused(str(reason))
        previous = locked.status
        locked.status = transition.target
        locked.staged_transition = ""
        locked.staged_level = ""
        if transition.target == Status.LAUREATE:
            locked.outcome_level = level
        if transition.target == Status.DRAFT:
            locked.submitted_at = None
        _bump(locked, ["status", "staged_transition", "staged_level", "outcome_level", "submitted_at"])
        entry = record(locked, HistoryEntry.Action.STATUS, user, note, previous, transition.target, now)
        _notify_transition(locked, transition, entry)
        status_changed.send(sender=Candidature, candidature=locked, transition=transition, entry=entry)
    candidature.refresh_from_db()
    return candidature


def submit(candidature, user, now=None):
    """Submit before the deadline: a reference, a receipt to the account and the contact, a notice to the team."""
    now = _now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        reason = workflow.refusal("submit", user, locked, now)
        if reason:
            raise ActionRefused(str(reason))
        missing = missing_for_submission(locked)
        if missing:
            raise ActionRefused(
                _("La candidature est incomplète : complétez les éléments signalés avant de la déposer.")
            )
        if not locked.reference:
            locked.reference = next_reference(locked.edition)
        locked.status = Status.SUBMITTED
        locked.submitted_at = now
        _bump(locked, ["reference", "status", "submitted_at"])
        entry = record(locked, HistoryEntry.Action.STATUS, user, "", Status.DRAFT, Status.SUBMITTED, now)
        context = {
            "candidature": locked,
            "edition": locked.edition,
            "answers": list(locked.answers.select_related("criterion")),
            "documents": list(locked.documents.all()),
        }
        key = f"candidature_submitted:{locked.pk}:{entry.pk}"
        notify("candidature_submitted", to=locked.owner, context=context, key=key, related=locked)
        if locked.contact_email and locked.contact_email.lower() != locked.owner.email.lower():
            notify(
                "candidature_submitted", to=locked.contact_email, context=context, key=f"{key}:contact", related=locked
            )
        notify(
            "candidature_submitted_notice",
            to=locked.edition.contact_email,
            context=context,
            key=f"candidature_submitted_notice:{locked.pk}:{entry.pk}",
            related=locked,
        )
    candidature.refresh_from_db()
    return candidature


def stage_decision(candidature, name, user, level=""):
    """Prepare decision ``name`` without telling anyone; ``publish_decisions`` makes it real."""
    transition = workflow.TRANSITIONS[name]
    if not transition.decision:
        raise ActionRefused(_("Cette action n'est pas une décision."))
    reason = workflow.refusal(name, user, candidature)
    if reason:
        raise ActionRefused(str(reason))
    if transition.target == Status.LAUREATE and candidature.edition.laureate_levels and level not in Level.values:
        raise ActionRefused(_("Choisissez le niveau du label (Or, Argent ou Bronze)."))
    Candidature.objects.filter(pk=candidature.pk).update(staged_transition=name, staged_level=level)
    record(candidature, HistoryEntry.Action.STAGED, user, note=str(transition.label))


def clear_staged(queryset):
    return queryset.exclude(staged_transition="").update(staged_transition="", staged_level="")


def publish_decisions(queryset, user):
    """Fire every staged decision of ``queryset``; each candidate is notified. Returns (done, refused)."""
    done, refused = 0, []
    for candidature in queryset.exclude(staged_transition="").select_related("edition", "owner"):
        try:
            fire(candidature, candidature.staged_transition, user, level=candidature.staged_level)
            done += 1
        except ActionRefused as error:
            refused.append((candidature, error.message))
    return done, refused


def grant_extension(candidature, until, user):
    """Give one candidature until ``until`` to write; recorded in its history."""
    Candidature.objects.filter(pk=candidature.pk).update(extended_until=until, version=F("version") + 1)
    local = timezone.localtime(until) if until else None
    note = _("Délai prolongé jusqu'au %s") % local.strftime("%d/%m/%Y %H:%M") if local else _("Prolongation retirée")
    record(candidature, HistoryEntry.Action.EXTENSION, user, note=note)


REMINDER_MILESTONES = (("j7", timedelta(days=7)), ("j1", timedelta(days=1)))


def remind_drafts(now=None):
    """Send the J-7 and J-1 "Action requise" reminders to draft owners; each milestone once per draft."""
    now = _now(now)
    horizon = now + REMINDER_MILESTONES[0][1]
    drafts = (
        Candidature.objects.filter(status=Status.DRAFT, edition__opens_at__lte=now)
        .filter(edition__closes_at__gt=now - timedelta(days=60))
        .select_related("edition", "owner")
    )
    sent = 0
    for candidature in drafts:
        deadline = candidature.deadline
        if not (now < deadline <= horizon):
            continue
        due = [code for code, before in REMINDER_MILESTONES if now >= deadline - before]
        # Only the closest milestone: a draft started the day before gets J-1, not J-7 as well.
        milestone = due[-1]
        with transaction.atomic():
            notify(
                "draft_reminder",
                to=candidature.owner,
                context={
                    "candidature": candidature,
                    "edition": candidature.edition,
                    "deadline": deadline,
                    "milestone": milestone,
                },
                key=f"draft_reminder:{candidature.pk}:{milestone}:{deadline.isoformat()}",
                related=candidature,
                bulk=True,
            )
        sent += 1
    return sent
