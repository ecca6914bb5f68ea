"""The retention periods of ``settings.RETENTION``, applied: what the privacy page promises, done each night.

``purge`` runs every step in batches (the same few queries per batch), each
batch in its own transaction, and can run again at any time: what is done is
not found again. Periods are counted in years on Paris calendars (a candidature
of an edition closed on 20 June 2020 at 00:00 goes on 20 June 2025 at 00:00)
and nothing purged is copied into the audit trail: the trail only says that
an edition's candidatures were purged and which accounts were anonymised.
"""

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, timedelta

from auditlog.context import disable_auditlog
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import SecurityEvent
from audit import trail
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation
from auditions.sessions.models import Availability, Convocation
from core import clock
from core.pages import forget_public_pages
from events.models import Registration
from label.models import Candidature, Consent, CriterionAnswer, Document, Edition, HistoryEntry, Status
from notifications.models import Notification
from notifications.services import Mail, notify_many
from showcase import thumbnails
from showcase.models import ProjectProfile, PublishedProject

from . import erasure, export

logger = logging.getLogger(__name__)

WARNING_KIND = "account_retention_warning"

# What a laureate keeps once its period is over: its public results, nothing that names a person.
LAUREATE_BLANKS = {
    "description": "",
    "stage": "",
    "started_on": None,
    "ends_on": None,
    "budget": None,
    "partners": "",
    "website": "",
    "contact_name": "",
    "contact_role": "",
    "contact_email": "",
    "contact_phone": "",
    "extended_until": None,
    "staged_transition": "",
    "staged_level": "",
    "pitch_video_url": "",
    "owner": None,
}

# The command's lines, in the order of the steps.
LINES = {
    "accounts_warned": gettext_lazy("Comptes inutilisés prévenus de leur anonymisation"),
    "accounts_anonymised": gettext_lazy("Comptes inutilisés anonymisés"),
    "candidatures_deleted": gettext_lazy("Candidatures non lauréates supprimées"),
    "laureates_anonymised": gettext_lazy("Candidatures lauréates réduites à leurs résultats publics"),
    "documents": gettext_lazy("Documents supprimés"),
    "evaluations": gettext_lazy("Évaluations supprimées"),
    "registrations": gettext_lazy("Inscriptions aux événements supprimées"),
    "outbox": gettext_lazy("Courriels du journal d'envoi supprimés"),
    "security_events": gettext_lazy("Événements de sécurité supprimés"),
    "login_records": gettext_lazy("Traces de connexion (django-axes) supprimées"),
    "audit_entries": gettext_lazy("Entrées du journal d'audit supprimées"),
    "exports": gettext_lazy("Archives de données personnelles expirées supprimées"),
}


@dataclass
class PurgeReport:
    """How many rows of each kind the purge removed or anonymised (or would have, in a dry run)."""

    dry_run: bool = False
    accounts_warned: int = 0
    accounts_anonymised: int = 0
    candidatures_deleted: int = 0
    laureates_anonymised: int = 0
    documents: int = 0
    evaluations: int = 0
    registrations: int = 0
    outbox: int = 0
    security_events: int = 0
    login_records: int = 0
    audit_entries: int = 0
    exports: int = 0

    def as_dict(self):
        counts = asdict(self)
        del counts["dry_run"]
        return counts

    def lines(self):
        return [
            _("%(what)s : %(count)d") % {"what": label, "count": getattr(self, kind)} for kind, label in LINES.items()
        ]


class Periods:
    """The instants before which each kind of data is past its period, read on Paris calendars."""

    def __init__(self, now):
        self.now = clock.now(now)
        self.local = clock.in_paris(self.now)
        self.warning = timedelta(days=settings.RETENTION_WARNING_DAYS)

    def cutoff(self, kind, ahead=timedelta(0)):
        """Data of ``kind`` dated before this instant is past its period (or will be within ``ahead``)."""
        return (self.local + ahead) - relativedelta(years=settings.RETENTION[kind])

    def account_expiry(self, last_activity):
        return clock.in_paris(last_activity) + relativedelta(years=settings.RETENTION["accounts"])


