"""The personal data archive of "Mes données": what the platform holds about one person, as JSON files and
their documents in a ZIP built by a worker, downloadable through a time-limited link, then deleted.

``request_export`` records the request and hands it to a worker after commit, ``build`` (the task) writes the
archive and e-mails the link, ``delete_expired`` (the nightly purge) removes what is past its date.
"""

import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import SecurityEvent
from accounts.second_factor import has_device
from audit import trail
from auditions.jury.models import ConflictOfInterest, Evaluation, JuryMember, Score
from auditions.sessions.models import Availability, Convocation
from core import clock
from core.errors import Refused
from events.models import Registration
from label.models import Candidature, CriterionAnswer, Document, HistoryEntry
from notifications.models import Notification
from notifications.services import notify
from showcase.models import PROFILE_FIELDS, ProjectProfile

from .erasure import ANONYMOUS_DOMAIN
from .models import DataExport

logger = logging.getLogger(__name__)

Status = DataExport.Status

# Archives a requester may ask for a person within a day: enough to retry, too few to load the workers.
DAILY_LIMIT = 3
# A failed or never built archive is kept this long, so its state can be read on "Mes données", then removed.
STALE_AFTER = timedelta(days=1)
EXPORT_REQUESTED = gettext_lazy("Export des données personnelles demandé")

# The password is kept only hashed, and even its hash stays on the platform.
ACCOUNT_OMITTED = frozenset({"password"})
# Kept out of the candidature's file: the account is the person; a decision being prepared is not yet one.
CANDIDATURE_OMITTED = frozenset({"owner", "staged_transition", "staged_level", "version"})

# The audit trail's actions as the archive names them.
TRAIL_ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}

# Bilingual on purpose, as a person may hand the archive to someone reading the other language.
README = """\
ARCHIVE DE VOS DONNÉES PERSONNELLES — Label Territoire Innovant
Préparée le {ready}. Les dates sont à l'heure de Paris (ISO 8601).

account.json         Votre compte : nom, adresse e-mail, langue, dates d'inscription, de dernière connexion et de
                     confirmation de l'adresse, double authentification activée ou non. Ni le mot de passe (il
                     n'est conservé que chiffré), ni les secrets de la double authentification.
candidatures.json    Chaque candidature de votre compte avec tous ses champs, vos réponses aux critères (avec le
                     nom du critère), son historique (par « self » : vous, « team » : l'équipe du label), vos
                     consentements, vos disponibilités et convocations aux auditions, la liste des documents
                     joints (nom, taille, type, emplacement du fichier dans cette archive) et, pour un projet
                     lauréat, sa fiche publique telle que vous l'avez rédigée.
documents/           Les fichiers joints eux-mêmes, tels que vous les avez déposés, un dossier par candidature
                     (sa référence, ou son numéro pour un brouillon).
registrations.json   Vos inscriptions aux événements faites avec votre adresse e-mail.
evaluations.json     Si vous êtes juré : vos appartenances à un jury, les évaluations que vous avez rédigées (notes
                     par critère, commentaire, note pondérée sur 20) et les conflits d'intérêts déclarés.
emails.json          Les courriels que la plateforme vous a envoyés (type, objet, texte, état, dates). Le texte des
                     courriels contenant un lien personnel (nouveau mot de passe, invitation, archive) est retiré :
                     ce lien donne accès à votre compte.
security.json        La sécurité de votre compte : son journal (« security_events » : double authentification,
                     confirmations, déblocages), vos connexions (« logins » : heure d'arrivée et de départ, adresse
                     IP, navigateur), les essais de connexion refusés avec votre adresse e-mail
                     (« failed_logins », « lockouts ») et les entrées du journal d'audit signées par votre compte
                     (« audit_trail » : date, action, type et numéro de l'objet, noms des champs modifiés, motif,
                     adresse IP).

Ne figure pas dans cette archive : rien qui concerne une autre personne. En particulier, les notes et commentaires
des jurés sur vos candidatures restent confidentiels, comme les décisions en préparation non encore publiées.

------------------------------------------------------------------------------------------------------------------

YOUR PERSONAL DATA ARCHIVE — Label Territoire Innovant
Prepared on {ready}. Dates are in Paris time (ISO 8601).

account.json         Your account: name, e-mail address, language, dates of sign-up, last login and address
                     confirmation, whether two-factor authentication is on. Neither the password (only kept
                     hashed) nor the two-factor secrets.
candidatures.json    Each candidature of your account with all its fields, your answers to the criteria (with the
                     criterion's name), its history (by "self": you, "team": the label's team), your consents, your
                     availability and audition convocations, the list of attached documents (name, size, type,
                     where the file is in this archive) and, for a laureate project, its public profile as you
                     wrote it.
documents/           The attached files themselves, as you uploaded them, one folder per candidature (its
                     reference, or its number for a draft).
registrations.json   Your event registrations made with your e-mail address.
evaluations.json     If you are a juror: your jury memberships, the evaluations you wrote (score per criterion,
                     comment, weighted total out of 20) and the conflicts of interest declared.
emails.json          The e-mails the platform sent you (kind, subject, text, status, dates). The text of e-mails
                     holding a personal link (new password, invitation, archive) is withheld: that link opens your
                     account.
security.json        Your account's security: its log ("security_events": two-factor authentication,
                     confirmations, unlocks), your logins ("logins": time in and out, IP address, browser), the
                     refused login attempts with your e-mail address ("failed_logins", "lockouts") and the audit
                     trail entries your account signed ("audit_trail": date, action, type and number of the object,
                     names of the fields changed, reason, IP address).

Not in this archive: anything about another person. In particular the jurors' scores and comments on your
candidatures stay confidential, as do decisions being prepared and not yet published.
"""


