"""What every page needs to know about the jury: whether to show the "Espace jury" link."""

from django.utils.functional import SimpleLazyObject

from .models import JuryMember


def jury_space(request):
    """Staff always see the link; others only when they belong to a jury (one query, only if a template asks)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show_jury_space": False}
    if user.is_staff:
        return {"show_jury_space": True}
    member = JuryMember.objects.active().filter(user=user)
    return {"show_jury_space": SimpleLazyObject(member.exists)}
