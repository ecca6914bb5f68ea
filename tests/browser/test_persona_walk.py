"""Headless Chromium: each persona walks the pages they use, on a desktop (1280×800) and a phone (375×812), the
public pages and the application's steps also at 320 px.

On every page: nothing wider than the window (no scrolling sideways). From 992 px: no item of the navigation
breaks over two lines. axe-core finds no serious or critical issue, in French and in English, on the error pages, in
the header, and on the pages of the people who run the label: the jury's pages for a juror; the dashboards, the
ranking, a dossier's deliberation and the admin lists for an organiser, whose first ranking row keeps its decision in
the window. Each page is photographed (tests/browser/screenshots.py says where), to be looked at.
"""

import re

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, override_settings
from playwright.sync_api import expect

from accounts.models import User
from auditions.jury.models import Jury
from auditions.sessions.models import AuditionSession
from demo.people import PASSWORD as DEMO_PASSWORD
from events.models import Event
from label.models import Candidature, Edition, Status
from tests.browser.screenshots import screenshot_path
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import AXE_PATH, axe_violations
from tests.core.test_admin_lists import LISTS, changelist
from tests.demo.seeding import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# WCAG's reflow: 320 CSS px (1280 px zoomed to 400 %), for the public pages and the application's steps.
REFLOW = {"width": 320, "height": 640}
# The narrowest window with the navigation laid out in a row: it must fit there too.
NARROWEST_ROW = {"width": 992, "height": 800}
DEMO_DOMAIN = "label-demo.example"
BOTH_LANGUAGES = ("fr", "en")
# The mobile menu once Bootstrap's collapse has finished opening it (while it runs, the menu is cut short).
MENU_OPENED = "#menu-principal.show:not(.collapsing)"
# The first row's decision: its menu, or the published decision that replaces it.
FIRST_DECISION = (
    "table.ranking > tbody > tr.ranking-row >> nth=0 >> .ranking-decision :is(select, .ranking-state) >> nth=0"
)
# The page scrolled down to the control only; then the control must be whole in the window, and on top at its centre.
DECISION_IN_REACH = """(control) => {
  const top = control.getBoundingClientRect().top + window.scrollY - 100;
  window.scrollTo({left: 0, top, behavior: 'instant'});
  const box = control.getBoundingClientRect();
  const onTop = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  const inside = box.left >= 0 && box.top >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight;
  return {left: box.left, top: box.top, right: box.right, reached: inside && control.contains(onTop)};
}"""

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
    """One persona's browser; what goes wrong on any page is noted, and all of it reported at the end.

    One browser context serves the whole walk: the window is resized once per size, and the language is switched by
    its cookie, so the persona logs in once.
    """

    def __init__(self, page, persona, site):
        self.page = page
        self.persona = persona
        self.site = site
        self.language = "fr"
        self.problems = []

    def visit(self, path, viewport, *, status=200, name=None, audit=False):
        """Open ``path`` at ``viewport``, check it fits (and, with ``audit``, axe-core's verdict), photograph it."""
        self.page.set_viewport_size(viewport)
        response = self.page.goto(path)
        if response is not None and response.status != status:
            self.problems.append(f"{path}: HTTP {response.status}, expected {status}")
        self.check(path, viewport, name)
        if audit:
            self.note_violations(f"{path} ({self.language}, {viewport['width']} px)", axe_violations(self.page))
        return response

    def check(self, path, viewport, name=None):
        width = viewport["width"]
        overflow = self.page.evaluate(OVERFLOW)
        if overflow > 0:
            self.problems.append(f"{path} ({self.language}) at {width} px: {overflow} px wider than the window")
        if width >= 992:
            wrapped = [text for text, lines in self.page.evaluate(NAV_ITEMS) if lines > 1.6]
            if wrapped:
                self.problems.append(f"{path} at {width} px: navigation items on two lines: {wrapped}")
        self.shoot(name or page_name(path), width)

    def shoot(self, name, width):
        self.page.screenshot(path=screenshot_path(self.persona, self.language, name, width), full_page=True)

    def walk(self, paths, viewports=(DESKTOP, PHONE), languages=("fr",), *, names=None, audit=False):
        """Each of ``paths`` at each size, in each language; ``names`` gives a page its screenshot's name."""
        names = names or {}
        for viewport in viewports:
            for language in languages:
                self.use_language(language)
                for path in paths:
                    self.visit(path, viewport, name=names.get(path), audit=audit)
        self.use_language("fr")

    def check_header(self, path="/"):
        """The navigation in a row at 992 px, then axe on the header, in French and English, closed and opened."""
        self.visit(path, NARROWEST_ROW, name="header")
        for language in BOTH_LANGUAGES:
            self.use_language(language)
            self.visit(path, DESKTOP, name="header")
            self.note_violations(f"header ({language}, {DESKTOP['width']} px)", header_violations(self.page))
            self.visit(path, PHONE, name="header")
            self.open_mobile_menu()
            self.check(path, PHONE, name="menu")
            self.note_violations(f"mobile menu ({language})", header_violations(self.page))
        self.use_language("fr")

    def open_mobile_menu(self):
        """The menu button pressed, and the menu measured only once it has finished unfolding."""
        self.page.get_by_role("button", name=re.compile("Ouvrir le menu|Open menu")).click()
        self.page.wait_for_selector(MENU_OPENED)
        expect(self.page.locator("#menu-principal")).to_be_visible()

    def check_error_page(self, path, status, name, languages=BOTH_LANGUAGES):
        for language in languages:
            self.use_language(language)
            for viewport in (DESKTOP, PHONE):
                self.visit(path, viewport, status=status, name=name)
            self.note_violations(f"{name} ({language})", axe_violations(self.page))
            assert self.page.locator("html").get_attribute("lang") == language
        self.use_language("fr")

    def check_first_decision(self, ranking):
        """At each size and in each language, the first row's decision of the ``ranking``, once the page is scrolled
        down to it (never sideways), lies wholly inside the window and is what a click at its centre reaches."""
        for viewport in (DESKTOP, PHONE):
            for language in BOTH_LANGUAGES:
                self.use_language(language)
                self.page.set_viewport_size(viewport)
                self.page.goto(ranking)
                decision = self.page.locator(FIRST_DECISION)
                seen = decision.evaluate(DECISION_IN_REACH) if decision.count() else None
                if not (seen and seen["reached"]):
                    self.problems.append(f"{ranking} ({language}) at {viewport['width']} px: first decision {seen}")
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
        self.language = language
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


