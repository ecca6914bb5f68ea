from django.http import Http404


def badge_svg(request, slug):
    raise Http404


def badge_png(request, slug, size):
    raise Http404


def badge_rules(request):
    raise Http404
