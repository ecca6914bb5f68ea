"""What the jury adds to the rooms below it, which never import this one; imported by the app's ``ready()``."""

from accounts.second_factor import roles_requiring
from label.admin import candidature_audit_children
from label.queries import register_reader

from .queries import candidatures_assigned_to

# Jurors read the dossiers assigned to them (the ``label.queries.register_reader`` hook).
register_reader(candidatures_assigned_to)


@roles_requiring.register
def _juror(user):
    """Jurors pass a second factor at every login, whatever page they open first (dossiers, documents)."""
    from .models import JuryMember

    return JuryMember.objects.filter(user=user).exclude(state=JuryMember.State.DECLINED).exists() or None


@candidature_audit_children.register
def _jury_rows_of_a_candidature():
    """A candidature's "Historique" in the admin also shows its conflicts, assignments and evaluations."""
    from .models import Assignment, ConflictOfInterest, Evaluation

    return tuple((model._meta.label, "candidature") for model in (ConflictOfInterest, Assignment, Evaluation))
