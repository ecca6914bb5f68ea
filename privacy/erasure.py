"""Erasing an account: what identifies the person goes, what the label's history needs stays, unnamed.

``erase_account`` serves the person ("Supprimer mon compte"), the organisers
answering a written request (admin) and, through ``erase_accounts``, the
nightly purge of accounts unused for the retention period: one anonymisation
for all three. Deleted: drafts never submitted (and their files), draft
evaluations, second factor, security journal, login records, sessions, the
e-mails sent to the person or naming them, event registrations, data archives.
Kept, without the name: submitted candidatures (the edition's history, until
their own retention period ends), submitted evaluations, jury memberships,
conflicts of interest, history entries and audit entries the account signed —
they point at the anonymised account, read "Compte supprimé n° <pk>".
Wherever else the person is named, by name or address (another dossier, a
juror's comment, an organiser's note, another laureate's project page and its
contact), the mention is rewritten to that label or the contact emptied.
"""

import logging
import re
from dataclasses import asdict, dataclass
from importlib import import_module

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat, Lower
from django.utils.translation import gettext as _
from django_otp import device_classes

from accounts.models import SecurityEvent
from audit import trail
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation
from core import clock
from core.errors import Refused
from core.pages import forget_public_pages
from events.models import Registration
from events.services import promote_waiting
from label.models import Candidature, Consent, CriterionAnswer, Document, HistoryEntry
from notifications.models import Notification
from showcase import search
from showcase.models import ProjectProfile, PublishedProject

from .models import DataExport

logger = logging.getLogger(__name__)

ANONYMOUS_DOMAIN = "anonyme.invalid"
ANONYMOUS_NAME = "Compte supprimé"
# A shorter name would be replaced inside unrelated words and sentences; the address still is.
MIN_NAME_LENGTH = 3

# What a kept candidature says about how to reach its author: emptied rather than rewritten.
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")
# The contact a laureate chose to publish on its project's page.
PROFILE_CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")
# Text columns of a candidature that are codes, not writing.
CODED_FIELDS = ("reference", "staged_transition")


@dataclass
class ErasureReport:
    """How many rows each step removed or rewrote."""

    accounts: int = 0
    candidatures_deleted: int = 0
    candidatures_anonymised: int = 0
    documents: int = 0
    evaluations_deleted: int = 0
    sessions: int = 0
    devices: int = 0
    security_events: int = 0
    login_records: int = 0
    notifications: int = 0
    registrations: int = 0
    exports: int = 0
    trail_entries: int = 0

    def as_dict(self):
        return asdict(self)


def anonymous_email(person):
    return f"supprime-{person.pk}@{ANONYMOUS_DOMAIN}"


def anonymous_label(person):
    """How the trail and the kept texts name the person once erased."""
    return f"{ANONYMOUS_NAME} n° {person.pk}"


def refusal(person, by=None):
    """Why ``person``'s account may not be erased by ``by`` (None: the platform itself), or None.

    Superusers are never erased. An account with access to the administration is
    erased only by a superuser or by the inactivity purge: neither the person
    (the team hands over first) nor another organiser can make it disappear.
    """
    themselves = by is not None and by.pk == person.pk
    if person.is_superuser and themselves:
        return _(
            "Votre compte est super-administrateur : il n'est jamais effacé. Demandez à un autre "
            "super-administrateur de vous retirer ce statut, puis supprimez votre compte."
        )
    if person.is_superuser:
        return _("Un compte super-administrateur n'est jamais effacé : retirez-lui d'abord ce statut.")
    if person.is_staff and by is not None and not by.is_superuser:
        if themselves:
            return _(
                "Votre compte donne accès à l'administration : demandez à un administrateur de retirer cet accès, "
                "puis supprimez votre compte."
            )
        return _("Ce compte donne accès à l'administration : seul un super-administrateur peut l'effacer.")
    return None


def erase_account(person, by=None, reason=""):
    """Erase one account (see the module's docstring); ``by`` signs the trail's entry. Raises Refused."""
    return erase_accounts([person], by=by, reason=reason)