# --- requesting -----------------------------------------------------------------------------------------------


def request_export(person, requested_by=None):
    """Record a request for ``person``'s archive (by ``requested_by``, an organiser, or by the person) and have
    a worker build it once the transaction commits; refused while one is being built or past the daily limit."""
    with transaction.atomic():
        # Two clicks at once queue here: the second one sees the row the first one wrote.
        list(get_user_model().objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True))
        asked = DataExport.objects.filter(person=person, requested_by=requested_by)
        if asked.filter(status=Status.PENDING).exists():
            raise Refused(
                _(
                    "Une archive est déjà en préparation : le lien pour la télécharger arrivera par e-mail "
                    "dans quelques minutes."
                )
            )
        if asked.filter(created_at__gte=timezone.now() - timedelta(days=1)).count() >= DAILY_LIMIT:
            raise Refused(
                _(
                    "Vous avez déjà demandé %(count)d archives ces dernières 24 heures, le maximum : "
                    "utilisez le lien de la dernière, ou réessayez demain."
                )
                % {"count": DAILY_LIMIT}
            )
        export = DataExport.objects.create(person=person, requested_by=requested_by)
        trail.log(person, trail.Action.ACCESS, reason=EXPORT_REQUESTED, actor=requested_by or person)
        transaction.on_commit(lambda: _dispatch(export.pk))
    return export


def _dispatch(pk):
    from . import tasks

    try:
        tasks.build_export.apply_async((str(pk),), retry=False)
    except Exception:
        # No broker: say so at once on "Mes données" rather than leave a request nobody will build.
        logger.exception("Data export %s could not be handed to a worker.", pk)
        DataExport.objects.filter(pk=pk, status=Status.PENDING).update(status=Status.FAILED)


# --- what the platform holds ------------------------------------------------------------------------------------


