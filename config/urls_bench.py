"""The project's URLs plus the bare reference views of `make bench`, served by the same server and middleware."""

from django.urls import path

from bench.views import bare

from .urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("_bench/bare/<slug:name>/", bare, name="bench_bare"),
    *project_urlpatterns,
]
