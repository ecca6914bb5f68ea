from django.http import Http404


def catalogue(request):
    raise Http404


def project(request, slug):
    raise Http404
