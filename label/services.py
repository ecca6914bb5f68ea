"""Business operations on candidatures; every write checks the deadline here, on the server."""

import hashlib
import uuid
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import trail
from core import clock, upload_handlers, uploads
from core.errors import Refused
from core.results import Outcome
from core.rows import Reader, column, columns
from notifications.services import Mail, compose, fill, notify_many, store

from . import consents, workflow
from .models import Candidature, Criterion, CriterionAnswer, Document, Edition, HistoryEntry, Level, Status
from .signals import status_changed


def ensure_writable(candidature, user, now=None):
    """Raise unless ``user`` may change the candidature's content right now (the workflow's "edit")."""
    reason = workflow.refusal("edit", user, candidature, now)
    if reason:
        raise Refused(str(reason))


def start(edition, user, now=None):
    """The owner's active candidature to ``edition``, created as a draft when there is none."""
    now = clock.now(now)
    existing = Candidature.objects.filter(edition=edition, owner=user).exclude(status=Status.WITHDRAWN).first()
    if existing is not None:
        return existing
    if not edition.is_open(now):
        raise Refused(_("L'appel à candidatures n'est pas ouvert : il n'est pas possible de candidater."))
    try:
        with transaction.atomic():
            draft = new_draft(edition, user)
            draft.save(force_insert=True)
            return draft
    except IntegrityError:
        # Another tab of the same person started it at the same instant: one candidature, theirs.
        return Candidature.objects.filter(edition=edition, owner=user).exclude(status=Status.WITHDRAWN).get()


def new_draft(edition, user):
    """The candidature ``start`` creates, unsaved: the owner's name and address prefill the contact."""
    return Candidature(edition=edition, owner=user, contact_email=user.email, contact_name=user.full_name)


def record(candidature, action, actor, note="", from_status="", to_status="", now=None):
    return HistoryEntry.objects.create(
        candidature=candidature,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        from_status=from_status,
        to_status=to_status,
        at=clock.now(now),
    )


# --- editing: only the fields a person changes, and never over someone else's change ---------

EDIT_BASE_SALT = "label.candidature.edit-base"


class EditConflict(Refused):
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


def readable_base(token):
    """Whether ``token`` is an edit token this site signed (a missing, tampered or foreign one is not)."""
    return _read_base(token) is not None


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
    locked = _lock_one(BY_KEY, [candidature.pk])
    if locked is None:
        raise Candidature.DoesNotExist("No candidature matches the given query.")
    return locked


# The two ways a write finds the candidature it locks, each with the relations it reads along: by its key, or as
# its owner's active one in an edition (the owner is then the caller's person, already in hand).
BY_KEY = "key"
OWN = "own"
LOCK_RELATIONS = {BY_KEY: ("edition", "region", "owner"), OWN: ("edition", "region")}


def _lock_one(shape, params, owner=None):
    """The candidature the statement ``shape`` finds with ``params``, locked, with the relations it reads
    (``owner``, for OWN); None when there is none."""
    sql, reader = _lock_statement(connection.vendor, shape)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    locked, *related = reader.read(row)
    for name, instance in zip(LOCK_RELATIONS[shape], related, strict=True):
        Candidature._meta.get_field(name).set_cached_value(locked, instance)
    if owner is not None:
        Candidature._meta.get_field("owner").set_cached_value(locked, owner)
    return locked


