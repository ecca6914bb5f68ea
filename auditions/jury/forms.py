"""The juror's forms: scoring a dossier, declaring a conflict of interest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ConflictOfInterest, Evaluation


def criterion_field_name(criterion_pk):
    return f"critere-{criterion_pk}"


class ScoreRadioSelect(forms.RadioSelect):
    """Radios whose field points at its first option, so the error summary can link to the group."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


class ScoringForm(forms.Form):
    """One radio group per criterion on its own scale, and a comment; blanks allowed (drafts)."""

    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=Evaluation._meta.get_field("comment").max_length,
        help_text=_("Vos remarques sur le dossier, lues par l'équipe du label."),
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control", "data-counter": ""}),
    )

    def __init__(self, *args, criteria, evaluation=None, **kwargs):
        self.criteria = list(criteria)
        if evaluation is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "comment": evaluation.comment,
                **{criterion_field_name(score.criterion_id): score.value for score in evaluation.scores.all()},
            }
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for criterion in self.criteria:
            self.fields[criterion_field_name(criterion.pk)] = forms.TypedChoiceField(
                label=criterion.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[(value, str(value)) for value in range(criterion.scale_min, criterion.scale_max + 1)],
                widget=ScoreRadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"invalid_choice": _("Choisissez une note de l'échelle proposée.")},
            )
        self.fields["comment"] = comment

    def criterion_fields(self):
        """(criterion, bound field) pairs in the criteria's order, for the template."""
        return [(criterion, self[criterion_field_name(criterion.pk)]) for criterion in self.criteria]

    def values(self):
        """The scores as ``save_evaluation`` takes them: {criterion pk: int or None}."""
        return {criterion.pk: self.cleaned_data.get(criterion_field_name(criterion.pk)) for criterion in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison (facultatif)"),
        required=False,
        max_length=ConflictOfInterest._meta.get_field("reason").max_length,
    )
