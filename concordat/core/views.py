from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from .api import problem_response
from .forms import ChangePasswordForm
from .middleware import API_PREFIX


def home(request: HttpRequest) -> HttpResponse:
    return redirect("partnerships:list" if request.user.is_authenticated else "core:sign-in")


class SignInView(LoginView):
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:sign-in")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/page.html",
        {
            "page_title": "Accessibility statement",
            "paragraphs": [
                "Concordat is built to the Web Content Accessibility Guidelines 2.2 at level AA, with the GOV.UK Design "
                "System's components. Every page works without JavaScript, and key pages are checked automatically with axe.",
                "If you find something hard to use, tell your partnership's lead commissioner.",
            ],
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/page.html",
        {
            "page_title": "Privacy",
            "paragraphs": [
                "Concordat holds partnership agreements and, for treatment providers, pseudonymised client records. "
                "Clients are counted by a keyed hash, never by name, and every read of a client record is audited.",
                "Access follows least privilege: you see only the partnerships you are a member of, and providers see only "
                "their own clients unless a client has consented to share.",
            ],
        },
    )


class ChangePasswordView(PasswordChangeView):
    """Change one's own password: the current one, then the new one twice. Signed in users only; the
    session carries on (Django updates its hash) and other sessions of the user end."""

    template_name = "core/change_password.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed")
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the service's page for a form whose token was refused (usually a page left open
    across a sign-in, or cookies blocked); on the API a problem body like every API error."""
    if request.path.startswith(API_PREFIX):
        return problem_response(
            403,
            "CSRF check failed",
            f"{reason} Send the csrftoken cookie's value in the X-CSRFToken header. Nothing was changed.",
        )
    return render(request, "403_csrf.html", status=403)
