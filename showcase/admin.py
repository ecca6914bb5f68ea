"""The organisers' review of the laureates' public profiles, and the list of what is published.

Both are read, never edited, in the admin: a profile is the laureate's writing, which an organiser approves and
publishes or returns with a comment (the actions below, also the buttons of its page, through
``showcase.publication``); a published project is the copy the public reads. The theme is corrected on the
candidature's page.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_organiser
from audit.admin import AuditedAdmin, ask_reason
from core.admin_cells import badge, clipped
from core.read_only_admin import ReadOnlyAdmin
from label.feedback import report_refused

from . import publication
from .models import PROFILE_FIELDS, ProjectProfile, PublishedProject

STATUS_TONES = {
    ProjectProfile.Status.DRAFT: "muted",
    ProjectProfile.Status.SUBMITTED: "progress",
    ProjectProfile.Status.APPROVED: "good",
    ProjectProfile.Status.RETURNED: "bad",
}


class ReadByOrganisers(ReadOnlyAdmin):
    """What organisers read and nobody edits here, superusers included."""

    def has_module_permission(self, request):
        return is_organiser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)


def _public_link(published):
    if not published.candidature.consent_publication:
        return gettext("retiré (accord de publication retiré)")
    url = reverse("showcase:project", args=[published.slug])
    return format_html('<a href="{}">{}</a>', url, gettext("Voir la page publique"))


@admin.register(ProjectProfile)
class ProjectProfileAdmin(ReadByOrganisers, AuditedAdmin):
    list_display = ("project", "territory", "edition", "theme", "status_badge", "submitted_at", "reviewed_at")
    list_filter = ("status", "candidature__edition", "candidature__theme")
    search_fields = ("title", "candidature__territory_name", "candidature__reference")
    date_hierarchy = "submitted_at"
    actions = ["approve_profiles", "return_profiles"]
    fieldsets = (
        (None, {"fields": ("candidature_link", "status", "public_page", "review_comment", "submitted_at")}),
        (_("Ce que la page publique dira"), {"fields": PROFILE_FIELDS}),
        (_("Images et documents publiés"), {"fields": ("document_links",)}),
        (_("Relecture"), {"fields": ("reviewed_at", "reviewed_by", "slug", "created_at", "updated_at")}),
    )
    readonly_fields = ("candidature_link", "public_page", "document_links")

    def get_queryset(self, request):
        # The list and the page read these; a queryset already joined makes the list skip ``list_select_related``.
        related = ("candidature__edition", "candidature__theme", "published__candidature")
        return super().get_queryset(request).select_related(*related)

    def has_review_permission(self, request):
        return is_organiser(request.user)

    @admin.display(description=_("projet"), ordering="title")
    def project(self, obj):
        return clipped(obj.title) if obj.title else self.get_empty_value_display()

    @admin.display(description=_("collectivité"), ordering="candidature__territory_name")
    def territory(self, obj):
        return obj.candidature.territory_name

    @admin.display(description=_("édition"), ordering="candidature__edition__year")
    def edition(self, obj):
        return obj.candidature.edition.name

    @admin.display(description=_("thème"))
    def theme(self, obj):
        return obj.candidature.theme or self.get_empty_value_display()

    @admin.display(description=_("état"), ordering="status")
    def status_badge(self, obj):
        return badge(STATUS_TONES[obj.status], obj.get_status_display())

    @admin.display(description=_("candidature"))
    def candidature_link(self, obj):
        url = reverse("admin:label_candidature_change", args=[obj.candidature_id])
        return format_html('<a href="{}">{}</a>', url, obj.candidature)

    @admin.display(description=_("page publique"))
    def public_page(self, obj):
        published = getattr(obj, "published", None)
        if published is None:
            return gettext("pas encore publiée")
        return _public_link(published)

    @admin.display(description=_("documents choisis"))
    def document_links(self, obj):
        documents = list(obj.documents.all())
        if not documents:
            return self.get_empty_value_display()
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                ((reverse("label:download", args=[doc.pk]), doc.safe_name, doc.content_type) for doc in documents),
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"review_actions_url": reverse("admin:showcase_projectprofile_changelist"), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=context)

    @admin.action(description=_("Approuver et publier"), permissions=["review"])
    def approve_profiles(self, request, queryset):
        outcome = publication.approve_many(queryset, request.user)
        if outcome.done:
            count = len(outcome.done)
            self.message_user(
                request,
                ngettext(
                    "%(count)d fiche publiée ; la collectivité est prévenue par courriel.",
                    "%(count)d fiches publiées ; chaque collectivité est prévenue par courriel.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        report_refused(request, outcome)

    @admin.action(description=_("Renvoyer avec un commentaire"), permissions=["review"])
    def return_profiles(self, request, queryset):
        comment = ask_reason(
            self,
            request,
            queryset,
            "return_profiles",
            gettext("Renvoyer avec un commentaire"),
            gettext(
                "Dites à la collectivité ce qu'elle doit reprendre avant la publication : ce commentaire lui est "
                "envoyé par courriel, s'affiche sur sa fiche et est gardé dans le journal d'audit."
            ),
        )
        if not isinstance(comment, str):
            return comment
        outcome = publication.return_many(queryset, request.user, comment)
        if outcome.done:
            count = len(outcome.done)
            self.message_user(
                request,
                ngettext(
                    "%(count)d fiche renvoyée ; la collectivité reçoit votre commentaire par courriel.",
                    "%(count)d fiches renvoyées ; chaque collectivité reçoit votre commentaire par courriel.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        report_refused(request, outcome)


@admin.register(PublishedProject)
class PublishedProjectAdmin(ReadByOrganisers):
    list_display = ("project", "territory_name", "year", "region", "level", "theme", "published_at", "public_page")
    list_filter = ("year", ("region", admin.RelatedOnlyFieldListFilter), "level", "theme", "distinction")
    list_select_related = ("region", "theme", "candidature")
    search_fields = ("title", "territory_name", "slug")
    date_hierarchy = "published_at"
    fieldsets = (
        (None, {"fields": ("public_page", "slug", "profile", "candidature", "published_at", "updated_at")}),
        (
            _("Ce que le catalogue filtre"),
            {
                "fields": (
                    "edition",
                    "year",
                    "region",
                    "territory_name",
                    "territory_kind",
                    "level",
                    "distinction",
                    "theme",
                )
            },
        ),
        (_("Ce que la page publique dit"), {"fields": (*PROFILE_FIELDS, "documents")}),
    )
    readonly_fields = ("public_page",)

    @admin.display(description=_("projet"), ordering="title")
    def project(self, obj):
        return clipped(obj.title)

    @admin.display(description=_("page publique"))
    def public_page(self, obj):
        return _public_link(obj)
