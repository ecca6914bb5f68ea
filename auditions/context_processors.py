"""What every page needs to know about the jury: whether to show the "Espace jury" link."""

from .models import JuryMember


def jury_space(request):
    """Staff always see the link; others only when they belong to a jury (one cheap query, only when asked)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show_jury_space": False}
    if user.is_staff:
        return {"show_jury_space": True}
    answer = []

    def show_jury_space():
        if not answer:
            answer.append(JuryMember.objects.filter(user=user).exclude(state=JuryMember.State.DECLINED).exists())
        return answer[0]

    return {"show_jury_space": show_jury_space}
