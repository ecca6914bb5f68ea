"""Headless Chromium: each persona walks the pages they use, on a desktop (1280×800) and a phone (375×812), the
public pages and the application's steps also at 320 px.

On every page: nothing wider than the window (no scrolling sideways). From 992 px: no item of the navigation
breaks over two lines. axe-core finds no serious or critical issue on the error pages nor in the header, in French
and in English. Each page is photographed under /tmp/shots/walk-*.png, to be looked at.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, override_settings
from playwright.sync_api import expect

from accounts.models import User
from auditions.sessions.models import AuditionSession
from demo.people import PASSWORD as DEMO_PASSWORD
from events.models import Event
from label.models import Candidature, Edition, Status
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import AXE_PATH, axe_violations
from tests.demo.seeding import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# WCAG's reflow: 320 CSS px (1280 px zoomed to 400 %), for the public pages and the application's steps.
REFLOW = {"width": 320, "height": 640}
# The narrowest window with the navigation laid out in a row: it must fit there too.
NARROWEST_ROW = {"width": 992, "height": 800}
DEMO_DOMAIN = "label-demo.example"

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# Each visible item of the navigation, with its number of lines (its height over its line height).
NAV_ITEMS = """() => [...document.querySelectorAll('.site-nav .nav-link, .site-nav .btn')]
  .filter((item) => item.getClientRects().length && getComputedStyle(item).visibility !== 'hidden')
  .map((item) => {
    const style = getComputedStyle(item);
    const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
    const text = item.innerText.trim().replace(/\\s+/g, ' ');
    return [text, (item.getBoundingClientRect().height - padding - borders) / lineHeight];
  })"""

# The ring of the focused element; #0a76f6 keeps 4.2:1 against white, more than the 3:1 asked of a focus indicator.
FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor};
}"""
RING_COLOUR = "rgb(10, 118, 246)"


def header_violations(page):
    """axe-core's serious and critical WCAG 2.1 A/AA issues within the header only (the navigation)."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        """() => axe.run('header', {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": violation["id"], "nodes": [node["target"] for node in violation["nodes"]]}
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


class Walk:
    """One persona's browser; what goes wrong on any page is noted, and all of it reported at the end."""

    def __init__(self, page, persona, site):
        self.page = page
        self.persona = persona
        self.site = site
        self.problems = []
        SHOTS.mkdir(parents=True, exist_ok=True)

    def visit(self, path, viewport, *, status=200, name=None):
        self.page.set_viewport_size(viewport)
        response = self.page.goto(path)
        if response is not None and response.status != status:
            self.problems.append(f"{path}: HTTP {response.status}, expected {status}")
        self.check(path, viewport, name)
        return response

    def check(self, path, viewport, name=None):
        width = viewport["width"]
        overflow = self.page.evaluate(OVERFLOW)
        if overflow > 0:
            self.problems.append(f"{path} at {width} px: {overflow} px wider than the window")
        if width >= 992:
            wrapped = [text for text, lines in self.page.evaluate(NAV_ITEMS) if lines > 1.6]
            if wrapped:
                self.problems.append(f"{path} at {width} px: navigation items on two lines: {wrapped}")
        slug = name or (re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "accueil")
        self.page.screenshot(path=str(SHOTS / f"walk-{self.persona}-{width}-{slug}.png"), full_page=True)

    def walk(self, paths, viewports=(DESKTOP, PHONE)):
        for viewport in viewports:
            for path in paths:
                self.visit(path, viewport)

    def check_header(self, path="/"):
        """The navigation in a row at 992 px, then axe on the header, in French and English, closed and opened."""
        self.visit(path, NARROWEST_ROW, name="header")
        for language in ("fr", "en"):
            self.use_language(language)
            self.visit(path, DESKTOP, name=f"header-{language}")
            self.note_violations(f"header ({language}, {DESKTOP['width']} px)", header_violations(self.page))
            self.visit(path, PHONE, name=f"header-{language}")
            self.page.get_by_role("button", name=re.compile("Ouvrir le menu|Open menu")).click()
            expect(self.page.locator("#menu-principal")).to_be_visible()
            self.check(path, PHONE, name=f"menu-{language}")
            self.note_violations(f"mobile menu ({language})", header_violations(self.page))
        self.use_language("fr")

    def check_error_page(self, path, status, name, languages=("fr", "en")):
        for language in languages:
            self.use_language(language)
            for viewport in (DESKTOP, PHONE):
                self.visit(path, viewport, status=status, name=f"{name}-{language}")
            self.note_violations(f"{name} ({language})", axe_violations(self.page))
            assert self.page.locator("html").get_attribute("lang") == language
        self.use_language("fr")

    def check_focus_rings(self, selectors):
        """Each element, reached from the keyboard, shows the site's ring: a solid outline of 2 px or more."""
        for selector in selectors:
            self.page.keyboard.press("Tab")
            self.page.focus(selector)
            ring = self.page.evaluate(FOCUS_RING)
            if ring["style"] != "solid" or ring["width"] < 2 or ring["color"] != RING_COLOUR:
                self.problems.append(f"{self.page.url}: focus ring of {selector}: {ring}")

    def use_language(self, language):
        self.page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.site}])

    def note_violations(self, where, violations):
        if violations:
            self.problems.append(f"axe on {where}: {violations}")

    def log_in(self, user, second_factor=False):
        self.page.set_viewport_size(DESKTOP)
        self.page.goto("/compte/connexion/")
        self.page.get_by_label("Adresse e-mail").fill(user.email)
        self.page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()
        if second_factor:
            pass_second_factor(self.page, user)
        expect(self.page.locator("#account-menu")).to_be_visible()


