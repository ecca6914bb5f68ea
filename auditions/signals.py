from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from label.signals import status_changed

from .models import Assignment, ConflictOfInterest, Slot


@receiver(post_save, sender=ConflictOfInterest, dispatch_uid="auditions.conflict_withdraws_assignment")
def withdraw_conflicted_assignment(sender, instance, **kwargs):
    """However a conflict is recorded (juror, organiser, admin), the pair's assignment goes."""
    Assignment.objects.filter(juror_id=instance.juror_id, candidature_id=instance.candidature_id).delete()


@receiver(status_changed, dispatch_uid="auditions.shortlisted_asks_availability")
def ask_availability_when_shortlisted(sender, candidature, transition, **kwargs):
    if transition.target == "shortlisted":
        from .convocations import request_availability

        request_availability(candidature)


@receiver(pre_delete, sender=Slot, dispatch_uid="auditions.deleted_slot_cancels_convocation")
def cancel_deleted_slot(sender, instance, **kwargs):
    from .convocations import cancel_slot

    cancel_slot(instance)