@lru_cache(maxsize=8)
def _lock_statement(vendor, shape):
    """The row lock of ``_lock_one``, written once per process (the ORM would build it again at each write,
    at several times the cost of running it), with the reader of its rows.

    Only the candidature's row is locked: locking the joined edition would queue every candidate of the call.
    No order: the statement names one candidature (a key, or an owner's only active one in an edition, which a
    constraint keeps).
    """
    quote = connection.ops.quote_name
    relations = [Candidature._meta.get_field(name) for name in LOCK_RELATIONS[shape]]
    joins = " ".join(
        f"{'LEFT OUTER' if relation.null else 'INNER'} JOIN {quote(relation.related_model._meta.db_table)} "
        f"ON {column(Candidature, relation.name)} = {column(relation.related_model, relation.target_field.name)}"
        for relation in relations
    )
    if shape == BY_KEY:
        where = f"{column(Candidature, 'id')} = %s"
    else:
        where = (
            f"{column(Candidature, 'owner')} = %s AND {column(Edition, 'slug')} = %s "
            f"AND {column(Edition, 'published')} = %s AND NOT ({column(Candidature, 'status')} = %s)"
        )
    table = quote(Candidature._meta.db_table)
    features = connection.features
    lock = (
        f" FOR UPDATE OF {table}"
        if features.has_select_for_update_of
        else " FOR UPDATE"
        if features.has_select_for_update
        else ""
    )
    models_read = [Candidature, *(relation.related_model for relation in relations)]
    sql = (
        f"SELECT {', '.join(columns(model) for model in models_read)} FROM {table} {joins} WHERE {where} LIMIT 1{lock}"
    )
    return sql, Reader(connection, *models_read)


def _bump(locked, fields=()):
    """Save ``fields`` of the locked row, and only them, with a new version."""
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])