def purge(now=None, dry_run=False, batch=500):
    """Apply every retention period; ``dry_run`` counts what would go and changes nothing."""
    periods = Periods(now)
    report = PurgeReport(dry_run=dry_run)
    with disable_auditlog():
        _accounts(periods, report, dry_run, batch)
        _candidatures(periods, report, dry_run, batch)
        report.registrations = _delete(
            Registration.objects.filter(event__ends_at__lt=periods.cutoff("registrations")), dry_run, batch
        )
        logs_cutoff = periods.cutoff("outbox")
        report.outbox = _delete(Notification.objects.filter(created_at__lt=logs_cutoff), dry_run, batch)
        report.security_events = _delete(SecurityEvent.objects.filter(at__lt=logs_cutoff), dry_run, batch)
        report.login_records = sum(
            _delete(model.objects.filter(attempt_time__lt=logs_cutoff), dry_run, batch)
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        )
        report.audit_entries = trail.delete_before(periods.cutoff("audit"), dry_run=dry_run)
        report.exports = export.delete_expired(now=periods.now, dry_run=dry_run)
    logger.info("Personal data purge%s: %s", " (dry run)" if dry_run else "", report.as_dict())
    return report


def _delete(queryset, dry_run, batch):
    """Delete ``queryset`` batch by batch, each in its own transaction; how many of its rows."""
    if dry_run:
        return queryset.count()
    model = queryset.model
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                return deleted
            deleted += model.objects.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)


# --- accounts -----------------------------------------------------------------------------


def _accounts(periods, report, dry_run, batch):
    """Warn the accounts unused for the period minus the notice, then anonymise those warned long enough ago.

    A warning counts for the inactivity it announced: a login since makes it
    void (the account is warned again when next due). A warning sent late
    delays the anonymisation, it never shortens the notice.
    """
    User = get_user_model()
    accounts = (
        User.objects.filter(is_superuser=False)
        .exclude(email__endswith=f"@{erasure.ANONYMOUS_DOMAIN}")
        .annotate(last_activity=Coalesce("last_login", "date_joined"))
    )
    years = settings.RETENTION["accounts"]
    due = accounts.filter(last_activity__lt=periods.cutoff("accounts", ahead=periods.warning)).filter(
        Q(retention_warned_at__isnull=True) | Q(retention_warned_at__lt=F("last_activity"))
    )
    expired = accounts.filter(
        last_activity__lt=periods.cutoff("accounts"),
        retention_warned_at__gte=F("last_activity"),
        retention_warned_at__lte=periods.local - periods.warning,
    )
    if dry_run:
        report.accounts_warned = due.count()
        report.accounts_anonymised = expired.count()
        return
    reason = ngettext(
        "Compte inutilisé depuis plus de %(years)d an (durée de conservation)",
        "Compte inutilisé depuis plus de %(years)d ans (durée de conservation)",
        years,
    ) % {"years": years}
    while people := list(expired.order_by("pk")[:batch]):
        report.accounts_anonymised += erasure.erase_accounts(people, reason=reason).accounts
    while people := list(due.order_by("pk")[:batch]):
        with transaction.atomic():
            notify_many(WARNING_KIND, [_warning(person, periods, years) for person in people], bulk=True)
            User.objects.filter(pk__in=[person.pk for person in people]).update(retention_warned_at=periods.now)
        report.accounts_warned += len(people)


def _warning(person, periods, years):
    on = max(periods.account_expiry(person.last_activity), periods.local + periods.warning)
    return Mail(
        to=person,
        key=f"{WARNING_KIND}:{person.pk}:{person.last_activity.astimezone(UTC).isoformat()}",
        context={"last_activity": person.last_activity, "anonymised_on": on, "years": years},
    )


# --- candidatures -------------------------------------------------------------------------


