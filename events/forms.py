from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import Event, Region, Registration
from .regions import in_french_order


class FrenchOrderIterator(ModelChoiceIterator):
    """The regions of a choice field in French dictionary order, which no database collation gives everywhere."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for region in in_french_order(self.queryset):
            yield self.choice(region)


class RegionChoiceField(forms.ModelChoiceField):
    iterator = FrenchOrderIterator

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)


class RegistrationForm(forms.ModelForm):
    # A field people never see: software that fills every field gives itself away.
    website = forms.CharField(
        label=_("Laissez ce champ vide"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Registration
        fields = ("full_name", "email", "organisation", "attendance")
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "attendance": forms.RadioSelect,
        }
        help_texts = {"organisation": _("Collectivité, entreprise, association… (facultatif)")}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if event.has_venue:
            choices.append((Registration.Attendance.ON_SITE, _("Sur place")))
        if event.has_broadcast:
            choices.append((Registration.Attendance.ONLINE, _("En ligne, sur la web TV")))
        self.fields["attendance"].choices = choices
        if len(choices) == 1:
            self.fields["attendance"].initial = choices[0][0]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "full_name",
            "email",
            "organisation",
            "attendance",
            Div("website", css_class="honeypot", aria_hidden="true"),
        )

    @property
    def is_bot(self):
        return bool(self.cleaned_data.get("website"))


class EventFilterForm(forms.Form):
    region = RegionChoiceField(label=_("Région"), required=False, empty_label=_("Toutes les régions"))
    kind = forms.ChoiceField(
        label=_("Type d'événement"), choices=[("", _("Tous les types")), *Event.Kind.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data["region"]:
            queryset = queryset.filter(region=self.cleaned_data["region"])
        if self.cleaned_data["kind"]:
            queryset = queryset.filter(kind=self.cleaned_data["kind"])
        return queryset
