"""The forms of the application steps; ``label.steps`` puts each in its step."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.upload_handlers import LimitedFileField
from events.forms import RegionChoiceField

from . import consents
from .models import REQUIRED_TO_SUBMIT, Candidature, DocumentKind, Theme


def in_french(text):
    """Text of the edition (a criterion's name, its guidance) marked as French, whatever the page's language."""
    return format_html('<span lang="fr">{}</span>', text) if text else ""


class DraftForm:
    """What the submission requires is marked required (asterisk, ``required``) from the first display.

    A draft may still leave it blank: only ``complete=True`` (continue, or any save after the submission)
    enforces it.
    """

    complete = False

    def full_clean(self):
        if self.complete:
            super().full_clean()
            return
        marked = [form_field for form_field in self.fields.values() if form_field.required]
        for form_field in marked:
            form_field.required = False
        try:
            super().full_clean()
        finally:
            for form_field in marked:
                form_field.required = True


class StepForm(DraftForm, forms.ModelForm):
    """A page of candidature fields; those the submission requires are marked as such (see ``DraftForm``)."""

    def __init__(self, *args, complete=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.complete = complete
        for name, form_field in self.fields.items():
            form_field.required = name in REQUIRED_TO_SUBMIT
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class TerritoryForm(StepForm):
    population = forms.IntegerField(
        label=_("Population"),
        min_value=1,
        required=False,
        help_text=_("Nombre d'habitants du territoire concerné (dernier recensement)."),
        error_messages={"min_value": _("Indiquez un nombre d'habitants supérieur à zéro.")},
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    )

    class Meta:
        model = Candidature
        fields = ("territory_name", "territory_kind", "region", "population")
        labels = {"territory_name": _("Nom de la collectivité ou de l'organisme public")}
        field_classes = {"region": RegionChoiceField}


class ProjectForm(StepForm):
    website = forms.URLField(
        label=_("Site du projet"),
        required=False,
        assume_scheme="https",
        help_text=_("Adresse complète, commençant par https://"),
    )

    class Meta:
        model = Candidature
        fields = (
            "project_title",
            "summary",
            "theme",
            "description",
            "stage",
            "started_on",
            "ends_on",
            "budget",
            "partners",
            "website",
        )
        help_texts = {
            "summary": _("En quelques phrases, ce que fait le projet et pour qui (600 caractères au plus)."),
            "description": _("Le contexte, les objectifs, la réalisation et les premiers résultats."),
            "partners": _("Entreprises, associations, autres collectivités, avec leur rôle."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4, "data-counter": "true"}),
            "description": forms.Textarea(attrs={"rows": 10, "data-counter": "true"}),
            "partners": forms.Textarea(attrs={"rows": 3}),
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "budget": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        theme = self.fields["theme"]
        # The themes offered now, and the one already chosen if organisers have since retired it.
        theme.queryset = Theme.objects.filter(Q(active=True) | Q(pk=self.instance.theme_id))
        theme.empty_label = _("— Choisissez un thème —")
        theme.help_text = _(
            "Le thème qui décrit le mieux le projet : il sert à le retrouver dans le catalogue des projets labellisés."
        )

    def clean(self):
        cleaned = super().clean()
        started, ends = cleaned.get("started_on"), cleaned.get("ends_on")
        if started and ends and ends < started:
            self.add_error("ends_on", _("La date de fin doit suivre la date de début."))
        budget = cleaned.get("budget")
        if budget is not None and budget < 0:
            self.add_error("budget", _("Le budget ne peut pas être négatif."))
        return cleaned


class ContactForm(StepForm):
    class Meta:
        model = Candidature
        fields = (
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
            "consent_rules",
            "consent_publication",
        )
        # The very words each consent is recorded with.
        labels = {name: consents.WORDINGS[purpose].text for name, purpose in consents.FIELDS.items()}
        widgets = {
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = self.instance.edition.rules_link()
        if rules:
            # Beside the label rather than in it: the error summary repeats labels inside its own links.
            self.fields["consent_rules"].help_text = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                rules,
                _("Lire le règlement de l'appel (nouvel onglet)"),
            )


class CriteriaForm(DraftForm, forms.Form):
    """One narrative answer per criterion of the candidature's edition."""

    def __init__(self, *args, criteria=(), answers=None, complete=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.complete = complete
        answers = answers or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[self.field_name(criterion)] = forms.CharField(
                label=in_french(criterion.name),
                help_text=in_french(criterion.guidance),
                required=True,
                max_length=4000,
                initial=answers.get(criterion.pk, ""),
                widget=forms.Textarea(attrs={"rows": 6, "data-counter": "true"}),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    @staticmethod
    def field_name(criterion):
        return criterion.answer_key

    def answers(self):
        return {criterion: self.cleaned_data.get(self.field_name(criterion), "") for criterion in self.criteria}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature du document"), choices=DocumentKind.choices)
    file = LimitedFileField(
        label=_("Fichier"),
        help_text=_("PDF, PNG, JPEG, ODT, ODP, DOCX ou PPTX ; 10 Mo au plus ; 5 documents au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.odt,.odp,.docx,.pptx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
