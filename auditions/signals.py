from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Assignment, ConflictOfInterest


@receiver(post_save, sender=ConflictOfInterest, dispatch_uid="auditions.conflict_withdraws_assignment")
def withdraw_conflicted_assignment(sender, instance, **kwargs):
    """However a conflict is recorded (juror, organiser, admin), the pair's assignment goes."""
    Assignment.objects.filter(juror_id=instance.juror_id, candidature_id=instance.candidature_id).delete()
