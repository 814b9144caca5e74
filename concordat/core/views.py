from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST


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
