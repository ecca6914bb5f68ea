"""The catalogue of labelled projects: what the public may read, its filters and search, the home page's latest.

A published project is public only while its candidature keeps the publication consent: every public
queryset starts from ``public_projects()``.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from events.forms import RegionChoiceField
from label.home_blocks import Block
from label.models import Level, TerritoryKind, Theme

from . import search
from .models import PublishedProject

LATEST = 6
SEARCH_MAX_LENGTH = 200


def public_projects():
    return PublishedProject.objects.public().select_related("region", "edition", "theme")


def public_years():
    """The years that have a public project, the latest first."""
    return list(PublishedProject.objects.public().order_by("-year").values_list("year", flat=True).distinct())


class CatalogueFilters(forms.Form):
    """The catalogue's GET parameters; their French names are the shareable address."""

    q = forms.CharField(
        label=_("Rechercher un projet"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        help_text=_("Un mot ou une expression, avec ou sans accents : « éclairage », « données ouvertes »…"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    annee = forms.TypedChoiceField(label=_("Année"), coerce=int, required=False, empty_value=None)
    region = RegionChoiceField(
        label=_("Région"), required=False, empty_label=_("Toutes les régions"), to_field_name="code"
    )
    niveau = forms.ChoiceField(
        label=_("Niveau du label"), choices=[("", _("Tous les niveaux")), *Level.choices], required=False
    )
    type = forms.ChoiceField(
        label=_("Type de collectivité"), choices=[("", _("Tous les types")), *TerritoryKind.choices], required=False
    )
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Tous les thèmes"),
    )
    distinction = forms.ChoiceField(
        label=_("Distinction"),
        choices=[("", _("Toutes les distinctions")), *PublishedProject.Distinction.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = public_years()
        # A year without public project yet (a link from its laureates' page) is an empty result, not an error.
        asked = self.data.get("annee", "")
        if asked.isdigit() and len(asked) == 4 and int(asked) not in years:
            years = sorted([*years, int(asked)], reverse=True)
        self.fields["annee"].choices = [("", _("Toutes les années")), *((year, year) for year in years)]
        self.query = ""
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def filter(self, queryset):
        """``queryset`` narrowed by each valid parameter; an invalid one is left out (its error shows at it)."""
        self.is_valid()
        data = self.cleaned_data
        lookups = {
            "year": data.get("annee"),
            "region": data.get("region"),
            "level": data.get("niveau"),
            "territory_kind": data.get("type"),
            "theme": data.get("theme"),
            "distinction": data.get("distinction"),
        }
        queryset = queryset.filter(**{name: value for name, value in lookups.items() if value})
        self.query = data.get("q", "").strip()
        return search.search(queryset, self.query) if self.query else queryset.order_by(*search.NEWEST)


def filtered(params):
    """(the form read from ``params``, the public projects it selects: the best first when searching, else
    the newest)."""
    form = CatalogueFilters(params)
    return form, form.filter(public_projects())


def latest_block():
    """The home page's block of the latest published projects; None while there is none."""
    projects = list(public_projects().order_by("-published_at", "-pk")[:LATEST])
    if not projects:
        return None
    return Block("showcase/_latest.html", {"projects": projects}, order=110)
