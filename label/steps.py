"""The steps of the application, each an object: its form, what it still lacks, how it saves, its template."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .forms import ContactForm, CriteriaForm, DocumentForm, ProjectForm, TerritoryForm
from .models import Candidature


class Step:
    """One page of the application form."""

    template = "label/steps/fields.html"
    # The field where a refusal of the save is shown (None: above the form).
    error_field = None
    # After a save the person stays on the step (a document added) instead of moving on.
    stays = False
    # What ``missing`` names is the edition's own French text (criteria), not the interface's.
    missing_in_french = False

    def __init__(self, slug, title):
        self.slug = slug
        self.title = title

    def __str__(self):
        return str(self.title)

    def form(self, candidature, edition, data=None, files=None, complete=False):
        raise NotImplementedError

    def missing(self, candidature):
        """Labels of what this step still lacks for the candidature to be submitted."""
        return []

    def shown(self, candidature, edition):
        """What the form shows, checked when it is saved (None: nothing to check)."""
        return None

    def save(self, candidature, form, user, base):
        """Save the valid ``form``; returns what to tell the person, or None for the usual message."""
        raise NotImplementedError

    def goes_on_unsaved(self, action, files):
        """Whether "continue" may leave the step without saving it."""
        return False

    def context(self, candidature):
        return {}


class FieldsStep(Step):
    """A step made of candidature fields."""

    def __init__(self, slug, title, form_class):
        super().__init__(slug, title)
        self.form_class = form_class

    @property
    def fields(self):
        return self.form_class._meta.fields

    def form(self, candidature, edition, data=None, files=None, complete=False):
        return self.form_class(data, instance=candidature or Candidature(edition=edition), complete=complete)

    def missing(self, candidature):
        return [Candidature._meta.get_field(name).verbose_name for name in candidature.missing_fields(self.fields)]

    def shown(self, candidature, edition):
        return services.field_values(candidature, self.fields)

    def save(self, candidature, form, user, base):
        services.save_fields(candidature, {name: form.cleaned_data[name] for name in form.fields}, user, base=base)
        return None


class CriteriaStep(Step):
    """One narrative answer per criterion of the edition."""

    missing_in_french = True

    def form(self, candidature, edition, data=None, files=None, complete=False):
        answers = {answer.criterion_id: answer.text for answer in candidature.answers.all()} if candidature else {}
        return CriteriaForm(data, criteria=edition.criteria.all(), answers=answers, complete=complete)

    def missing(self, candidature):
        return [criterion.name for criterion in candidature.unanswered_criteria()]

    def shown(self, candidature, edition):
        return services.answer_values(candidature, edition.criteria.all())

    def save(self, candidature, form, user, base):
        services.save_answers(candidature, form.answers(), user, base=base)
        return None


class DocumentsStep(Step):
    """Files added one at a time, each checked by its content."""

    template = "label/steps/documents.html"
    error_field = "file"
    stays = True

    def form(self, candidature, edition, data=None, files=None, complete=False):
        return DocumentForm(data, files)

    def save(self, candidature, form, user, base):
        document = services.add_document(candidature, form.cleaned_data["file"], form.cleaned_data["kind"], user)
        return _("Document « %(name)s » ajouté.") % {"name": document.original_name}

    def goes_on_unsaved(self, action, files):
        return action == "next" and not files

    def context(self, candidature):
        return {"documents": list(candidature.documents.all()) if candidature else []}


STEPS = (
    FieldsStep("territoire", gettext_lazy("Territoire"), TerritoryForm),
    FieldsStep("projet", gettext_lazy("Projet"), ProjectForm),
    CriteriaStep("criteres", gettext_lazy("Critères")),
    DocumentsStep("documents", gettext_lazy("Documents")),
    FieldsStep("contact", gettext_lazy("Contact et engagements"), ContactForm),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
# The last page, where the candidature is checked and submitted.
RECAP = "recapitulatif"


def following(step):
    """The step after ``step``, or None after the last one."""
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def missing_for_submission(candidature):
    """[(step, label)] of what must still be filled before submitting, step by step."""
    return [(step, label) for step in STEPS for label in step.missing(candidature)]