def erase_accounts(people, by=None, reason=""):
    """Erase several accounts at once, in a constant number of queries (the purge's batches). Raises Refused."""
    for person in people:
        sentence = refusal(person, by)
        if sentence:
            raise Refused(sentence)
    report = ErasureReport()
    with transaction.atomic(), disable_auditlog():
        # Under the rows' locks: a second click, or the purge meanwhile, finds the accounts erased already.
        stored = dict(
            get_user_model()
            .objects.select_for_update()
            .filter(pk__in=[person.pk for person in people])
            .values_list("pk", "email")
        )
        people = [person for person in people if stored.get(person.pk) not in (None, anonymous_email(person))]
        if not people:
            return report
        now = clock.now()
        scrub = Scrubber(people)
        emails = [person.email.lower() for person in people]
        _candidatures(people, scrub, report)
        _juror_side(people, report)
        _accounts(people, report)
        report.sessions = _end_sessions([person.pk for person in people], now)
        _security(people, emails, report)
        _mail_and_registrations(emails, scrub, report, now)
        _exports(people, report)
        report.trail_entries = _scrub_trail(people, scrub)
        _consents(people)
        trail.log_many(_erasure_entry(person, by, reason) for person in people)
    logger.info("Accounts erased: %s", report.as_dict())
    return report


def _erasure_entry(person, by, reason):
    """The trail's record of the erasure, written once the name is gone from the account it is about."""
    themselves = by is not None and by.pk == person.pk
    signer = person if themselves else by
    entry = trail.entry(person, trail.Action.DELETE, reason=reason, actor=signer, extra={"erasure": True})
    if themselves:
        # The address a person erased their account from would point back at them.
        entry.remote_addr = None
    return entry


class Scrubber:
    """Replaces, in any text or JSON value, each person's name and address by their anonymised label."""

    def __init__(self, people):
        terms = []
        for person in people:
            label = anonymous_label(person)
            name = " ".join(person.full_name.split())
            # As the account names itself (``str(user)``): "Name <address>" becomes the label once, not twice.
            terms.append((str(person), label))
            terms.append((person.email.strip(), label))
            if len(name) >= MIN_NAME_LENGTH:
                terms.append((name, label))
        # The longest first: the account's own name holds the others, an address may hold a name.
        terms.sort(key=lambda term: len(term[0]), reverse=True)
        self.terms = [term for term, _label in terms]
        self.patterns = [
            (re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE), label) for term, label in terms
        ]

    def text(self, value, max_length=None):
        if not value or not isinstance(value, str):
            return value
        for pattern, label in self.patterns:
            value = pattern.sub(label, value)
        return value[:max_length] if max_length else value

    def json(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.json(item) for key, item in value.items()}
        return value

    def mentioned_in_any(self, queryset, columns):
        """``queryset`` narrowed to the rows holding one of the terms in one of ``columns``, in one condition per
        term: the columns are searched as one text, a line apart (no term holds a line break)."""
        if not columns:
            return queryset.none()
        parts = []
        for column in columns:
            parts += [Coalesce(column, Value(""), output_field=models.TextField()), Value("\n")]
        searched = Concat(*parts, output_field=models.TextField()) if len(parts) > 2 else parts[0]
        return queryset.annotate(mentions_searched=searched).filter(self.mentioned_in("mentions_searched"))

    def mentioned_in(self, *columns):
        """A filter for rows holding one of the terms in one of ``columns`` (annotated text), as SQL sees it."""
        condition = Q()
        for column in columns:
            for term in self.terms:
                condition |= Q(**{f"{column}__icontains": term})
        return condition

    def rewrite(self, rows, names):
        """Scrub the text columns ``names`` of ``rows``; returns the rows that changed."""
        changed = []
        for row in rows:
            before = [getattr(row, name) for name in names]
            for name in names:
                field = row._meta.get_field(name)
                max_length = field.max_length if isinstance(field, models.CharField) else None
                setattr(row, name, self.text(getattr(row, name), max_length))
            if before != [getattr(row, name) for name in names]:
                changed.append(row)
        return changed


