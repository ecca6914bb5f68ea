"""The site behind the shipped nginx site, end to end on loopback: the client's address and scheme as Django
reads them, the redirect to HTTPS, the upload limit, static files from disk and public media from the site.

Requests leave from 127.0.0.3 while nginx reaches gunicorn from 127.0.0.1, so the address Django records is the
one nginx appended to X-Forwarded-For; each request also carries forged X-Forwarded-For and -Proto headers,
which must change nothing.
"""

import gzip
import re
import uuid
from http.cookies import SimpleCookie

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from .servers import body_size_limits, request

pytestmark = pytest.mark.nginx

LOGIN = reverse("accounts:login")
CLIENT = "127.0.0.3"
FORGED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}
HSTS = "max-age=3600; includeSubDomains"


def login_form(port, tls):
    """The login page's form token and CSRF cookie, fetched through nginx."""
    page = request(port, "GET", LOGIN, tls=tls)
    assert page.status == 200, page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    cookies = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie"):
        cookies.load(header)
    return token, cookies["csrftoken"].value


def failed_login(port, *, tls, forged, document_size=0):
    """A wrong password posted through nginx (with a document of ``document_size`` bytes attached when given),
    the way a browser posts the form: the response, the addresses django-axes recorded for that account, and
    the length of the body sent."""
    email = f"{uuid.uuid4().hex[:12]}@example.org"
    token, cookie = login_form(port, tls)
    fields = {"csrfmiddlewaretoken": token, "username": email, "password": "pas-le-bon-mot-de-passe"}
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="dossier.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    document = b"%" * max(0, document_size - len(b"".join(parts)) - len(head) - len(tail))
    body = b"".join(parts) + head + document + tail
    # Django's CSRF check compares the Origin with the scheme it believes: "https" only if nginx said so.
    origin = f"{'https' if tls else 'http'}://localhost"
    headers = {
        **forged,
        "Origin": origin,
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    response = request(port, "POST", LOGIN, tls=tls, headers=headers, body=body)
    addresses = list(AccessAttempt.objects.filter(username=email).values_list("ip_address", flat=True))
    return response, addresses, len(body)


def test_over_https_django_sees_the_client_address_and_https_whatever_the_client_claims(stack, transactional_db):
    port = stack.layout.https_port

    page = request(port, "GET", LOGIN, tls=True, headers=FORGED)
    response, addresses, _size = failed_login(port, tls=True, forged=FORGED)

    assert (page.status, page.headers["Strict-Transport-Security"], page.headers["Server"]) == (200, HSTS, "nginx")
    assert (response.status, addresses) == (200, [CLIENT]), response.text


def test_over_plain_http_django_sees_http_even_when_the_client_claims_https(stack, transactional_db):
    port = stack.layout.plain_port
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}

    page = request(port, "GET", LOGIN, headers=forged)
    response, addresses, _size = failed_login(port, tls=False, forged=forged)

    assert (page.status, page.headers["Strict-Transport-Security"]) == (200, None)
    assert (response.status, addresses) == (200, [CLIENT]), response.text


def test_the_http_server_redirects_to_https_but_answers_certbot(stack):
    port = stack.layout.http_port
    challenge = stack.layout.webroot / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True)
    (challenge / "jeton").write_text("preuve")

    redirect = request(port, "GET", f"{LOGIN}?suivant=1", headers={"Host": "label.example.org"})
    token = request(port, "GET", "/.well-known/acme-challenge/jeton", headers={"Host": "label.example.org"})

    assert (redirect.status, redirect.headers["Location"], redirect.headers["Server"]) == (
        301,
        f"https://label.example.org{LOGIN}?suivant=1",
        "nginx",
    )
    assert (token.status, token.text) == (200, "preuve")


def test_an_upload_of_a_full_document_reaches_django_and_a_larger_one_is_refused_by_nginx(stack, transactional_db):
    port = stack.layout.https_port
    largest_accepted = settings.DOCUMENT_MAX_BYTES + settings.DOCUMENT_REQUEST_MARGIN

    response, addresses, size = failed_login(port, tls=True, forged=FORGED, document_size=largest_accepted)
    # nginx judges the declared length before reading the body: the header is enough to be refused.
    refused = request(
        port,
        "POST",
        LOGIN,
        tls=True,
        headers={"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(max(body_size_limits()) + 1)},
    )

    assert (size, response.status, addresses) == (largest_accepted, 200, [CLIENT]), response.text
    # The site's pages carry a Permissions-Policy: this refusal never reached it.
    assert (refused.status, refused.headers["Permissions-Policy"]) == (413, None)


def test_static_files_come_from_disk_with_long_cache_and_public_media_from_the_site(stack):
    port = stack.layout.https_port
    static = stack.layout.root / "staticfiles" / "css"
    static.mkdir(parents=True)
    (static / "app.0123456789ab.css").write_text("/* hashed */")
    (static / "app.0123456789ab.css.gz").write_bytes(gzip.compress(b"/* hashed */"))
    (static / "app.css").write_text("/* not hashed */")
    # A file where public media would be on disk: nginx must not serve it, the site decides.
    media = stack.layout.root / "var" / "media"
    media.mkdir(parents=True)
    (media / "logo.png").write_bytes(b"not served from disk")

    hashed = request(port, "GET", "/static/css/app.0123456789ab.css", tls=True)
    compressed = request(port, "GET", "/static/css/app.0123456789ab.css", tls=True, headers={"Accept-Encoding": "gzip"})
    unhashed = request(port, "GET", "/static/css/app.css", tls=True)
    logo = request(port, "GET", "/medias/logo.png", tls=True)

    assert (hashed.status, hashed.text, hashed.headers["Cache-Control"]) == (
        200,
        "/* hashed */",
        "public, max-age=31536000, immutable",
    )
    assert (compressed.headers["Content-Encoding"], gzip.decompress(compressed.body)) == ("gzip", b"/* hashed */")
    assert (unhashed.status, unhashed.text, unhashed.headers["Cache-Control"]) == (
        200,
        "/* not hashed */",
        "public, max-age=3600",
    )
    assert (logo.status, "Permissions-Policy" in logo.headers) == (404, True)
