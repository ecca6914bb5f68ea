"""Organiser screens of the audition sessions: slots, warnings, scheduling, publication, deletion."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit import trail
from audit.admin import AuditedAdmin
from core import clock
from core.admin_cells import badge, unbroken
from core.read_only_admin import ReadOnlyAdmin
from core.templatetags.paris_time import paris_time
from label.feedback import report_refused
from label.models import Candidature
from notifications.models import Notification

from . import convocations, scheduling, services
from .models import AuditionSession, Convocation, SessionBreak, Slot

SLOT_STATES = {
    "convocation": _("à envoyer"),
    "convocation_updated": _("modification à envoyer"),
    None: _("envoyée"),
}
CONFIRM_HINT = _("Cochez « Confirmer malgré les avertissements » sur cette ligne pour enregistrer quand même.")
PUBLICATION_KINDS = ("convocation", "convocation_updated", "convocation_cancelled", "running_order")


def _candidature_label(candidature):
    return f"{candidature.territory_name or '—'} ({candidature.reference or gettext('Brouillon')})"


def _paris_datetime(moment):
    return formats.date_format(clock.in_paris(moment), "SHORT_DATETIME_FORMAT")


def _paris_hours(starts_at, ends_at):
    """« 23/06/2020 14:00 – 14:25 », the day and start kept on one line."""
    return format_html("{} – {}", unbroken(_paris_datetime(starts_at)), paris_time(ends_at))


def _reference(candidature):
    return unbroken(candidature.reference or gettext("sans référence"))


def _convocation_state(slot):
    """What the next publication sends about ``slot`` (annotated by ``convocations.with_convocation_state``)."""
    states = []
    if slot.candidature_id is not None:
        told = None if slot.told_starts_at is None else (slot.told_starts_at, slot.told_ends_at, slot.told_video_url)
        states.append(SLOT_STATES[convocations.message_due(slot.terms, told, slot.told_cancelled)])
    if slot.cancellation_due:
        states.append(gettext("annulation à envoyer"))
    return " · ".join(str(state) for state in states) or "—"


def _publication_summary(sent):
    """ "3 convocations, 1 annulation, ordre de passage à 2 jurés" from {kind: count}."""
    parts = []
    if count := sent.get("convocation", 0):
        parts.append(ngettext("%(count)d convocation", "%(count)d convocations", count) % {"count": count})
    if count := sent.get("convocation_updated", 0):
        parts.append(
            ngettext("%(count)d convocation modifiée", "%(count)d convocations modifiées", count) % {"count": count}
        )
    if count := sent.get("convocation_cancelled", 0):
        parts.append(ngettext("%(count)d annulation", "%(count)d annulations", count) % {"count": count})
    if count := sent.get("running_order", 0):
        parts.append(
            ngettext("ordre de passage à %(count)d juré", "ordre de passage à %(count)d jurés", count)
            % {"count": count}
        )
    return ", ".join(parts) if parts else gettext("aucun courriel")


class SessionBreakInline(admin.TabularInline):
    model = SessionBreak
    fields = ("starts_at", "ends_at", "label")
    extra = 0


class SlotForm(forms.ModelForm):
    """A slot row; its model fields come from ``SlotInline.fields``."""

    confirm = forms.BooleanField(
        label=_("Confirmer malgré les avertissements"),
        required=False,
        help_text=_("À cocher après avoir lu les avertissements affichés sur la ligne."),
    )


class SlotFormSet(forms.BaseInlineFormSet):
    """The session's slots; a hand-made move that the scheduler would not make needs a confirmation."""

    @cached_property
    def candidature_queryset(self):
        # The session's candidatures, plus whoever already holds one of its slots.
        session = self.instance
        if session.pk is None:
            return Candidature.objects.none()
        held = Slot.objects.filter(session_id=session.pk, candidature__isnull=False).values("candidature_id")
        return Candidature.objects.filter(Q(pk__in=session.candidatures().values("pk")) | Q(pk__in=held)).order_by(
            "territory_name", "reference"
        )

    @cached_property
    def candidature_choices(self):
        # Computed once for the whole formset: a select per row must not cost a query per row.
        return [("", "---------"), *((c.pk, _candidature_label(c)) for c in self.candidature_queryset)]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields["candidature"]
        field.queryset = self.candidature_queryset
        field.choices = self.candidature_choices

    def clean(self):
        super().clean()
        rows = [
            form
            for form in self.forms
            if form.is_valid()
            and not self._should_delete_form(form)
            and form.cleaned_data.get("starts_at")
            and form.cleaned_data.get("ends_at")
        ]
        held = {}
        for form in rows:
            candidature = form.cleaned_data.get("candidature")
            if candidature is not None and candidature.pk in held:
                form.add_error(
                    "candidature",
                    gettext("%(name)s a déjà le créneau de %(start)s : une seule audition par session.")
                    % {"name": candidature.territory_name, "start": paris_time(held[candidature.pk])},
                )
            elif candidature is not None:
                held[candidature.pk] = form.cleaned_data["starts_at"]
        for form in rows:
            if form.has_changed():
                warnings = self._warnings(form, rows)
                if warnings and not form.cleaned_data.get("confirm"):
                    form.add_error(None, ValidationError([*warnings, CONFIRM_HINT]))

    def save(self, commit=True):
        if commit:
            # Candidatures may swap slots in one save: free theirs first, or one slot per candidature trips midway.
            leaving = [
                form.instance.pk
                for form in self.initial_forms
                if self._should_delete_form(form) or "candidature" in form.changed_data
            ]
            held = dict(Slot.objects.filter(pk__in=leaving, candidature__isnull=False).values_list("pk", "candidature"))
            Slot.objects.filter(pk__in=leaving).update(candidature=None)
            # Written without save(): the trail records the freeing, the forms' saves then record the new holders.
            trail.log_many(
                trail.entry(slot, trail.Action.UPDATE, {"candidature": [held[slot.pk], None]})
                for slot in Slot.objects.filter(pk__in=held).select_related("session")
            )
        return super().save(commit)

    def _warnings(self, form, rows):
        changed = set(form.changed_data)
        moved = form.instance.pk is None or bool(changed & {"starts_at", "ends_at"})
        starts_at, ends_at = form.cleaned_data["starts_at"], form.cleaned_data["ends_at"]
        candidature = form.cleaned_data.get("candidature")
        warnings = []
        if candidature is not None and (moved or "candidature" in changed):
            probe = Slot(pk=form.instance.pk, session=self.instance, starts_at=starts_at, ends_at=ends_at)
            warnings.extend(scheduling.warnings_for(probe, candidature))
        if moved:
            for other in rows:
                other_start, other_end = other.cleaned_data["starts_at"], other.cleaned_data["ends_at"]
                if other is not form and starts_at < other_end and other_start < ends_at:
                    warnings.append(
                        gettext("Ce créneau chevauche celui de %(start)s–%(end)s de la session.")
                        % {"start": paris_time(other_start), "end": paris_time(other_end)}
                    )
        return warnings


