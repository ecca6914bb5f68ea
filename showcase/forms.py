"""The laureate's form of the public project profile, in sections that answer what another territory asks."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import PROFILE_FIELDS, ProjectProfile
from .publication import publishable_documents

SECTIONS = (
    (_("Le projet en bref"), ("title", "summary")),
    (_("Ce que le projet a changé"), ("inhabitants", "results")),
    (_("Pour le reproduire ailleurs"), ("cost", "funding", "licences", "data_needed", "skills")),
    (
        _("Partenaires et contact"),
        ("partners", "website", "contact_name", "contact_role", "contact_email", "contact_phone"),
    ),
)


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, document):
        return f"{document.safe_name} — {document.get_kind_display()}, {filesizeformat(document.size)}"


class ProfileForm(forms.ModelForm):
    """Every field may stay empty while the profile is a draft: the review asks for its own (``missing_for_review``)."""

    website = forms.URLField(
        label=_("Site du projet"),
        required=False,
        assume_scheme="https",
        help_text=_("Adresse complète, commençant par https:// : la page où un visiteur en apprend davantage."),
    )

    class Meta:
        model = ProjectProfile
        fields = (*PROFILE_FIELDS, "documents")
        help_texts = {
            "title": _(
                "Le nom sous lequel une autre collectivité cherchera le projet. Indispensable pour la relecture."
            ),
            "summary": _(
                "En deux ou trois phrases, ce que fait le projet et pour qui (600 caractères au plus). "
                "Indispensable pour la relecture."
            ),
            "inhabitants": _(
                "Ce que les habitants ou les agents font autrement depuis le projet, avec un exemple concret. "
                "Ce champ ou le suivant est indispensable pour la relecture."
            ),
            "results": _(
                "Les chiffres suivis avant et après (fréquentation, économies, délais, émissions évitées), "
                "avec leur date et leur source."
            ),
            "cost": _("Investissement et fonctionnement par an, en euros HT, et le temps des agents mobilisés."),
            "funding": _(
                "Qui a payé quoi : budget de la collectivité, subventions (État, région, Europe), partenaires."
            ),
            "licences": _(
                "Sous quelle licence sont le logiciel, les documents et les données (libre, propriétaire, "
                "Licence Ouverte…), et où les trouver."
            ),
            "data_needed": _(
                "Les données dont une autre collectivité aura besoin pour refaire le projet, et d'où elles viennent."
            ),
            "skills": _(
                "Les compétences nécessaires (internes ou prestataires), le temps passé, ce qu'il faudrait savoir "
                "avant de commencer."
            ),
            "partners": _("Entreprises, associations, autres collectivités, avec leur rôle."),
            "contact_name": _("La personne qu'une autre collectivité peut appeler : son nom est publié."),
            "contact_role": _("Sa fonction dans la collectivité."),
            "contact_email": _("Publiée sur la page du projet : préférez une adresse de service."),
            "contact_phone": _("Publié sur la page du projet ; facultatif."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3, "data-counter": "true"}),
            "inhabitants": forms.Textarea(attrs={"rows": 6, "data-counter": "true"}),
            "results": forms.Textarea(attrs={"rows": 6, "data-counter": "true"}),
            "cost": forms.Textarea(attrs={"rows": 3, "data-counter": "true"}),
            "funding": forms.Textarea(attrs={"rows": 3, "data-counter": "true"}),
            "licences": forms.Textarea(attrs={"rows": 3, "data-counter": "true"}),
            "data_needed": forms.Textarea(attrs={"rows": 3, "data-counter": "true"}),
            "skills": forms.Textarea(attrs={"rows": 3, "data-counter": "true"}),
            "partners": forms.Textarea(attrs={"rows": 3, "data-counter": "true"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "documents": forms.CheckboxSelectMultiple,
        }
        field_classes = {"documents": DocumentChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            form_field.required = False
        documents = self.fields["documents"]
        documents.queryset = publishable_documents(self.instance.candidature).order_by("uploaded_at")
        documents.label = _("Images et documents à publier")
        documents.help_text = _(
            "Parmi les images (PNG, JPEG) et PDF joints à la candidature : ceux que vous choisissez sont "
            "téléchargeables sur la page publique, les images y sont montrées."
        )
        sections = [Fieldset(legend, *(Field(name) for name in names)) for legend, names in SECTIONS]
        # Without an image or a PDF among the attachments there is nothing to choose: the page says so instead.
        self.has_documents = documents.queryset.exists()
        if self.has_documents:
            sections.append(Fieldset(_("Images et documents"), Field("documents")))
        else:
            del self.fields["documents"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*sections)

    def changes(self):
        """{field: value} for ``publication.save_profile``, the documents chosen included when offered."""
        return {name: self.cleaned_data[name] for name in self.fields}