@pytest.fixture
def demo(live_server):
    seed()
    return {
        "current": Edition.objects.latest("closes_at"),
        "closed": Edition.objects.get(slug="2020"),
    }


def demo_user(local_part):
    return User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}")


def served(page, path, response):
    """Answer ``path`` in the browser with a response the test client got (a page the live server cannot be made
    to produce on demand), so that it is seen with the site's own styles."""
    page.route(
        f"**{path}",
        lambda route: route.fulfill(
            status=response.status_code, body=response.content, content_type=response["Content-Type"]
        ),
    )


def server_error_response(language):
    """The 500 page as the handler answers it when the database is down."""
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    def down(execute, sql, params, many, context):
        raise OperationalError("the database is down")

    # An address no cache answers: the page must ask the database.
    with connection.execute_wrapper(down):
        return client.get("/label/panne/")


def public_paths(demo):
    current, closed = demo["current"].slug, demo["closed"].slug
    paths = ["/", f"/label/{current}/", f"/label/{closed}/", f"/laureats/{closed}/", "/evenements/"]
    paths += [f"/evenements/{slug}/" for slug in Event.objects.published().values_list("slug", flat=True)]
    paths += [
        f"/auditions/{slug}/"
        for slug in AuditionSession.objects.filter(published=True).values_list("edition__slug", flat=True).distinct()
    ]
    return [*paths, "/accessibilite/", "/donnees-personnelles/", "/compte/connexion/", "/compte/inscription/"]


def test_a_visitor_walks_the_public_pages_and_meets_the_error_pages(page, live_server, demo):
    walk = Walk(page, "anonymous", live_server.url)
    walk.walk(public_paths(demo), viewports=(DESKTOP, PHONE, REFLOW))
    walk.check_header()
    walk.check_error_page("/nulle-part/", 404, "404")

    # A form sent without its token (cookies refused, or a page left open too long).
    for language in ("fr", "en"):
        walk.use_language(language)
        page.set_viewport_size(DESKTOP)
        page.goto("/compte/connexion/")
        page.context.clear_cookies(name="csrftoken")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("h1")).to_have_text("Formulaire expiré" if language == "fr" else "Form expired")
        walk.check("/compte/connexion/", DESKTOP, name=f"403-csrf-{language}")
        walk.note_violations(f"403_csrf ({language})", axe_violations(page))
        page.set_viewport_size(PHONE)
        walk.check("/compte/connexion/", PHONE, name=f"403-csrf-{language}")

    # A request the site cannot understand, and the server failing with its database down.
    for language in ("fr", "en"):
        bad_request = Client()
        bad_request.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        # The live server lets any host in; the site itself does not.
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            served(
                page, f"/requete-incorrecte-{language}/", bad_request.get("/nulle-part/", HTTP_HOST="ailleurs.example")
            )
        served(page, f"/panne-{language}/", server_error_response(language))
        walk.check_error_page(f"/requete-incorrecte-{language}/", 400, "400", languages=[language])
        walk.check_error_page(f"/panne-{language}/", 500, "500", languages=[language])

    assert walk.problems == []


