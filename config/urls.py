from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.pages import public_page
from label import views as label_views
from notifications.views import healthz
from privacy.pages import PrivacyPage

from .views import switch_language

admin.site.site_header = _("Label Territoire Innovant — administration")
admin.site.site_title = _("Label Territoire Innovant")
admin.site.index_title = _("Pilotage du label")

urlpatterns = [
    path("", label_views.home, name="home"),
    path(
        "accessibilite/",
        public_page(TemplateView.as_view(template_name="pages/accessibility.html")),
        name="accessibility",
    ),
    path(
        "donnees-personnelles/",
        public_page(PrivacyPage.as_view()),
        name="privacy",
    ),
    path("compte/mes-donnees/", include("privacy.urls")),
    path("compte/", include("accounts.urls")),
    path("i18n/setlang/", switch_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("organisation/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("api.feed_urls")),
    path("", include("showcase.urls")),
    path("", include("label.urls")),
    path("", include("events.urls")),
    path("", include("auditions.jury.urls")),
    path("", include("auditions.sessions.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
