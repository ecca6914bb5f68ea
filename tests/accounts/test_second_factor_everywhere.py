"""Every page of the admin, the jury's space and the organisers' dashboard, read from the URLconf, is closed to an
organiser or a juror who gave the right password but no second factor: GET and POST alike lead to its set-up, or
to the code when the account has one."""

import itertools
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.urls.exceptions import NoReverseMatch
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, OrganiserFactory
from tests.jury.factories import JuryMemberFactory

pytestmark = pytest.mark.django_db

PROTECTED_PREFIXES = ("/admin/", "/jury/", "/organisation/")
VERIFY = reverse("accounts:second_factor_verify")
ENROL = reverse("accounts:second_factor_enrol")
# Pages a half-logged-in session must still reach: leaving.
OPEN_PAGES = {reverse("admin:logout")}
# Values tried for a path parameter that is not a number: an object id, an app's label, a word.
TEXT_VALUES = ("1", "label", "x")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _patterns(patterns, namespace=""):
    """Every URL pattern under ``patterns`` with its namespaced name (None when unnamed)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        else:
            yield pattern, f"{namespace}{pattern.name}" if pattern.name else None


def _parameters(pattern):
    """The pattern's path parameters and the values to try for each."""
    converters = getattr(pattern.pattern, "converters", {})
    names = list(converters) or list(re.compile(pattern.pattern.regex.pattern).groupindex)
    return {name: ("1",) if isinstance(converters.get(name), IntConverter) else TEXT_VALUES for name in names}


def _url(pattern, name):
    """A URL the pattern answers, its parameters filled with dummy values (the first combination that resolves)."""
    if name is None:
        return None
    parameters = _parameters(pattern)
    for values in itertools.product(*parameters.values()):
        try:
            return reverse(name, kwargs=dict(zip(parameters, values, strict=True)))
        except NoReverseMatch:
            continue
    return None


def protected_urls():
    """Every named page under the protected prefixes, plus one the admin's catch-all answers."""
    urls = {_url(pattern, name) for pattern, name in _patterns(get_resolver().url_patterns)}
    urls = {url for url in urls if url and url.startswith(PROTECTED_PREFIXES)} - OPEN_PAGES
    return sorted(urls | {"/admin/inconnue/"})


def logged_in_with_password(user):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def answers(client, urls):
    """What each URL answers to a GET and to a POST: the status and where it leads."""
    found = {}
    for url, method in itertools.product(urls, ("get", "post")):
        response = getattr(client, method)(url)
        found[(method, url)] = (response.status_code, response.get("Location", "").split("?")[0])
    return found


def test_the_walk_covers_every_protected_room():
    urls = protected_urls()
    for url in urls:
        resolve(url)
    assert len(urls) > 150
    assert {"/admin/", "/admin/label/candidature/1/change/", "/jury/dossiers/1/", "/organisation/"} <= set(urls)


@pytest.mark.parametrize("who", ["organiser", "juror"])
def test_with_the_password_alone_every_protected_page_leads_to_the_set_up(who):
    person = OrganiserFactory() if who == "organiser" else JuryMemberFactory().user
    urls = protected_urls()
    found = answers(logged_in_with_password(person), urls)
    assert found == {key: (302, ENROL) for key in found}


@pytest.mark.parametrize("who", ["organiser", "juror"])
def test_with_the_password_alone_every_protected_page_leads_to_the_code_once_there_is_a_second_factor(who):
    person = OrganiserFactory() if who == "organiser" else JuryMemberFactory().user
    TOTPDevice.objects.create(user=person, name="application", confirmed=True)
    urls = protected_urls()
    found = answers(logged_in_with_password(person), urls)
    assert found == {key: (302, VERIFY) for key in found}