def _written_fields(model, excluded=()):
    """The free-text columns of ``model``: what a person may have typed a name into."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices and field.name not in excluded
    ]


def _delete_files(names, storage):
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def delete_documents(queryset):
    """Delete the documents of ``queryset`` (Document rows) and, once committed, their files; how many."""
    names = list(queryset.values_list("file", flat=True))
    deleted = queryset.delete()[1].get(Document._meta.label, 0)
    _delete_files(names, Document._meta.get_field("file").storage)
    return deleted


def _candidatures(people, scrub, report):
    owned = Candidature.objects.filter(owner__in=people)
    # Never submitted: no reference was issued and nobody but the person knew of it.
    drafts = owned.filter(reference="")
    report.documents += delete_documents(Document.objects.filter(candidature__in=drafts))
    report.evaluations_deleted += Evaluation.objects.filter(assignment__candidature__in=drafts).count()
    report.candidatures_deleted = drafts.delete()[1].get(Candidature._meta.label, 0)
    kept = list(owned.values_list("pk", flat=True))
    report.candidatures_anonymised = len(kept)
    _scrub_mentions(scrub, kept)


# Free text, beside the dossiers and the project pages, where someone may have named another person: answers and
# file names, organisers' notes, jurors' comments and reasons for a conflict of interest.
MENTIONING = (
    (CriterionAnswer, ("text",)),
    (Document, ("original_name",)),
    (HistoryEntry, ("note",)),
    (Evaluation, ("comment",)),
    (ConflictOfInterest, ("reason",)),
)


def _scrub_mentions(scrub, owned_ids):
    """Take the people's names and addresses out of every row that mentions them, theirs or anyone else's: the
    contact a dossier or a project page names them as is emptied, the rest of its text rewritten."""
    changed = _rewrite(
        Candidature,
        scrub,
        _written_fields(Candidature, CONTACT_FIELDS + CODED_FIELDS),
        contact=CONTACT_FIELDS,
        unnamed_anyway=owned_ids,
    )
    # As every write does: a form opened before sees that the dossier changed meanwhile.
    Candidature.objects.filter(pk__in=changed).update(version=F("version") + 1)
    for model, columns in MENTIONING:
        _rewrite(model, scrub, columns)
    _rewrite(
        ProjectProfile,
        scrub,
        _written_fields(ProjectProfile, ("slug", *PROFILE_CONTACT_FIELDS)),
        contact=PROFILE_CONTACT_FIELDS,
    )
    published = _rewrite(
        PublishedProject,
        scrub,
        _written_fields(PublishedProject, ("slug", "search_text", *PROFILE_CONTACT_FIELDS)),
        contact=PROFILE_CONTACT_FIELDS,
    )
    for project in PublishedProject.objects.filter(pk__in=published).select_related("region", "theme"):
        search.refresh(project)
    if published:
        # Public pages show what was just rewritten: the cached copies go too.
        transaction.on_commit(forget_public_pages)


def _rewrite(model, scrub, written, contact=(), unnamed_anyway=()):
    """Rewrite the rows of ``model`` that mention the people, and those of ``unnamed_anyway`` (primary keys):
    their ``contact`` fields emptied when they name one of the people (always for ``unnamed_anyway``), their
    ``written`` text scrubbed. The primary keys of the rows changed."""
    mentioning = scrub.mentioned_in_any(model.objects.all(), [*written, *contact]).values("pk")
    rows = list(model.objects.filter(Q(pk__in=mentioning) | Q(pk__in=unnamed_anyway)).only("pk", *written, *contact))
    anyway = set(unnamed_anyway)
    unnamed = []
    for row in rows:
        if contact and (row.pk in anyway or _names_them(row, contact, scrub)):
            for name in contact:
                setattr(row, name, "")
            unnamed.append(row)
    changed = {row.pk: row for row in [*unnamed, *scrub.rewrite(rows, written)]}
    model.objects.bulk_update(list(changed.values()), [*written, *contact], batch_size=500)
    return list(changed)


def _names_them(row, contact, scrub):
    """Whether the ``contact`` fields of ``row`` name one of the people, by their name or their address."""
    return any(scrub.text(value) != value for value in (getattr(row, name) for name in contact))


def _juror_side(people, report):
    # Scores being written go with the juror; submitted ones are the jury's record and stay.
    pending = Assignment.objects.filter(juror__in=people).exclude(evaluation__status=Evaluation.Status.SUBMITTED)
    report.evaluations_deleted += pending.delete()[1].get(Evaluation._meta.label, 0)


def _accounts(people, report):
    User = get_user_model()
    for person in people:
        person.email = anonymous_email(person)
        person.full_name = anonymous_label(person)
        person.set_unusable_password()
        person.is_active = False
        person.is_staff = False
        person.email_verified_at = None
        person.retention_warned_at = None
    User.objects.bulk_update(
        people,
        ["email", "full_name", "password", "is_active", "is_staff", "email_verified_at", "retention_warned_at"],
    )
    ids = [person.pk for person in people]
    User.groups.through.objects.filter(user_id__in=ids).delete()
    User.user_permissions.through.objects.filter(user_id__in=ids).delete()
    report.accounts = len(people)


def _end_sessions(user_ids, now):
    """Delete the stored sessions signed in as one of ``user_ids``; their password hash is void anyway."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    wanted = {str(pk) for pk in user_ids}
    keys = [
        session.session_key
        for session in store.get_model_class().objects.filter(expire_date__gt=now).iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) in wanted
    ]
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