def _refuse_blanks_once_submitted(locked):
    # A draft save racing the submission must not leave a submitted dossier incomplete.
    if locked.status != Status.SUBMITTED:
        return
    missing = [_label(name).lower() for name in locked.missing_fields()]
    missing += [criterion.name for criterion in locked.unanswered_criteria()]
    if missing:
        raise Refused(
            _("La candidature est déposée : ces éléments ne peuvent pas rester vides : %(missing)s.")
            % {"missing": ", ".join(missing)}
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
    now = clock.now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        ensure_writable(locked, user, now)
        changed = _write_fields(locked, changes, base)
        if not changed:
            return []
        _refuse_blanks_once_submitted(locked)
        _bump(locked, changed)
        consents.record_changes(locked, changed, user, now)
        if locked.status == Status.SUBMITTED:
            record(locked, HistoryEntry.Action.EDIT, user, note=", ".join(_label(name) for name in changed), now=now)
    return changed


def edit_as_organiser(candidature, changes, user, base=None, now=None):
    """An organiser's correction from the admin: only the fields that differ, under the lock, recorded."""
    now = clock.now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        changed = _write_fields(locked, changes, base)
        if changed:
            _bump(locked, changed)
            consents.record_changes(locked, changed, user, now)
            record(locked, HistoryEntry.Action.EDIT, user, note=", ".join(_label(name) for name in changed), now=now)
    return changed


def save_answers(candidature, answers, user, base=None, now=None):
    """Store ``answers`` ({criterion: text}) for the candidature's own edition's criteria; as ``save_fields``."""
    now = clock.now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        ensure_writable(locked, user, now)
        if any(criterion.edition_id != locked.edition_id for criterion in answers):
            raise Refused(_("Ce critère n'appartient pas à cette édition."))
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
ACCEPTED_LABEL = gettext_lazy("PDF, PNG, JPEG, ODT, ODP, DOCX ou PPTX")


def sniff(uploaded):
    """The content type of an uploaded document judged from its content, or None when not accepted."""
    return uploads.sniff(uploaded, ACCEPTED_TYPES)


def validate_upload(candidature, uploaded):
    """Raise Refused with a French message for any file the platform does not take; return its content type."""
    if candidature.documents.count() >= settings.DOCUMENT_MAX_COUNT:
        raise Refused(
            _("Vous avez déjà joint %(count)d documents, le maximum : supprimez-en un pour en ajouter un autre.")
            % {"count": settings.DOCUMENT_MAX_COUNT}
        )
    name = uploads.clean_name(uploaded.name)
    if uploaded.size == 0:
        raise Refused(_("Le fichier « %(name)s » est vide.") % {"name": name})
    if uploaded.size > settings.DOCUMENT_MAX_BYTES:
        raise Refused(upload_handlers.too_big_message(name))
    content_type = sniff(uploaded)
    if content_type is None:
        raise Refused(
            _("Le fichier « %(name)s » n'est pas d'un format accepté (%(formats)s), d'après son contenu.")
            % {"name": name, "formats": ACCEPTED_LABEL}
        )
    if content_type == "application/pdf" and uploads.holds_html(uploaded):
        raise Refused(
            _(
                "Le fichier « %(name)s » contient aussi une page web, ce qu'un PDF ne doit pas contenir. "
                "Enregistrez-le à nouveau en PDF depuis votre logiciel (« Exporter en PDF » ou « Imprimer en PDF »), "
                "puis joignez ce nouveau fichier."
            )
            % {"name": name}
        )
    if uploads.oversized_archive(uploaded):
        raise Refused(
            _(
                "Le fichier « %(name)s » se décompresse en un volume anormal pour un document (trop de données "
                "ou trop d'éléments). Enregistrez-le à nouveau depuis votre logiciel, ou exportez-le en PDF, "
                "puis joignez ce nouveau fichier."
            )
            % {"name": name}
        )
    return content_type


def add_document(candidature, uploaded, kind, user, now=None):
    now = clock.now(now)
    with transaction.atomic():
        locked = _locked(candidature)
        ensure_writable(locked, user, now)
        content_type = validate_upload(locked, uploaded)
        document = Document(
            candidature=locked,
            kind=kind,
            original_name=uploads.safe_name(uploaded.name, content_type),
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
    now = clock.now(now)
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
    table = connection.ops.quote_name(Edition._meta.db_table)
    with connection.cursor() as cursor:
        # One statement (UPDATE … RETURNING, which the ORM lacks): one round trip fewer while the lock is held.
        cursor.execute(
            f"UPDATE {table} SET last_reference_number = last_reference_number + 1 WHERE id = %s "
            "RETURNING year, code, last_reference_number",
            [edition.pk],
        )
        year, code, number = cursor.fetchone()
    return Edition(year=year, code=code).reference_for(number)


def _load_dossier(candidature):
    """What the submit guard and the receipt both read, in two statements: the edition's criteria, each with the
    candidature's answer (one outer join), then the documents; kept as ``prefetch_related`` keeps what it reads."""
    (criteria_sql, criteria_reader), (documents_sql, documents_reader) = _dossier_statements(connection.vendor)
    criteria, answers = [], []
    with connection.cursor() as cursor:
        cursor.execute(criteria_sql, [candidature.pk, candidature.edition_id])
        for row in cursor.fetchall():
            (criterion,) = criteria_reader.read(row)
            criteria.append(criterion)
            answer_pk, answer_text = row[-2:]
            if answer_pk is not None:
                answers.append(
                    CriterionAnswer(pk=answer_pk, candidature=candidature, criterion=criterion, text=answer_text)
                )
        cursor.execute(documents_sql, [candidature.pk])
        documents = [documents_reader.read(row)[0] for row in cursor.fetchall()]
    _keep_as_prefetched(candidature.edition, "criteria", criteria)
    _keep_as_prefetched(candidature, "answers", answers)
    _keep_as_prefetched(candidature, "documents", documents)


@lru_cache(maxsize=4)
def _dossier_statements(vendor):
    """The statements of ``_load_dossier`` with the readers of their rows, written once per process. The ORM would
    build them again at each submission, which costs several times what running them does: at a deadline, hundreds
    arrive in a minute. Same rows, same order (``Criterion``'s and ``Document``'s), as ``edition.criteria`` and
    ``documents`` give; the criteria's rows end with their answer's key and text."""
    quote = connection.ops.quote_name
    criteria_sql = (
        f"SELECT {columns(Criterion)}, {column(CriterionAnswer, 'id')}, {column(CriterionAnswer, 'text')} "
        f"FROM {quote(Criterion._meta.db_table)} LEFT OUTER JOIN {quote(CriterionAnswer._meta.db_table)} "
        f"ON {column(CriterionAnswer, 'criterion')} = {column(Criterion, 'id')} "
        f"AND {column(CriterionAnswer, 'candidature')} = %s "
        f"WHERE {column(Criterion, 'edition')} = %s "
        f"ORDER BY {column(Criterion, 'order')}, {column(Criterion, 'id')}"
    )
    documents_sql = (
        f"SELECT {columns(Document)} FROM {quote(Document._meta.db_table)} "
        f"WHERE {column(Document, 'candidature')} = %s "
        f"ORDER BY {column(Document, 'uploaded_at')}, {column(Document, 'id')}"
    )
    return (criteria_sql, Reader(connection, Criterion)), (documents_sql, Reader(connection, Document))


def _keep_as_prefetched(instance, relation, objects):
    """``instance.<relation>.all()`` answers ``objects`` from now on, without a query: what a prefetch leaves."""
    kept = getattr(instance, relation).all()
    kept._result_cache = objects
    kept._prefetch_done = True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), relation: kept}


