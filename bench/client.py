"""A small HTTP client that behaves as a browser does for the bench: cookies, CSRF tokens, one request at a time."""

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def location(self):
        return self.headers.get("location", "")


class Browser:
    """One visitor: keeps the cookies the server sets and sends them back, over a new connection per request."""

    def __init__(self, host, port, cookies=None):
        self.host = host
        self.port = port
        self.origin = f"http://{host}:{port}"
        self.cookies = dict(cookies or {})

    def request(self, method, path, fields=None, referer=None):
        """Send one request; ``seconds`` runs from before the connection opens to the last byte of the body."""
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "lti-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = referer or f"{self.origin}{path}"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header, value in answer.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, content, seconds)

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields, token):
        """POST ``fields`` with the CSRF token read from the page, as the page's form would."""
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **fields})


def csrf_token(page):
    found = CSRF_FIELD.search(page.body.decode("utf-8", "replace"))
    if found is None:
        raise RuntimeError("No CSRF token in the page: the form is not there.")
    return found.group(1)


def log_in(browser, email, password, code=None):
    """Log in through the log-in form, then the second factor's when ``code()`` is given, as a person does.

    Raises unless the server opens a session that reaches past the second factor.
    """
    path = "/compte/connexion/"
    page = browser.get(path)
    answer = browser.post_form(path, {"username": email, "password": password}, csrf_token(page))
    if answer.status != 302 or "sessionid" not in browser.cookies:
        raise RuntimeError(f"Log-in of {email} refused (HTTP {answer.status}).")
    if answer.location.startswith("/compte/") and not answer.location.startswith("/compte/connexion/code/"):
        raise RuntimeError(f"Log-in of {email} stopped at {answer.location}.")
    if answer.location.startswith("/compte/connexion/code/"):
        if code is None:
            raise RuntimeError(f"{email} must give a second-factor code.")
        step = answer.location
        answer = browser.post_form(step, {"code": code()}, csrf_token(browser.get(step)))
        if answer.status != 302 or answer.location.startswith("/compte/"):
            raise RuntimeError(f"Second factor of {email} refused (HTTP {answer.status}).")
    return browser
