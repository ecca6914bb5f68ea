"""The jury's reusable querysets: who sits on a jury, what a juror may score (conflicts of interest excluded)."""

from django.db import models
from django.db.models import Exists, OuterRef


class JuryMemberQuerySet(models.QuerySet):
    def active(self):
        """Members who have not declined their invitation."""
        return self.exclude(state=self.model.State.DECLINED)


class AssignmentQuerySet(models.QuerySet):
    def without_conflicts(self):
        """Assignments whose juror has no conflict of interest declared with the candidature."""
        from .models import ConflictOfInterest

        conflicted = ConflictOfInterest.objects.filter(juror=OuterRef("juror"), candidature=OuterRef("candidature"))
        return self.exclude(Exists(conflicted))

    def for_juror(self, user):
        """The juror's assignments while a member of the jury, conflicts of interest excluded, once for every view."""
        from .models import JuryMember

        if not user.is_authenticated:
            return self.none()
        member = JuryMember.objects.active().filter(jury=OuterRef("jury"), user=OuterRef("juror"))
        return self.filter(Exists(member), juror=user).without_conflicts()


def candidatures_assigned_to(user):
    """Candidature ids a juror may read (hooked into label's ``visible_to``)."""
    from .models import Assignment

    return Assignment.objects.for_juror(user).values("candidature_id")
