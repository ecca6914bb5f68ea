"""gunicorn's settings for the site: ``gunicorn -c config/gunicorn.conf.py config.wsgi …`` (see the README).

gunicorn writes ``Server: gunicorn`` before the application's headers and has no setting to leave it
out, so its responses' default headers are wrapped to drop that line. The master reads this file before
forking the workers (and again on reload); tests/core/test_headers.py starts gunicorn with it and checks.
"""

from gunicorn.http import wsgi

# On a reload the file runs again: the headers as gunicorn wrote them are kept aside once, wrapped once.
_default_headers = getattr(wsgi.Response, "default_headers_with_server", wsgi.Response.default_headers)


def _default_headers_without_server(response):
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


wsgi.Response.default_headers_with_server = _default_headers
wsgi.Response.default_headers = _default_headers_without_server
