from django.urls import path

from core.pages import public_page

from .api import api

# Patterns, application and instance namespace ("api"), built once: the views marked are the ones served.
api_urls = api.urls
# Every answer is public and the same for everyone: it is shared through the public pages' cache (core.pages).
for pattern in api_urls[0]:
    public_page(pattern.callback)

urlpatterns = [path("", api_urls)]
