from django.http import Http404


def edit_profile(request, pk):
    raise Http404
