"""The API's documentation and the open data page in a real browser: the site's own policy, no error, accessible."""

import pytest

from tests.conftest import axe_violations
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_interactive_documentation_runs_under_the_site_s_content_security_policy(browser, live_server):
    EventFactory(slug="forum-2032", title="Forum national")
    # Not the suite's usual page: this one keeps the policy, so that anything it would block shows as an error.
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside = []
    page.on("request", lambda request: outside.append(request.url) if live_server.url not in request.url else None)

    page.goto("/api/v1/docs")
    page.locator(".opblock-summary-path").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    page.locator("#operations-Événements-list_events").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table tr.response .response-col_status").first.wait_for()
    status = page.locator(".live-responses-table tr.response .response-col_status").first.inner_text()
    context.close()

    assert (problems, outside) == ([], [])
    assert [path.replace("\u200b", "") for path in paths] == [
        "/api/v1/",
        "/api/v1/editions/",
        "/api/v1/editions/{slug}/",
        "/api/v1/projects/",
        "/api/v1/projects/{slug}/",
        "/api/v1/events/",
        "/api/v1/events/{slug}/",
        "/api/v1/laureates/",
    ]
    assert status == "200"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("url", ["/donnees-ouvertes/", "/api/v1/docs"])
def test_the_open_data_pages_pass_axe(page, live_server, url, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(url)
    if url.startswith("/api/"):
        page.locator(".opblock-summary-path").first.wait_for()

    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
