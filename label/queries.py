from django.db import models
from django.db.models import Case, CharField, Count, F, IntegerField, Q, TextField, Value, When

from core.hooks import Hook

# The hook through which higher rooms grant read access: ``user -> queryset of candidature ids`` (the jury's dossiers).
readers = Hook()
register_reader = readers.register


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
        granted = Q(owner=user)
        for reader in readers:
            granted |= Q(pk__in=reader(user))
        return self.filter(granted)

    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def for_listing(self):
        return self.select_related("edition", "region").annotate(document_count=Count("documents", distinct=True))

    def as_published(self):
        """What a public page may show of each candidature: ``public_title`` and ``public_summary``, empty
        unless its publication is agreed to (``consent_publication``).

        The fields themselves are deferred: a public page reading them costs a query per row, and fails its
        query-count test.
        """
        agreed = Q(consent_publication=True)
        return self.annotate(
            public_title=Case(When(agreed, then=F("project_title")), default=Value(""), output_field=CharField()),
            public_summary=Case(When(agreed, then=F("summary")), default=Value(""), output_field=TextField()),
        ).defer("project_title", "summary", "description")


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .models import Candidature

        return self.filter(candidature__in=Candidature.objects.visible_to(user).values("pk"))


def ordered_laureates(queryset):
    """Laureates of ``queryset`` as the public sees them (``as_published``), Or, Argent then Bronze, each level by
    territory name."""
    # label.models imports this module, so its enums are read at call time.
    from .models import Level, Status

    level_order = Case(
        *(When(outcome_level=level, then=Value(position)) for position, level in enumerate(Level.values)),
        default=Value(len(Level.values)),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(status=Status.LAUREATE)
        .as_published()
        .select_related("region")
        .annotate(level_order=level_order)
        .order_by("level_order", "territory_name", "pk")
    )