class SlotInline(admin.TabularInline):
    model = Slot
    form = SlotForm
    formset = SlotFormSet
    fields = ("starts_at", "ends_at", "candidature", "convocation_state", "video_url", "confirm")
    readonly_fields = ("convocation_state",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0

    class Media:
        css = {"all": ("auditions/admin_slots.css",)}

    def get_queryset(self, request):
        # Each row's label and convocation state read its session and convocations: fetched with it, not once per row.
        return convocations.with_convocation_state(super().get_queryset(request).select_related("session"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "candidature":
            # Candidatures are created by their owners, never from a slot.
            formfield.widget.can_add_related = False
            formfield.widget.can_change_related = False
            formfield.widget.can_delete_related = False
        return formfield

    @admin.display(description=_("convocation"))
    def convocation_state(self, obj):
        """What the next publication sends about this row: to its candidature, and to one who left it."""
        if obj is None or obj.pk is None:
            return "—"
        return _convocation_state(obj)


@admin.register(AuditionSession)
class AuditionSessionAdmin(AuditedAdmin):
    audit_children = (("auditions.Slot", "session"),)

    list_display = ("title", "edition", "starts_at_paris", "publication", "filled_slots")
    list_filter = ("edition", "published")
    list_select_related = ("edition",)
    search_fields = ("title",)
    autocomplete_fields = ("regions", "broadcast_event")
    readonly_fields = ("published", "published_at", "version", "next_publication")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("edition", "title", "regions", "broadcast_event")}),
        (
            _("Horaires"),
            {"fields": (("starts_at", "ends_at"), ("pitch_minutes", "questions_minutes", "buffer_minutes"))},
        ),
        (_("Visioconférence et disponibilités"), {"fields": ("video_url", "availability_deadline")}),
        (
            _("Publication"),
            {
                "fields": ("published", "published_at", "version", "next_publication"),
                "description": _(
                    "Les convocations partent avec l'action « Publier / envoyer les convocations » de la liste des "
                    "sessions ; republier n'envoie que ce qui a changé."
                ),
            },
        ),
    )
    inlines = (SessionBreakInline, SlotInline)
    actions = ("generate_slots", "place_candidatures", "ask_availability", "publish", "mark_auditioned")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                slot_count=Count("slots"),
                filled_count=Count("slots", filter=Q(slots__candidature__isnull=False)),
            )
        )

    @admin.display(description=_("début (heure de Paris)"), ordering="starts_at")
    def starts_at_paris(self, obj):
        return _paris_datetime(obj.starts_at)

    @admin.display(description=_("publication"), ordering="published")
    def publication(self, obj):
        return badge("good", gettext("Publiée")) if obj.published else badge("muted", gettext("Non publiée"))

    @admin.display(description=_("à envoyer aux candidats à la prochaine publication"))
    def next_publication(self, obj):
        # Cancellations of deleted slots have no row left to show them.
        if obj is None or obj.pk is None:
            return "—"
        return _publication_summary(convocations.pending(obj))

    @admin.display(description=_("créneaux attribués"), ordering="filled_count")
    def filled_slots(self, obj):
        return f"{obj.filled_count} / {obj.slot_count}"

    def get_deleted_objects(self, objs, request):
        # Slots and convocations are read-only in their own lists, yet go with their session (delete_model below).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        going_with_it = {str(Slot._meta.verbose_name), str(Convocation._meta.verbose_name)}
        return deleted, counts, {name for name in perms_needed if str(name) not in going_with_it}, protected

    # Deleting a session tells its convoked candidates at once; a deleted slot waits for the next publication.
    def delete_model(self, request, obj):
        services.delete_session(obj)

    def delete_queryset(self, request, queryset):
        for session in queryset:
            services.delete_session(session)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.published and any(formset.has_changed() for formset in formsets):
            self.message_user(
                request,
                gettext(
                    "La session est publiée : les candidats et les jurés ne sont prévenus de ces changements "
                    "qu'une fois la session republiée (action « Publier / envoyer les convocations »)."
                ),
                messages.WARNING,
            )

    def _remind_to_republish(self, request, session):
        if session.published:
            self.message_user(
                request,
                gettext("%(session)s est déjà publiée : republiez-la pour prévenir les personnes concernées.")
                % {"session": session},
                messages.WARNING,
            )

    @admin.action(description=_("Générer les créneaux"), permissions=["change"])
    def generate_slots(self, request, queryset):
        for session in queryset:
            created = scheduling.generate_slots(session)
            kept = session.slots.filter(candidature__isnull=False).count()
            if created:
                message = ngettext(
                    "%(session)s : %(count)d créneau vide créé.",
                    "%(session)s : %(count)d créneaux vides créés.",
                    len(created),
                ) % {"session": session, "count": len(created)}
            else:
                message = gettext(
                    "%(session)s : aucun créneau vide créé (horaires trop courts, ou tous les créneaux sont pris)."
                ) % {"session": session}
            if kept:
                message += " " + ngettext(
                    "%(kept)d créneau déjà attribué est conservé.",
                    "%(kept)d créneaux déjà attribués sont conservés.",
                    kept,
                ) % {"kept": kept}
            self.message_user(request, message, messages.SUCCESS if created else messages.INFO)
            self._remind_to_republish(request, session)

    @admin.action(description=_("Placer automatiquement les candidatures"), permissions=["change"])
    def place_candidatures(self, request, queryset):
        for session in queryset:
            if not session.slots.exists():
                self.message_user(
                    request,
                    gettext("%(session)s n'a aucun créneau : générez d'abord les créneaux.") % {"session": session},
                    messages.WARNING,
                )
                continue
            result = scheduling.schedule(session)
            if result.placed:
                self.message_user(
                    request,
                    ngettext(
                        "%(session)s : %(count)d candidature placée.",
                        "%(session)s : %(count)d candidatures placées.",
                        len(result.placed),
                    )
                    % {"session": session, "count": len(result.placed)},
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, gettext("%(session)s : aucune candidature placée.") % {"session": session})
            if result.unplaced:
                reasons = " ; ".join(
                    f"{_candidature_label(candidature)} : {reason}" for candidature, reason in result.unplaced
                )
                self.message_user(
                    request,
                    ngettext(
                        "%(session)s — %(count)d candidature non placée : %(reasons)s.",
                        "%(session)s — %(count)d candidatures non placées : %(reasons)s.",
                        len(result.unplaced),
                    )
                    % {"session": session, "count": len(result.unplaced), "reasons": reasons},
                    messages.WARNING,
                )
            self._remind_to_republish(request, session)

    @admin.action(description=_("Demander les disponibilités"), permissions=["change"])
    def ask_availability(self, request, queryset):
        for session in queryset:
            asked, already, closed = 0, 0, 0
            for candidature in session.candidatures().select_related("edition", "owner"):
                started = clock.now()
                with transaction.atomic():
                    notification = services.request_availability(candidature)
                if notification is None:
                    closed += 1
                elif notification.created_at >= started:
                    asked += 1
                else:
                    already += 1
            if asked:
                self.message_user(
                    request,
                    ngettext(
                        "%(session)s : demande de disponibilités envoyée à %(count)d candidature.",
                        "%(session)s : demande de disponibilités envoyée à %(count)d candidatures.",
                        asked,
                    )
                    % {"session": session, "count": asked},
                    messages.SUCCESS,
                )
            if already:
                self.message_user(
                    request,
                    ngettext(
                        "%(session)s : %(count)d candidature l'avait déjà reçue, elle ne la reçoit pas deux fois.",
                        "%(session)s : %(count)d candidatures l'avaient déjà reçue, elles ne la reçoivent pas deux "
                        "fois.",
                        already,
                    )
                    % {"session": session, "count": already},
                )
            if not (asked or already or closed):
                self.message_user(
                    request,
                    gettext("%(session)s : aucune candidature présélectionnée à solliciter.") % {"session": session},
                )
            if closed:
                self.message_user(
                    request,
                    ngettext(
                        "%(session)s : %(count)d candidature n'a plus de session ouverte aux réponses (date limite "
                        "passée) ; rien ne lui est envoyé.",
                        "%(session)s : %(count)d candidatures n'ont plus de session ouverte aux réponses (date "
                        "limite passée) ; rien ne leur est envoyé.",
                        closed,
                    )
                    % {"session": session, "count": closed},
                    messages.WARNING,
                )

    @admin.action(description=_("Publier / envoyer les convocations"), permissions=["change"])
    def publish(self, request, queryset):
        for session in queryset:
            version = session.version
            started = clock.now()
            session = convocations.publish(session)
            if session.version == version:
                self.message_user(
                    request,
                    gettext("%(session)s : rien n'a changé depuis la dernière publication, aucun courriel envoyé.")
                    % {"session": session},
                )
                continue
            sent = dict(
                Notification.objects.filter(kind__in=PUBLICATION_KINDS, created_at__gte=started)
                .values_list("kind")
                .annotate(count=Count("pk"))
            )
            self.message_user(
                request,
                gettext("%(session)s publiée (version %(version)d) : %(sent)s.")
                % {"session": session, "version": session.version, "sent": _publication_summary(sent)},
                messages.SUCCESS,
            )

    @admin.action(description=_("Marquer les candidatures auditionnées"), permissions=["change"])
    def mark_auditioned(self, request, queryset):
        now = clock.now()
        for session in queryset:
            if session.ends_at > now:
                self.message_user(
                    request,
                    gettext("%(session)s n'est pas terminée : les candidatures ne sont pas encore auditionnées.")
                    % {"session": session},
                    messages.WARNING,
                )
                continue
            outcome = services.mark_auditioned(session, request.user)
            done = len(outcome.done)
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(session)s : %(count)d candidature marquée auditionnée.",
                        "%(session)s : %(count)d candidatures marquées auditionnées.",
                        done,
                    )
                    % {"session": session, "count": done},
                    messages.SUCCESS,
                )
            elif not outcome.refused:
                self.message_user(
                    request,
                    gettext("%(session)s : aucune candidature présélectionnée n'y a de créneau.")
                    % {"session": session},
                )
            report_refused(request, outcome)