def _candidatures(periods, report, dry_run, batch):
    """Past their period, candidatures go, but laureates, kept as the label's public results only."""
    past = Candidature.objects.filter(edition__closes_at__lt=periods.cutoff("candidatures"))
    others = past.exclude(status=Status.LAUREATE)
    # Reduced already once their owner is gone.
    laureates = past.filter(status=Status.LAUREATE, owner__isnull=False)
    if dry_run:
        targets = past.exclude(status=Status.LAUREATE, owner__isnull=True)
        report.candidatures_deleted = others.count()
        report.laureates_anonymised = laureates.count()
        report.documents = Document.objects.filter(candidature__in=targets).count()
        report.evaluations = Evaluation.objects.filter(assignment__candidature__in=targets).count()
        return
    purged = {}
    while rows := list(others.order_by("pk").values_list("pk", "edition_id")[:batch]):
        ids = _count_by_edition(rows, purged, "deleted")
        with transaction.atomic():
            _documents_and_evaluations(ids, report)
            report.candidatures_deleted += (
                Candidature.objects.filter(pk__in=ids).delete()[1].get(Candidature._meta.label, 0)
            )
    while rows := list(laureates.order_by("pk").values_list("pk", "edition_id")[:batch]):
        ids = _count_by_edition(rows, purged, "anonymised")
        with transaction.atomic():
            _documents_and_evaluations(ids, report)
            _reduce_to_results(ids)
            transaction.on_commit(lambda ids=ids: _remove_thumbnails(ids))
            # The project pages cached with their contact and images go with them.
            forget_public_pages()
        report.laureates_anonymised += len(ids)
    trail.log_many(
        trail.entry(
            edition,
            trail.Action.UPDATE,
            reason=_("Durée de conservation des candidatures écoulée"),
            extra={"retention": purged[edition.pk]},
        )
        for edition in Edition.objects.filter(pk__in=purged)
    )


def _count_by_edition(rows, purged, what):
    for _pk, edition_id in rows:
        counts = purged.setdefault(edition_id, {"deleted": 0, "anonymised": 0})
        counts[what] += 1
    return [pk for pk, _edition_id in rows]


def _documents_and_evaluations(ids, report):
    """Delete the documents of candidatures ``ids`` (their files after commit); count their evaluations, which
    go with their assignments."""
    report.documents += erasure.delete_documents(Document.objects.filter(candidature_id__in=ids))
    report.evaluations += Evaluation.objects.filter(assignment__candidature_id__in=ids).count()


def _reduce_to_results(ids):
    """What a laureate keeps past its period: its public results and, when one was approved, its project page
    (the label's public record, published with the laureate's consent) without its contact, images and documents.

    The documents themselves are deleted before (``_documents_and_evaluations``), and with them their place on
    the profile and the page; their public thumbnails go once this commits (``_remove_thumbnails``).
    """
    for model in (CriterionAnswer, HistoryEntry, Assignment, ConflictOfInterest, Availability, Convocation):
        model.objects.filter(candidature_id__in=ids).delete()
    Consent.objects.filter(candidature_id__in=ids).update(person=None)
    # The project's public page stays, without the person it named as contact.
    unnamed = dict.fromkeys(erasure.PROFILE_CONTACT_FIELDS, "")
    # A profile never published was never public: it goes; a published one loses its review's comment.
    ProjectProfile.objects.filter(candidature_id__in=ids, published__isnull=True).delete()
    ProjectProfile.objects.filter(candidature_id__in=ids).update(**unnamed, review_comment="")
    PublishedProject.objects.filter(candidature_id__in=ids).update(**unnamed)
    Candidature.objects.filter(pk__in=ids).update(
        # A summary is public only with the candidate's consent: without it, it is not part of the results.
        summary=Case(When(consent_publication=True, then=F("summary")), default=Value(""), output_field=TextField()),
        **LAUREATE_BLANKS,
    )


def _remove_thumbnails(ids):
    """The public copies of the images of laureates ``ids``, whose documents are gone."""
    for candidature_id in ids:
        thumbnails.remove(candidature_id)