def _plain(value):
    """A value as JSON writes it: instants in Paris time, amounts as exact decimal strings."""
    if isinstance(value, datetime):
        return clock.in_paris(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _by(actor_id, person):
    """Who acted, without naming anyone but the person: themself, the label's team, or nobody (the platform)."""
    if actor_id is None:
        return None
    return "self" if actor_id == person.pk else "team"


@dataclass
class Collected:
    """The archive's contents: JSON-able values by file name, and the documents by their path in the ZIP."""

    files: dict = field(default_factory=dict)
    documents: list = field(default_factory=list)


def collect(person):
    """Everything the platform holds about ``person`` and nothing about anyone else."""
    collected = Collected()
    collected.files["account.json"] = _account(person)
    collected.files["candidatures.json"] = _candidatures(person, collected.documents)
    collected.files["registrations.json"] = _registrations(person)
    collected.files["evaluations.json"] = _evaluations(person)
    collected.files["emails.json"] = _emails(person)
    collected.files["security.json"] = _security(person)
    return collected


def _account(person):
    data = {
        model_field.name: _plain(model_field.value_from_object(person))
        for model_field in person._meta.concrete_fields
        if model_field.name not in ACCOUNT_OMITTED
    }
    data["second_factor_enrolled"] = has_device(person)
    return data


def _candidature_fields(candidature):
    data = {}
    for model_field in Candidature._meta.concrete_fields:
        if model_field.name in CANDIDATURE_OMITTED:
            continue
        if model_field.is_relation:
            related = getattr(candidature, model_field.name)
            data[model_field.name] = str(related) if related is not None else None
        else:
            data[model_field.name] = _plain(model_field.value_from_object(candidature))
    return data


def _candidatures(person, documents):
    candidatures = (
        Candidature.objects.filter(owner=person)
        .select_related("edition", "region", "profile")
        .prefetch_related(
            Prefetch("answers", queryset=CriterionAnswer.objects.select_related("criterion")),
            Prefetch("history", queryset=HistoryEntry.objects.exclude(action=HistoryEntry.Action.STAGED)),
            Prefetch("documents", queryset=Document.objects.order_by("uploaded_at", "pk")),
            "consents",
            Prefetch("availabilities", queryset=Availability.objects.select_related("session").order_by("pk")),
            Prefetch("convocations", queryset=Convocation.objects.select_related("session")),
        )
        .order_by("created_at", "pk")
    )
    return [_candidature(candidature, person, documents) for candidature in candidatures]


def _candidature(candidature, person, documents):
    folder = f"documents/{candidature.reference or candidature.pk}"
    taken = set()
    listed = []
    for document in candidature.documents.all():
        path = _unique(f"{folder}/{document.safe_name}", taken)
        documents.append((path, document))
        listed.append(
            {
                "id": str(document.pk),
                "kind": document.kind,
                "name": document.safe_name,
                "size": document.size,
                "content_type": document.content_type,
                "uploaded_at": _plain(document.uploaded_at),
                "path": path,
            }
        )
    return {
        **_candidature_fields(candidature),
        "answers": [
            {"criterion": answer.criterion.name, "criterion_code": answer.criterion.code, "text": answer.text}
            for answer in candidature.answers.all()
        ],
        "history": [
            {
                "action": entry.action,
                "from_status": entry.from_status,
                "to_status": entry.to_status,
                "at": _plain(entry.at),
                "by": _by(entry.actor_id, person),
                "note": entry.note,
            }
            for entry in candidature.history.all()
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "given": consent.given,
                "text_version": consent.text_version,
                "text": consent.text,
                "at": _plain(consent.at),
                "by": _by(consent.person_id, person),
            }
            for consent in candidature.consents.all()
        ],
        "availabilities": [
            {
                "session": availability.session.title,
                "available": availability.available,
                "ranges": availability.ranges,
                "answered_at": _plain(availability.answered_at),
            }
            for availability in candidature.availabilities.all()
        ],
        "convocations": [
            {
                "session": convocation.session.title,
                "starts_at": _plain(convocation.starts_at),
                "ends_at": _plain(convocation.ends_at),
                "video_url": convocation.video_url,
                "cancelled": convocation.cancelled,
                "sent_at": _plain(convocation.sent_at),
                "updated_at": _plain(convocation.updated_at),
                "acknowledged_at": _plain(convocation.acknowledged_at),
            }
            for convocation in candidature.convocations.all()
        ],
        "documents": listed,
        "public_profile": _profile(candidature),
    }


def _profile(candidature):
    """The project's public profile as the laureate wrote it (its published copy says the same once approved)."""
    try:
        profile = candidature.profile
    except ProjectProfile.DoesNotExist:
        return None
    return {
        "slug": profile.slug,
        "status": profile.status,
        **{name: getattr(profile, name) for name in PROFILE_FIELDS},
        "review_comment": profile.review_comment,
        "submitted_at": _plain(profile.submitted_at),
        "reviewed_at": _plain(profile.reviewed_at),
    }


def _unique(path, taken):
    """``path``, or ``name (2).ext``… when a document of the same candidature already has that name."""
    stem, dot, suffix = path.rpartition(".")
    candidate, number = path, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{suffix}"
    taken.add(candidate)
    return candidate