def _transition_mails(candidature, transition, entry):
    """The e-mails the transition declares, rendered: to the owner, a receipt's copy to the contact, the team."""
    if not transition.notification:
        return []
    context = {"candidature": candidature, "edition": candidature.edition, "entry": entry}
    if transition.receipt:
        context["answers"] = list(candidature.answers.all())
        context["documents"] = list(candidature.documents.all())
    key = f"{transition.notification}:{candidature.pk}:{entry.pk}"
    # The receipt says the same to the owner and to the contact: rendered once per language.
    mails = [Mail(to=candidature.owner, context=context, key=key, related=candidature, variant=transition.name)]
    contact = candidature.contact_email
    if transition.receipt and contact and contact.lower() != candidature.owner.email.lower():
        mails.append(
            Mail(to=contact, context=context, key=f"{key}:contact", related=candidature, variant=transition.name)
        )
    rows = compose(transition.notification, mails)
    if transition.team_notification:
        team = Mail(
            to=candidature.edition.contact_email,
            context=context,
            key=f"{transition.team_notification}:{candidature.pk}:{entry.pk}",
            related=candidature,
        )
        rows += compose(transition.team_notification, [team])
    return rows


# The reference while the e-mails render; letters and digits only, which escaping and linking leave as they are.
UNNUMBERED = f"REFERENCE{uuid.uuid4().hex.upper()}"


def _enter_submitted(candidature, now):
    if not candidature.reference:
        # Numbered by ``fire`` once the e-mails are rendered: the edition's counter is locked from then to the commit.
        candidature.reference = UNNUMBERED
    candidature.submitted_at = now


def _enter_draft(candidature, now):
    candidature.submitted_at = None


# What entering a status does to the row, under its lock, before it is saved; run by ``fire`` only.
ON_ENTER = {Status.SUBMITTED: _enter_submitted, Status.DRAFT: _enter_draft}


# What the audit trail records of a candidature: its decisions, never the candidate's own writing.
DECISION_FIELDS = ("status", "staged_transition", "staged_level", "outcome_level", "reference", "submitted_at")


def fire(candidature, name, user, note="", level="", now=None, reason=""):
    """Move the candidature along transition ``name``, record it and notify, or raise Refused.

    Under the row's lock: the workflow's checks (roles, source status, open
    call, guards), the status, what entering it does (``ON_ENTER``), the
    history entry, the audit trail's entry (with ``reason``, or else the note),
    the declared e-mails, then ``status_changed`` for other apps.
    A new reference is numbered last, after the e-mails are rendered: the
    edition's counter, which every submission of the call waits for, stays
    locked only for the few writes between it and the commit.
    """
    now = clock.now(now)
    with transaction.atomic():
        locked = _fire_locked(_locked(candidature), name, user, note, level, now, reason)
    # The caller's object takes the row as saved, without reading it again.
    for field in Candidature._meta.concrete_fields:
        setattr(candidature, field.attname, getattr(locked, field.attname))
    return candidature


