from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the person chose another language with the switch (its cookie).

    The browser's Accept-Language is ignored on purpose: the platform speaks
    French first, whatever the settings of a shared office computer.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The language comes from a cookie, never from Accept-Language: caches must tell pages apart by Cookie.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class SecurityHeadersMiddleware:
    """What Django's SecurityMiddleware leaves out: a Permissions-Policy on every response, and no Server header.

    A view may set its own policy. The WSGI server writes its own Server header (gunicorn's is turned off in
    config/gunicorn.conf.py); one set by the application would be sent beside it, so it is dropped.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        response.headers.pop("Server", None)
        return response