def test_a_candidate_walks_their_application_and_their_candidatures(page, live_server, demo):
    candidate = demo_user("candidate")
    candidature = Candidature.objects.get(owner=candidate, edition=demo["current"])
    walk = Walk(page, "candidate", live_server.url)
    walk.log_in(candidate)
    application = f"/label/{demo['current'].slug}/candidater"
    steps = ["territoire", "projet", "criteres", "documents", "contact", "recapitulatif"]
    walk.walk(
        [
            "/",
            f"/label/{demo['current'].slug}/",
            *[f"{application}/{step}/" for step in steps],
            "/mes-candidatures/",
            f"/mes-candidatures/{candidature.pk}/",
            "/compte/securite/",
        ],
        viewports=(DESKTOP, PHONE, REFLOW),
    )
    walk.check_header()
    walk.check_error_page("/nulle-part/", 404, "404")

    # Bootstrap's glow on fields and buttons gives way to the site's ring, as on links.
    page.set_viewport_size(DESKTOP)
    page.goto(f"{application}/territoire/")
    walk.check_focus_rings(
        [
            "#id_territory_name",
            "#id_region",
            "main button.btn-primary",
            "main button.btn-outline-primary",
            ".site-nav-main .nav-link",
            "#account-menu",
            ".language-switch button",
            ".navbar-brand",
        ]
    )
    page.goto(f"{application}/contact/")
    walk.check_focus_rings(["#id_consent_rules", "#id_consent_rules_helptext a"])

    # The account menu from the keyboard: Enter opens it, the arrows move in it, Escape closes it where it was.
    page.focus("#account-menu")
    page.keyboard.press("Enter")
    expect(page.locator("#account-menu")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Sécurité du compte")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="Mes données")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#account-menu")).to_be_focused()
    expect(page.get_by_role("link", name="Sécurité du compte")).to_be_hidden()
    assert walk.problems == []


def test_a_juror_walks_the_jury_space_a_dossier_and_is_refused_the_ranking(page, live_server, demo):
    juror = demo_user("jure1")
    set_up_authenticator(juror)
    walk = Walk(page, "juror", live_server.url)
    walk.log_in(juror, second_factor=True)
    page.goto("/jury/")
    dossier = page.locator("main a[href^='/jury/dossiers/']").first.get_attribute("href")
    walk.walk(["/", "/jury/", dossier, "/jury/conflits/", "/compte/securite/"])
    walk.check_header("/jury/")
    walk.check_error_page("/jury/classement/", 403, "403")
    walk.check_error_page("/nulle-part/", 404, "404")
    assert walk.problems == []


def test_an_organiser_walks_the_ranking_and_the_dashboard(page, live_server, demo):
    organiser = demo_user("organisatrice")
    set_up_authenticator(organiser)
    walk = Walk(page, "organiser", live_server.url)
    walk.log_in(organiser, second_factor=True)
    laureate = Candidature.objects.filter(status=Status.LAUREATE).first()
    walk.walk(["/", "/jury/", "/jury/classement/", f"/mes-candidatures/{laureate.pk}/"])
    # The dashboard is being built: whatever it answers today, it must fit the window.
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto("/organisation/")
        walk.check("/organisation/", viewport)
    walk.check_header("/jury/classement/")
    walk.check_error_page("/nulle-part/", 404, "404")
    assert walk.problems == []
