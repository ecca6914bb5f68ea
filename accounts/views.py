from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.debug import sensitive_post_parameters

from . import second_factor, throttling, verification
from .forms import LoginForm, PasswordResetForm, SignUpForm


def _safe_next(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@sensitive_post_parameters("password1", "password2")
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refusal = verification.signups_refusal(request)
        if refusal:
            form.add_error(None, refusal)
            status = 429
        elif form.is_valid():
            # The same page follows whether the address was new or taken: nobody learns who has an account.
            verification.sign_up(request, form, next_url=_safe_next(request))
            return redirect("accounts:verification_sent")
    return render(request, "registration/signup.html", {"form": form, "next": _safe_next(request)}, status=status)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        reason = throttling.refusal(request, throttling.login_username(request))
        if reason is not None:
            # Held before any password is checked: the attempt is not even counted.
            message = throttling.MESSAGES[reason]()
            return throttling.refused_login(request, message, request.POST.get("username", ""))
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        following = super().get_success_url()
        if self.request.session.get(second_factor.PENDING):
            # The password was right; the code from the app comes next.
            return f"{reverse('accounts:second_factor_verify')}?{urlencode({'next': following})}"
        return following


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        refusal = verification.resets_refusal(request)
        if refusal:
            form = self.get_form()
            form.add_error(None, refusal)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if verification.may_send_reset(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        # Past the address's hourly share: nothing is sent, and the answer is the usual one.
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The link came by e-mail: whoever used it receives this address's mail.
        verification.mark_verified(form.user, self.request)
        # Guesses at the old password no longer matter: the owner may log in with the new one at once.
        throttling.unlock(form.user.email)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")
