from django.db import models
from django.db.models import Exists, OuterRef


class ConflictQuerySet(models.QuerySet):
    def for_pair(self, juror, candidature_field="candidature"):
        """A subquery: a conflict exists between ``juror`` and the outer row's candidature."""
        return self.filter(juror=juror, candidature=OuterRef(candidature_field))


class AssignmentQuerySet(models.QuerySet):
    def for_juror(self, user):
        """The juror's assignments while a member of the jury, conflicts of interest excluded, once for every view."""
        from .models import ConflictOfInterest, JuryMember

        if not user.is_authenticated:
            return self.none()
        conflicted = ConflictOfInterest.objects.filter(juror=OuterRef("juror"), candidature=OuterRef("candidature"))
        member = JuryMember.objects.filter(jury=OuterRef("jury"), user=OuterRef("juror")).exclude(
            state=JuryMember.State.DECLINED
        )
        return self.filter(Exists(member), juror=user).exclude(Exists(conflicted))

    def with_progress(self):
        return self.select_related("evaluation")


def candidatures_assigned_to(user):
    """Candidature ids a juror may read (hooked into label's ``visible_to``)."""
    from .models import Assignment

    return Assignment.objects.for_juror(user).values("candidature_id")
