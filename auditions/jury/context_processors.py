"""What every page needs to know about the jury: whether to show the "Espace jury" link."""

from django.utils.functional import SimpleLazyObject

from .models import JuryMember


def jury_space(request):
    """Only members of a jury see the link, staff included (one query, only if a template asks).

    Organisers who sit on no jury reach the ranking from their own links (dashboard, "Classement", admin).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show_jury_space": False}
    member = JuryMember.objects.active().filter(user=user)
    return {"show_jury_space": SimpleLazyObject(member.exists)}