def _fire_locked(locked, name, user, note="", level="", now=None, reason=""):
    """``fire`` on a row the caller's transaction has locked (``_locked``); returns it as saved."""
    transition = workflow.TRANSITIONS[name]
    if transition.receipt:
        _load_dossier(locked)
    refusal = workflow.refusal(name, user, locked, now)
    if refusal:
        raise Refused(str(refusal))
    previous = locked.status
    before = trail.snapshot(locked, DECISION_FIELDS)
    locked.status = transition.target
    locked.staged_transition = ""
    locked.staged_level = ""
    if transition.target == Status.LAUREATE:
        locked.outcome_level = level
    if transition.target in ON_ENTER:
        ON_ENTER[transition.target](locked, now)
    entry = record(locked, HistoryEntry.Action.STATUS, user, note, previous, transition.target, now)
    mails = _transition_mails(locked, transition, entry)
    if locked.reference == UNNUMBERED:
        locked.reference = next_reference(locked.edition)
        fill(mails, UNNUMBERED, locked.reference)
    _bump(locked, list(DECISION_FIELDS))
    changed = trail.changes(before, trail.snapshot(locked, DECISION_FIELDS))
    trail.log(locked, trail.Action.UPDATE, changed, reason=reason or note, actor=user, extra={"transition": name})
    store(mails, new_keys=True)
    status_changed.send(sender=Candidature, candidature=locked, transition=transition, entry=entry)
    return locked


def submit(candidature, user, now=None):
    """What happens when a candidate submits: the "submit" transition (complete, before the deadline),
    a reference and the submission date (``_enter_submitted``), a receipt to the owner and the contact,
    a notice to the team."""
    return fire(candidature, "submit", user, now=now)


def submit_own(user, edition_slug, now=None):
    """Submit ``user``'s candidature to the published edition ``edition_slug``, found and locked by one
    statement (at a deadline's rush every query counts); the candidature as saved, None when there is none.

    Raises Refused as ``submit`` does.
    """
    now = clock.now(now)
    with transaction.atomic():
        # An anonymous person's key is None: no row has it as owner.
        locked = _lock_one(OWN, [user.pk, edition_slug, True, Status.WITHDRAWN], owner=user)
        if locked is None:
            return None
        return _fire_locked(locked, "submit", user, now=now)


def stage_decision(candidature, name, user, level=""):
    """Prepare decision ``name`` without telling anyone; ``publish_decisions`` makes it real."""
    transition = workflow.TRANSITIONS[name]
    if not transition.decision:
        raise Refused(_("Cette action n'est pas une décision."))
    reason = workflow.refusal(name, user, candidature)
    if reason:
        raise Refused(str(reason))
    if transition.target == Status.LAUREATE and candidature.edition.laureate_levels and level not in Level.values:
        raise Refused(_("Choisissez le niveau du label (Or, Argent ou Bronze)."))
    staged = {"staged_transition": name, "staged_level": level}
    with transaction.atomic():
        # The row as it stands, not as the caller read it: the trail's "before" is what was replaced.
        rows = Candidature.objects.select_for_update().filter(pk=candidature.pk)
        before = rows.values(*staged).get()
        rows.update(**staged)
        trail.log(candidature, trail.Action.UPDATE, trail.changes(before, staged), actor=user, extra={"staged": name})
        record(candidature, HistoryEntry.Action.STAGED, user, note=str(transition.label))


def stage_decisions(choices, user):
    """Stage each ``(candidature, transition name, level)`` of ``choices``; an Outcome of the candidatures."""
    outcome = Outcome()
    for candidature, name, level in choices:
        try:
            stage_decision(candidature, name, user, level=level)
        except Refused as refusal:
            outcome.refuse(candidature, refusal.message)
        else:
            outcome.done.append(candidature)
    return outcome


def clear_staged(queryset, user=None):
    """Withdraw the staged decisions of ``queryset``; each withdrawal is in the audit trail. How many."""
    with transaction.atomic():
        staged = list(queryset.exclude(staged_transition="").select_for_update(of=("self",)))
        cleared = {"staged_transition": "", "staged_level": ""}
        trail.log_many(
            trail.entry(
                candidature,
                trail.Action.UPDATE,
                trail.changes(trail.snapshot(candidature, cleared), cleared),
                actor=user,
                extra={"staged": ""},
            )
            for candidature in staged
        )
        return Candidature.objects.filter(pk__in=[candidature.pk for candidature in staged]).update(**cleared)