def _registrations(person):
    registrations = Registration.objects.filter(email__iexact=person.email).select_related("event")
    return [
        {
            "event": registration.event.title,
            "event_starts_at": _plain(registration.event.starts_at),
            "event_ends_at": _plain(registration.event.ends_at),
            "full_name": registration.full_name,
            "email": registration.email,
            "organisation": registration.organisation,
            "attendance": registration.attendance,
            "status": registration.status,
            "language": registration.language,
            "created_at": _plain(registration.created_at),
            "promoted_at": _plain(registration.promoted_at),
            "cancelled_at": _plain(registration.cancelled_at),
        }
        for registration in registrations.order_by("created_at", "pk")
    ]


def _evaluations(person):
    memberships = JuryMember.objects.filter(user=person).select_related("jury__edition").order_by("pk")
    evaluations = (
        Evaluation.objects.filter(assignment__juror=person)
        .select_related("assignment__jury", "assignment__candidature")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("assignment__created_at", "pk")
    )
    conflicts = ConflictOfInterest.objects.filter(juror=person).select_related("candidature").order_by("pk")
    return {
        "jury_memberships": [
            {
                "jury": member.jury.name,
                "edition": member.jury.edition.name,
                "role": member.role,
                "state": member.state,
                "invited_at": _plain(member.invited_at),
                "answered_at": _plain(member.answered_at),
            }
            for member in memberships
        ],
        "evaluations": [
            {
                "jury": evaluation.assignment.jury.name,
                "candidature_reference": evaluation.assignment.candidature.reference,
                "candidature_title": evaluation.assignment.candidature.project_title,
                "assigned_at": _plain(evaluation.assignment.created_at),
                "status": evaluation.status,
                "scores": [
                    {"criterion": score.criterion.name, "value": score.value} for score in evaluation.scores.all()
                ],
                "comment": evaluation.comment,
                "weighted_total": _plain(evaluation.weighted_total),
                "submitted_at": _plain(evaluation.submitted_at),
                "updated_at": _plain(evaluation.updated_at),
            }
            for evaluation in evaluations
        ],
        "conflicts_of_interest": [
            {
                "candidature_reference": conflict.candidature.reference,
                "candidature_title": conflict.candidature.project_title,
                "reason": conflict.reason,
                "declared_at": _plain(conflict.created_at),
                "declared_by": _by(conflict.declared_by_id, person),
            }
            for conflict in conflicts
        ],
    }


def _emails(person):
    sent = Notification.objects.filter(recipient__iexact=person.email).order_by("created_at", "pk")
    return [
        {
            "kind": mail.kind,
            "subject": mail.subject,
            # A personal link (password reset, invitation) must not outlive its mail in a file handed around.
            "body_text": None if mail.sensitive else mail.body_text,
            "body_withheld": mail.sensitive,
            "status": mail.status,
            "created_at": _plain(mail.created_at),
            "sent_at": _plain(mail.sent_at),
        }
        for mail in sent
    ]


def _security(person):
    """The account's security log, its logins and refused attempts (by its address), and the audit entries it
    signed: what was done, to which object and from where, with the names of the fields changed but neither
    their values nor the object's name, which may be about other people."""
    return {
        "security_events": [
            {
                "kind": event.kind,
                "at": _plain(event.at),
                # An organiser's action on the account was recorded from the organiser's address, not the person's.
                "address": event.address if event.actor_id in (None, person.pk) else None,
                "by": _by(event.actor_id, person),
            }
            for event in SecurityEvent.objects.filter(user=person).order_by("at", "pk")
        ],
        "logins": [
            {
                "at": _plain(login.attempt_time),
                "logged_out_at": _plain(login.logout_time),
                "address": login.ip_address,
                "browser": login.user_agent,
            }
            for login in _login_records(AccessLog, person)
        ],
        "failed_logins": [
            {
                "last_at": _plain(attempt.attempt_time),
                "failures": attempt.failures_since_start,
                "address": attempt.ip_address,
                "browser": attempt.user_agent,
            }
            for attempt in _login_records(AccessAttempt, person)
        ],
        "lockouts": [
            {
                "at": _plain(failure.attempt_time),
                "locked_out": failure.locked_out,
                "address": failure.ip_address,
                "browser": failure.user_agent,
            }
            for failure in _login_records(AccessFailureLog, person)
        ],
        "audit_trail": [
            {
                "at": _plain(entry.timestamp),
                "action": TRAIL_ACTIONS.get(entry.action, str(entry.action)),
                "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
                # The object's name may be another person's (a juror, an account): its number only.
                "object_id": entry.object_pk,
                "fields_changed": sorted(entry.changes) if isinstance(entry.changes, dict) else [],
                "reason": entry.additional_data.get("reason", "") if isinstance(entry.additional_data, dict) else "",
                "address": entry.remote_addr,
            }
            for entry in LogEntry.objects.filter(actor=person)
            .select_related("content_type")
            .order_by("timestamp", "pk")
        ],
    }