def _lowered(queryset, column, values):
    return queryset.annotate(lowered=Lower(column)).filter(lowered__in=values)


def _security(people, emails, report):
    for device_class in device_classes():
        report.devices += device_class.objects.filter(user__in=people).delete()[1].get(device_class._meta.label, 0)
    report.security_events = SecurityEvent.objects.filter(user__in=people).delete()[0]
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        report.login_records += _lowered(model.objects.all(), "username", emails).delete()[1].get(model._meta.label, 0)


def _mail_and_registrations(emails, scrub, report, now):
    sent = Q(pk__in=_lowered(Notification.objects.all(), "recipient", emails).values("pk"))
    naming = scrub.mentioned_in("subject", "body_text")
    report.notifications = Notification.objects.filter(sent | naming).delete()[0]

    registrations = _lowered(Registration.objects.all(), "email", emails)
    # A seat freed at an event still to come goes to the first person waiting, as a cancellation would.
    upcoming = list(
        {
            registration.event
            for registration in registrations.select_related("event")
            if registration.event.ends_at > now
        }
    )
    report.registrations = Registration.objects.filter(pk__in=registrations.values("pk")).delete()[0]
    for event in upcoming:
        transaction.on_commit(lambda event=event: promote_waiting(event))


def _exports(people, report):
    archives = DataExport.objects.filter(person__in=people)
    # Locked first: an archive being built meanwhile is read once its file is written, and deleted with it.
    names = list(archives.select_for_update().values_list("file", flat=True))
    report.exports = archives.delete()[0]
    _delete_files(names, DataExport._meta.get_field("file").storage)


TRAIL_TEXT = ("object_repr", "changes_text", "actor_email")
TRAIL_JSON = ("changes", "additional_data", "serialized_data")


def _scrub_trail(people, scrub):
    """Rewrite the audit entries naming the people or signed by them; the entries themselves stay."""
    anonymised = {person.pk: person.email for person in people}
    as_text = {f"{column}_as_text": Cast(column, models.TextField()) for column in TRAIL_JSON}
    entries = LogEntry.objects.annotate(**as_text).filter(
        Q(actor__in=people) | scrub.mentioned_in(*TRAIL_TEXT, *as_text)
    )
    changed = []
    for entry in entries.iterator(chunk_size=500):
        for column in TRAIL_TEXT:
            setattr(entry, column, scrub.text(getattr(entry, column)))
        for column in TRAIL_JSON:
            setattr(entry, column, scrub.json(getattr(entry, column)))
        if entry.actor_id in anonymised:
            entry.actor_email = anonymised[entry.actor_id]
            entry.remote_addr = None
        changed.append(entry)
    LogEntry.objects.bulk_update(changed, [*TRAIL_TEXT, *TRAIL_JSON, "remote_addr"], batch_size=500)
    return len(changed)


def _consents(people):
    """Publication consents stay with their candidature (what was agreed to), no longer with the person."""
    Consent.objects.filter(person__in=people).update(person=None)
