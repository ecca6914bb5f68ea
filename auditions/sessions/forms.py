"""A candidate's answer for an audition session, and the Paris wall-clock times it and the pages show."""

from datetime import UTC

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.clock import in_paris
from core.templatetags.paris_time import paris_time

from .services import time_ranges

YES, NO = "yes", "no"


def wall_clock(value, with_season=False):
    """ "14:00" in Paris time; "02:30 (heure d'hiver)" inside a session that spans a clock change."""
    text = paris_time(value)
    if not with_season:
        return text
    if in_paris(value).dst():
        return _("%(time)s (heure d'été)") % {"time": text}
    return _("%(time)s (heure d'hiver)") % {"time": text}


def _range_key(start):
    return start.astimezone(UTC).isoformat()


class SessionAnswerForm(forms.Form):
    """One candidature's answer for one session: can it attend, and within which hour ranges."""

    available = forms.ChoiceField(
        label=gettext_lazy("Pouvez-vous participer à cette session ?"),
        choices=[(YES, gettext_lazy("Je peux participer")), (NO, gettext_lazy("Je ne peux pas"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": gettext_lazy("Indiquez si vous pouvez participer à cette session.")},
    )
    ranges = forms.MultipleChoiceField(
        label=gettext_lazy("Plages horaires"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Cette plage horaire ne fait pas partie de la session : cochez l'une des plages proposées."
            ),
            "invalid_list": gettext_lazy("Cochez l'une des plages horaires proposées."),
        },
    )

    def __init__(self, *args, session, availability=None, **kwargs):
        self.session = session
        with_season = session.spans_clock_change()
        self.time_ranges = {_range_key(start): (start, end) for start, end in time_ranges(session)}
        if availability is not None:
            chosen = {_range_key(start) for start, _end in availability.ticked_ranges()}
            kwargs["initial"] = {
                "available": YES if availability.available else NO,
                "ranges": [key for key in self.time_ranges if key in chosen],
            }
        super().__init__(*args, **kwargs)
        self.fields["ranges"].choices = [
            (key, f"{wall_clock(start, with_season)} – {wall_clock(end, with_season)}")
            for key, (start, end) in self.time_ranges.items()
        ]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "class": "form-check-input is-invalid",
                        "aria-invalid": "true",
                        "aria-describedby": f"{self[name].auto_id}-error",
                    }
                )

    def answer(self):
        """(available, [(start, end), …]) as ``save_availability`` takes it; no range ticked = the whole session."""
        available = self.cleaned_data["available"] == YES
        ranges = [self.time_ranges[key] for key in self.cleaned_data["ranges"]] if available else []
        return available, ranges