def _login_records(model, person):
    """django-axes' rows for the account's address, whatever the case it was typed in."""
    return model.objects.filter(username__iexact=person.email).order_by("attempt_time", "pk")


# --- building -------------------------------------------------------------------------------------------------


def write_zip(target, collected, ready_at):
    """The archive of ``collected`` into the binary file ``target``, README first, documents streamed."""
    stamp = clock.in_paris(ready_at)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def member(name):
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            return info

        archive.writestr(member("README.txt"), README.format(ready=stamp.strftime("%Y-%m-%d %H:%M")))
        for name, value in collected.files.items():
            archive.writestr(member(name), json.dumps(value, ensure_ascii=False, indent=2) + "\n")
        for path, document in collected.documents:
            with document.file.open("rb") as source, archive.open(member(path), "w") as copy:
                shutil.copyfileobj(source, copy, 1024 * 1024)


def build(export_id):
    """Write the archive of a pending export, mark it ready and e-mail its link; a no-op once done."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("person", "requested_by")
            .filter(pk=export_id, status=Status.PENDING)
            .exclude(person__email__endswith=f"@{ANONYMOUS_DOMAIN}")
            .first()
        )
        if export is None:
            # Done already, being built, or its person erased meanwhile (then the row goes with the account).
            return None
        try:
            with transaction.atomic():
                _build(export)
        except Exception:
            logger.exception("Data export %s failed.", export_id)
            if export.file.name:
                export.file.storage.delete(export.file.name)
            DataExport.objects.filter(pk=export.pk).update(status=Status.FAILED, file="", size=None)
            return Status.FAILED
    return Status.READY


def _build(export):
    now = timezone.now()
    collected = collect(export.person)
    with tempfile.TemporaryFile() as spool:
        write_zip(spool, collected, now)
        spool.seek(0)
        export.file.save("archive.zip", File(spool, name="archive.zip"), save=False)
    export.status = Status.READY
    export.size = export.file.size
    export.ready_at = now
    export.expires_at = now + timedelta(days=settings.DATA_EXPORT_VALID_DAYS)
    export.save(update_fields=["file", "status", "size", "ready_at", "expires_at"])
    notify(
        "data_export_ready",
        to=export.requested_by or export.person,
        context={
            "archive_url": settings.SITE_URL + reverse("privacy:archive", args=[export.pk]),
            "expires_at": export.expires_at,
            "for_organiser": export.requested_by_id is not None,
        },
        key=f"data_export:{export.pk}",
        sensitive=True,
    )


# --- removing ---------------------------------------------------------------------------------------------------


def delete_expired(now=None, dry_run=False):
    """Delete archives past their date, and failed or never built ones older than a day, with their files."""
    now = clock.now(now)
    due = DataExport.objects.filter(
        Q(status=Status.READY, expires_at__lte=now)
        | Q(status__in=[Status.PENDING, Status.FAILED], created_at__lt=now - STALE_AFTER)
    )
    if dry_run:
        return due.count()
    with transaction.atomic():
        # Rows a worker is building are skipped: the next night takes them.
        rows = list(due.select_for_update(skip_locked=True).values_list("pk", "file"))
        DataExport.objects.filter(pk__in=[pk for pk, _name in rows]).delete()
        names = [name for _pk, name in rows if name]
        transaction.on_commit(lambda: _delete_files(names))
    return len(rows)


def _delete_files(names):
    storage = DataExport._meta.get_field("file").storage
    for name in names:
        storage.delete(name)