def page_name(path):
    """A screenshot's name for ``path``: its words joined by dashes ("accueil" for the home)."""
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "accueil"


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
    for language in BOTH_LANGUAGES:
        walk.use_language(language)
        page.set_viewport_size(DESKTOP)
        page.goto("/compte/connexion/")
        page.context.clear_cookies(name="csrftoken")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("h1")).to_have_text("Formulaire expiré" if language == "fr" else "Form expired")
        walk.check("/compte/connexion/", DESKTOP, name="403-csrf")
        walk.note_violations(f"403_csrf ({language})", axe_violations(page))
        page.set_viewport_size(PHONE)
        walk.check("/compte/connexion/", PHONE, name="403-csrf")

    # A request the site cannot understand, and the server failing with its database down.
    for language in BOTH_LANGUAGES:
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
        names={f"/mes-candidatures/{candidature.pk}/": "mes-candidatures-dossier"},
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
    walk.walk(["/", "/compte/securite/"])
    walk.walk(
        ["/jury/", dossier, "/jury/conflits/"],
        languages=BOTH_LANGUAGES,
        names={dossier: "jury-dossier"},
        audit=True,
    )
    walk.check_header("/jury/")
    walk.check_error_page("/jury/classement/", 403, "403")
    walk.check_error_page("/nulle-part/", 404, "404")
    assert walk.problems == []


def test_an_organiser_walks_the_dashboard_the_ranking_a_deliberation_and_the_admin_lists(page, live_server, demo):
    organiser = demo_user("organisatrice")
    set_up_authenticator(organiser)
    walk = Walk(page, "organiser", live_server.url)
    walk.log_in(organiser, second_factor=True)
    laureate = Candidature.objects.filter(status=Status.LAUREATE).first()
    candidature = f"/mes-candidatures/{laureate.pk}/"
    walk.walk(["/", "/jury/", candidature], names={candidature: "mes-candidatures-dossier"})

    jury = Jury.objects.get(edition=demo["closed"])
    ranking = f"/jury/classement/?jury={jury.pk}"
    page.goto(ranking)
    deliberation = page.locator("main a[href^='/jury/classement/'][href*='/dossiers/']").first.get_attribute("href")
    dashboards = ["/organisation/", *(f"/organisation/{demo[name].slug}/" for name in ("closed", "current"))]
    lists = [changelist(name) for name in LISTS]
    walk.walk(
        [*dashboards, ranking, deliberation, *lists],
        languages=BOTH_LANGUAGES,
        names={
            ranking: "ranking",
            deliberation: "deliberation",
            **{changelist(name): f"admin-{name.replace('/', '-')}" for name in LISTS},
        },
        audit=True,
    )

    walk.check_first_decision(ranking)
    walk.check_header("/jury/classement/")
    walk.check_error_page("/nulle-part/", 404, "404")
    assert walk.problems == []
