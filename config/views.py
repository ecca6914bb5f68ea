from django.http import HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


@csrf_exempt
@require_POST
def switch_language(request):
    """Django's ``set_language`` without a CSRF token: the switch sits on public pages shared by every visitor.

    It sets a preference cookie and nothing else; a post sent from another site is still refused.
    """
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return HttpResponseForbidden()
    return set_language(request)
