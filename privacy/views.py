"""'Mes données': what the platform holds about the signed-in person, the archive of it, and its download."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.second_factor import has_device
from auditions.jury.models import Evaluation
from core import clock
from core.errors import Refused
from events.models import Registration
from label.models import Candidature
from notifications.models import Notification

from . import export
from .models import DataExport

# The e-mails listed on the page, newest first; the archive holds them all.
LAST_EMAILS = 10


@login_required
def my_data(request):
    person = request.user
    candidatures = list(Candidature.objects.owned_by(person).for_listing().order_by("-created_at", "-pk"))
    emails = Notification.objects.filter(recipient__iexact=person.email)
    context = {
        "second_factor": has_device(person),
        "candidatures": candidatures,
        "document_count": sum(candidature.document_count for candidature in candidatures),
        "registrations": Registration.objects.filter(email__iexact=person.email)
        .select_related("event")
        .order_by("-event__starts_at", "-pk"),
        "evaluations_by_edition": Evaluation.objects.filter(assignment__juror=person)
        .values("assignment__jury__edition__name", "assignment__jury__edition__opens_at")
        .annotate(count=Count("pk"))
        .order_by("-assignment__jury__edition__opens_at", "assignment__jury__edition__name"),
        "email_count": emails.count(),
        "last_emails": emails.order_by("-created_at", "-pk")[:LAST_EMAILS],
        "security_event_count": person.security_events.count(),
        "exports": DataExport.objects.filter(person=person, requested_by=None).exclude(
            status=DataExport.Status.READY, expires_at__lte=timezone.now()
        ),
        "valid_days": settings.DATA_EXPORT_VALID_DAYS,
    }
    return render(request, "privacy/my_data.html", context)


@login_required
@require_POST
def request_export(request):
    try:
        export.request_export(request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _(
                "Votre archive est en préparation. Vous recevrez par e-mail, à %(email)s, un lien pour la "
                "télécharger ; il restera valable %(days)d jours."
            )
            % {"email": request.user.email, "days": settings.DATA_EXPORT_VALID_DAYS},
        )
    return redirect("privacy:my_data")


def _downloadable_by(user):
    """Ready archives still within their date that ``user`` may download: their own, or those they prepared."""
    ready = DataExport.objects.filter(status=DataExport.Status.READY, expires_at__gt=clock.now())
    return ready.filter(person=user, requested_by=None) | ready.filter(requested_by=user)


@login_required
def download_archive(request, pk):
    # One answer for "not yours", "expired" and "never existed": a link tells nobody what lies behind it.
    archive = _downloadable_by(request.user).filter(pk=pk).first()
    if archive is None or not archive.file:
        raise Http404
    try:
        stream = archive.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    day = clock.in_paris(archive.ready_at).date().isoformat()
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=f"donnees-label-territoire-innovant-{day}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
