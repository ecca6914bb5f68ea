"""The call's rules page costs the same queries however long the rules are and however many calls there are."""

import pytest
from django.urls import reverse

from tests.label.factories import CriterionFactory, EditionFactory

pytestmark = pytest.mark.django_db


def rules(paragraphs):
    return "\n\n".join(["## Article 1 – Objet"] + [f"Paragraphe {n} du règlement." for n in range(paragraphs)])


def test_the_rules_page_costs_the_same_with_one_and_many_paragraphs_criteria_and_calls(client, count_queries):
    short = EditionFactory(rules_text=rules(1))
    CriterionFactory(edition=short)
    long = EditionFactory(rules_text=rules(200))
    for _ in range(12):
        CriterionFactory(edition=long)
    for _ in range(15):
        EditionFactory(rules_text=rules(3))

    at_one = count_queries(client, reverse("label:rules", kwargs={"edition": short.slug}))
    at_many = count_queries(client, reverse("label:rules", kwargs={"edition": long.slug}))

    assert at_one == at_many
    assert (
        "Paragraphe 199 du règlement."
        in client.get(reverse("label:rules", kwargs={"edition": long.slug})).content.decode()
    )
