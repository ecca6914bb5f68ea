from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import clock
from core.clients import client_address
from core.errors import Refused
from core.exports import Table, csv_lines
from core.pages import expires_by, public_page

from . import services
from .forms import EventFilterForm, RegistrationForm
from .models import Event, EventPartner, Registration
from .sections import sections_for
from .storage import public_storage

Status = Registration.Status


@public_page
def event_list(request):
    now = clock.now()
    filters = EventFilterForm(request.GET or None)
    events = filters.filter(Event.objects.published().select_related("region"))
    upcoming = list(events.upcoming(now))
    past = Paginator(events.past(now), 20).get_page(request.GET.get("page"))
    response = render(
        request,
        "events/list.html",
        {"filters": filters, "upcoming": upcoming, "past": past, "now": now, "query": request.GET.urlencode()},
    )
    # An upcoming event shows "En direct" from its start, and moves to the past ones at its end.
    return expires_by(response, *(moment for event in upcoming for moment in (event.starts_at, event.ends_at)))


PREFILL = {"nom": "full_name", "email": "email", "organisation": "organisation"}


def _event(slug):
    partnerships = EventPartner.objects.select_related("partner").order_by("order", "pk")
    return get_object_or_404(
        Event.objects.published()
        .select_related("region")
        .prefetch_related(Prefetch("partnerships", queryset=partnerships), "programme"),
        slug=slug,
    )


@public_page
def event_detail(request, slug):
    event = _event(slug)
    now = clock.now()
    # A link may pre-fill the form (the laureates' invitation to the forum): never saved without a POST.
    initial = {field: request.GET.get(name, "")[:200] for name, field in PREFILL.items() if name in request.GET}
    form = RegistrationForm(request.POST or None, event=event, initial=initial)
    if request.method == "POST":
        address = client_address(request)
        too_many = _("Trop d'inscriptions depuis votre connexion en une heure. Réessayez plus tard.")
        if services.registrations_exhausted(address):
            form.add_error(None, too_many)
        elif form.is_valid():
            if form.is_bot:
                return redirect("events:detail", slug=event.slug)
            data = form.cleaned_data
            try:
                # Counted first, atomically: simultaneous requests on several servers cannot pass the limit.
                if not services.reserve_registration(address):
                    raise Refused(too_many)
                try:
                    registration = services.register(
                        event,
                        data["full_name"],
                        data["email"],
                        data["organisation"],
                        data["attendance"],
                        language=get_language(),
                    )
                except Refused:
                    services.release_registration(address)
                    raise
            except Refused as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                if registration.status == Status.WAITLISTED:
                    messages.warning(
                        request,
                        _(
                            "Toutes les places sur place sont prises : vous êtes sur la liste d'attente. "
                            "Nous vous écrirons dès qu'une place se libère."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("Votre inscription est confirmée. Un courriel de confirmation vous a été envoyé à %(email)s.")
                        % {"email": registration.email},
                    )
                return redirect(f"{request.path}#inscription")
    response = render(
        request,
        "events/detail.html",
        {
            "event": event,
            "form": form,
            "is_live": event.is_live(now),
            "is_past": event.is_past(now),
            "registration_state": event.registration_state(now),
            "sections": sections_for(event),
        },
    )
    # While registrations are open the page embeds the form's CSRF token: it is never stored (core.pages).
    return expires_by(
        response, event.registration_opens_at, event.registration_closes_at, event.starts_at, event.ends_at
    )


@require_GET
def event_ics(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    response = HttpResponse(services.ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def cancel(request, slug, token):
    try:
        registration = services.registration_from_token(token)
    except Refused as refusal:
        return render(request, "events/cancel.html", {"refusal": refusal.message}, status=400)
    if registration.event.slug != slug:
        raise Http404
    if registration.status == Status.CANCELLED:
        return render(
            request,
            "events/cancel.html",
            {"registration": registration, "refusal": _("Cette inscription est déjà annulée.")},
            status=410,
        )
    if request.method == "POST":
        try:
            services.cancel(registration)
        except Refused as refusal:
            return render(request, "events/cancel.html", {"registration": registration, "refusal": refusal.message})
        return render(request, "events/cancel.html", {"registration": registration, "done": True})
    return render(request, "events/cancel.html", {"registration": registration})


def _organiser_event(request, slug):
    if not request.user.has_perm("events.view_registration"):
        raise PermissionDenied
    return get_object_or_404(
        Event.objects.select_related("region").annotate(
            on_site=Count(
                "registrations",
                filter=Q(
                    registrations__status=Status.CONFIRMED, registrations__attendance=Registration.Attendance.ON_SITE
                ),
            ),
            online=Count(
                "registrations",
                filter=Q(
                    registrations__status=Status.CONFIRMED, registrations__attendance=Registration.Attendance.ONLINE
                ),
            ),
            waiting=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED)),
        ),
        slug=slug,
    )


@staff_member_required
def attendance_list(request, slug):
    """A printable sign-in sheet of the confirmed on-site attendees."""
    event = _organiser_event(request, slug)
    attendees = event.registrations.filter(
        status=Status.CONFIRMED, attendance=Registration.Attendance.ON_SITE
    ).order_by("full_name", "pk")
    return render(request, "events/attendance.html", {"event": event, "attendees": attendees})


@staff_member_required
def registrations_csv(request, slug):
    event = _organiser_event(request, slug)
    table = Table(
        [_("Nom"), _("Adresse e-mail"), _("Organisation"), _("Participation"), _("État"), _("Inscrit le")],
        (
            [
                registration.full_name,
                registration.email,
                registration.organisation,
                registration.get_attendance_display(),
                registration.get_status_display(),
                clock.in_paris(registration.created_at),
            ]
            for registration in event.registrations.order_by("created_at", "pk")
        ),
    )
    response = HttpResponse("".join(csv_lines(table, get_language())), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.slug}.csv"'
    return response


@require_GET
def public_media(request, path):
    """Partners' logos (public files); in production the web server may serve /medias/ itself."""
    if not path.startswith("logos/") or ".." in path or not public_storage().exists(path):
        raise Http404
    response = FileResponse(public_storage().open(path, "rb"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