# --- read-only lists: every slot and every convocation, to find one --------------------------


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin, AuditedAdmin):
    """The slots of every session; they are edited on their session's page."""

    list_display = ("session_link", "hours", "reference", "territory", "convocation_state")
    list_display_links = None
    list_filter = ("session__edition", "session")
    search_fields = ("session__title", "candidature__reference", "candidature__territory_name")
    list_select_related = ("session", "candidature")
    list_per_page = 100
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return convocations.with_convocation_state(super().get_queryset(request))

    @admin.display(description=_("session"), ordering="session__title")
    def session_link(self, obj):
        url = reverse("admin:auditions_auditionsession_change", args=[obj.session_id])
        return format_html('<a href="{}">{}</a>', url, obj.session.title)

    @admin.display(description=_("horaire (heure de Paris)"), ordering="starts_at")
    def hours(self, obj):
        return _paris_hours(obj.starts_at, obj.ends_at)

    @admin.display(description=_("référence"), ordering="candidature__reference")
    def reference(self, obj):
        return self.get_empty_value_display() if obj.candidature is None else _reference(obj.candidature)

    @admin.display(description=_("collectivité"), ordering="candidature__territory_name")
    def territory(self, obj):
        if obj.candidature is None:
            return gettext("Créneau libre")
        return obj.candidature.territory_name

    @admin.display(description=_("convocation"))
    def convocation_state(self, obj):
        return _convocation_state(obj)


