"""Every transition of the workflow, fired through ``services.fire``, tells other apps through ``status_changed``."""

import pytest

from label import services, workflow
from label.models import Candidature, HistoryEntry, Level, Status
from label.signals import status_changed
from tests.factories import OrganiserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """What ``status_changed`` said, in order: (candidature, transition's name, from, to, history entry)."""
    said = []

    def listen(sender, candidature, transition, entry, **kwargs):
        said.append((sender, candidature.pk, transition.name, entry.from_status, entry.to_status, entry.pk))

    status_changed.connect(listen, dispatch_uid="tests.label.transitions")
    yield said
    status_changed.disconnect(dispatch_uid="tests.label.transitions")


def firer(transition, candidature):
    """Someone the workflow lets fire ``transition``: the owner when they may, else an organiser."""
    if workflow.OWNER in transition.roles:
        return candidature.owner
    return OrganiserFactory()


FIRINGS = [(name, source) for name, transition in workflow.TRANSITIONS.items() for source in transition.sources]


@pytest.mark.parametrize(("name", "source"), FIRINGS, ids=[f"{name}-from-{source}" for name, source in FIRINGS])
def test_every_transition_sends_status_changed(heard, name, source):
    transition = workflow.TRANSITIONS[name]
    edition = EditionFactory()
    CriterionFactory(edition=edition)
    candidature = answer_all(CandidatureFactory(edition=edition, status=source))
    user = firer(transition, candidature)
    level = Level.GOLD if transition.target == Status.LAUREATE else ""

    services.fire(candidature, name, user, level=level)

    entry = HistoryEntry.objects.get(candidature=candidature, action=HistoryEntry.Action.STATUS)
    assert heard == [(Candidature, candidature.pk, name, source, transition.target, entry.pk)]
