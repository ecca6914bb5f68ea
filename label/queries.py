from django.db import models
from django.db.models import Count


def _is_organiser(user):
    from accounts.roles import is_organiser

    return is_organiser(user)


class CandidatureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may read: organisers everything, a candidate their own."""
        if not user.is_authenticated:
            return self.none()
        if _is_organiser(user):
            return self
        return self.filter(owner=user)

    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def for_listing(self):
        return self.select_related("edition", "region").annotate(document_count=Count("documents", distinct=True))


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .models import Candidature

        return self.filter(candidature__in=Candidature.objects.visible_to(user).values("pk"))