class AcknowledgementFilter(admin.SimpleListFilter):
    """Convocations whose candidate confirmed receiving the terms in force, or not yet."""

    title = _("réception confirmée")
    parameter_name = "reception"

    def lookups(self, request, model_admin):
        return (("confirmed", _("Oui")), ("waiting", _("Non")))

    def queryset(self, request, queryset):
        if self.value() == "confirmed":
            return queryset.filter(acknowledged_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(acknowledged_at__isnull=True)
        return queryset


@admin.register(Convocation)
class ConvocationAdmin(ReadOnlyAdmin):
    """What each candidature was last told, written by publishing a session only."""

    list_display = ("reference", "territory", "session", "hours", "state", "acknowledgement", "updated_at")
    list_display_links = ("reference", "territory")
    list_filter = ("session__edition", "session", "cancelled", AcknowledgementFilter)
    search_fields = ("session__title", "candidature__reference", "candidature__territory_name")
    list_select_related = ("session", "candidature")
    list_per_page = 100
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("référence"), ordering="candidature__reference")
    def reference(self, obj):
        return _reference(obj.candidature)

    @admin.display(description=_("collectivité"), ordering="candidature__territory_name")
    def territory(self, obj):
        return obj.candidature.territory_name

    @admin.display(description=_("horaire (heure de Paris)"), ordering="starts_at")
    def hours(self, obj):
        return _paris_hours(obj.starts_at, obj.ends_at)

    @admin.display(description=_("état"), ordering="cancelled")
    def state(self, obj):
        if obj.cancelled:
            return badge("bad", gettext("Annulée"))
        # Each update sent raises the calendar's SEQUENCE.
        return badge("info", gettext("Modifiée")) if obj.sequence else badge("good", gettext("Envoyée"))

    @admin.display(description=_("réception"), ordering="acknowledged_at")
    def acknowledgement(self, obj):
        if obj.acknowledged_at is None:
            return badge("muted", gettext("Non confirmée"))
        return format_html("{} {}", badge("good", gettext("Confirmée")), unbroken(_paris_datetime(obj.acknowledged_at)))
