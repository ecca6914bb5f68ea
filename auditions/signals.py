from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from label.signals import status_changed

from .models import Assignment, AuditionSession, ConflictOfInterest


@receiver(post_save, sender=ConflictOfInterest, dispatch_uid="auditions.conflict_withdraws_assignment")
def withdraw_conflicted_assignment(sender, instance, **kwargs):
    """However a conflict is recorded (juror, organiser, admin), the pair's assignment goes."""
    Assignment.objects.filter(juror_id=instance.juror_id, candidature_id=instance.candidature_id).delete()


@receiver(status_changed, dispatch_uid="auditions.shortlisted_asks_availability")
def ask_availability_when_shortlisted(sender, candidature, transition, **kwargs):
    if transition.target == "shortlisted":
        from .convocations import request_availability

        request_availability(candidature)


@receiver(pre_delete, sender=AuditionSession, dispatch_uid="auditions.deleted_session_cancels_convocations")
def cancel_deleted_session(sender, instance, **kwargs):
    """A deleted slot waits for the next publication; a deleted session has none, so its candidates hear now."""
    from .convocations import cancel_session

    cancel_session(instance)
