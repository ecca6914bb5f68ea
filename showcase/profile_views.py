"""The owner's page where the public project profile is written and sent for review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import Refused
from label import consents
from label.models import Candidature

from . import publication
from .forms import ProfileForm
from .models import ProjectProfile, PublishedProject

SUBMIT = "submit"


@login_required
def edit_profile(request, pk):
    # Someone else's candidature, or one without a profile (neither laureate nor shortlisted, no consent): not
    # found, as for any other.
    candidature = get_object_or_404(Candidature.objects.owned_by(request.user).select_related("edition"), pk=pk)
    try:
        profile = publication.profile_for(candidature)
    except Refused:
        raise Http404 from None
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        sending = request.POST.get("action") == SUBMIT
        try:
            changed = publication.save_profile(profile, form.changes(), request.user)
            sent = publication.submit_for_review(profile, request.user) if sending else False
        except Refused as refusal:
            _show_refusal(form, profile, refusal)
        else:
            messages.success(request, _success_message(profile, changed, sending, sent))
            return redirect("showcase:edit_profile", pk=candidature.pk)
    return render(request, "showcase/edit_profile.html", _context(candidature, profile, form))


def _show_refusal(form, profile, refusal):
    """At each field the review still lacks, else at the field named, else above the form; nothing typed is lost."""
    missing = publication.missing_for_review(profile) if refusal.field in publication.REVIEW_NEEDS else {}
    for name, message in missing.items():
        form.add_error(name, message)
    if missing or refusal.field not in form.fields:
        form.add_error(None, refusal.message)
    else:
        form.add_error(refusal.field, refusal.message)


def _success_message(profile, changed, sending, sent):
    if sent:
        return _("Fiche envoyée en relecture : l'équipe du label la relit et vous écrit dès qu'elle est publiée.")
    if sending and profile.status == ProjectProfile.Status.SUBMITTED:
        return _("La fiche est déjà en relecture.")
    if sending and profile.status == ProjectProfile.Status.APPROVED:
        return _("La fiche publiée est à jour : il n'y a rien de nouveau à relire.")
    if changed:
        return _("Fiche enregistrée. Envoyez-la en relecture quand elle est prête à être publiée.")
    return _("Aucune modification à enregistrer.")


def _context(candidature, profile, form):
    published = PublishedProject.objects.filter(profile=profile).only("slug").first()
    return {
        "candidature": candidature,
        "profile": profile,
        "published": published,
        "form": form,
        "statuses": ProjectProfile.Status,
        "consent_text": consents.WORDINGS[consents.Purpose.PROJECT_PAGE].text,
    }
