"""The API's interactive documentation, in the site's layout and under its Content-Security-Policy.

Swagger UI comes from django-ninja's own static files (``ninja`` in INSTALLED_APPS), started by its static
``swagger-ui-init.js`` from settings held in a JSON block: no inline script, nothing fetched from elsewhere.
"""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

SWAGGER_SETTINGS = {
    "layout": "BaseLayout",
    # Deep links put a link inside each operation's button, which screen readers cannot reach.
    "deepLinking": False,
    # Swagger UI would otherwise ask an outside validator for a badge about the schema.
    "validatorUrl": None,
    "defaultModelsExpandDepth": 0,
}


class SiteDocs(DocsBase):
    def render_page(self, request, api, **kwargs):
        settings = SWAGGER_SETTINGS | {"url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})