def fire_many(candidatures, name, user, note=""):
    """Fire ``name`` on each candidature; an Outcome of the candidatures, each refreshed."""
    outcome = Outcome()
    for candidature in candidatures:
        try:
            outcome.done.append(fire(candidature, name, user, note=note))
        except Refused as refusal:
            outcome.refuse(candidature, refusal.message)
    return outcome


def publish_decisions(queryset, user, reason):
    """Fire every staged decision of ``queryset``, each candidate notified; an Outcome of the candidatures.

    ``reason`` (the deliberation that decided, say) is written in the audit trail beside each decision.
    """
    outcome = Outcome()
    for candidature in queryset.exclude(staged_transition="").select_related("edition", "owner"):
        try:
            outcome.done.append(
                fire(candidature, candidature.staged_transition, user, level=candidature.staged_level, reason=reason)
            )
        except Refused as refusal:
            outcome.refuse(candidature, refusal.message)
    return outcome


def grant_extension(candidature, until, user):
    """Give one candidature until ``until`` to write; recorded in its history."""
    local = timezone.localtime(until) if until else None
    note = _("Délai prolongé jusqu'au %s") % local.strftime("%d/%m/%Y %H:%M") if local else _("Prolongation retirée")
    with transaction.atomic():
        # The caller's object may already carry the new date (an admin form): the locked row says what it was.
        rows = Candidature.objects.select_for_update().filter(pk=candidature.pk)
        before = rows.values("extended_until").get()
        rows.update(extended_until=until, version=F("version") + 1)
        trail.log(candidature, trail.Action.UPDATE, trail.changes(before, {"extended_until": until}), actor=user)
        record(candidature, HistoryEntry.Action.EXTENSION, user, note=note)


REMINDER_MILESTONES = (("j7", timedelta(days=7)), ("j1", timedelta(days=1)))
# Drafts read, rendered and stored together; a constant number of queries per batch.
REMINDER_BATCH = 1000


def remind_drafts(now=None):
    """Send the J-7 and J-1 "Action requise" reminders to draft owners; each milestone once per draft.

    Only the drafts whose own deadline (an extension included) falls within
    the coming week are read. Returns how many reminders were queued: a second
    run at the same milestone queues none and returns 0.
    """
    now = clock.now(now)
    drafts = (
        Candidature.objects.filter(status=Status.DRAFT, edition__opens_at__lte=now)
        .annotate(due_at=Candidature.deadline_expression())
        .filter(due_at__gt=now, due_at__lte=now + REMINDER_MILESTONES[0][1])
        .select_related("edition", "owner")
        .only(
            "project_title",
            "edition__name",
            "edition__slug",
            "owner__email",
            "owner__full_name",
            "owner__language",
        )
        .order_by("pk")
    )
    mails = (_draft_reminder(candidature, now) for candidature in drafts.iterator(chunk_size=REMINDER_BATCH))
    return notify_many("draft_reminder", mails, bulk=True, chunk_size=REMINDER_BATCH)


def _draft_reminder(candidature, now):
    deadline = candidature.due_at
    # Only the closest milestone: a draft started the day before gets J-1, not J-7 as well.
    milestone = [code for code, before in REMINDER_MILESTONES if now >= deadline - before][-1]
    return Mail(
        to=candidature.owner,
        context={
            "candidature": candidature,
            "edition": candidature.edition,
            "deadline": deadline,
            "milestone": milestone,
        },
        key=f"draft_reminder:{candidature.pk}:{milestone}:{deadline.isoformat()}",
        related=candidature,
        # What the reminder says depends on the draft's title, call and deadline, not on the person.
        variant=(candidature.edition_id, candidature.project_title, deadline, milestone),
    )
