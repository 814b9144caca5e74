"""API tokens for provider systems: listed, made (the token shown once), revoked after a confirmation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from concordat.partnerships.keys import new_key
from concordat.partnerships.models import Provider

from ..forms.casework import TokenForm
from ..permissions import token_providers
from ..sharing import ApiToken
from ..tokens import AlreadyMade, api_token_create, api_token_revoke
from .clients import TreatmentPage


class TokenPage(TreatmentPage):
    permission = "treatment.manage_tokens"
    section = "treatment:tokens"

    def providers(self) -> Any:
        allowed = token_providers(self.request.user, self.partnership)
        rows = Provider.objects.filter(partnership=self.partnership).order_by("code")
        return rows if allowed is None else rows.filter(pk__in=allowed)


class TokenList(TokenPage):
    template_name = "treatment/clients/tokens.html"
    page_title = "API tokens"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tokens"] = list(
            ApiToken.objects.filter(partnership=self.partnership, provider__in=self.providers())
            .select_related("provider", "created_by")
            .order_by("-created_at", "-id")[:200]
        )
        return context


class TokenCreate(TokenPage):
    template_name = "treatment/clients/form.html"
    page_title = "Make an API token"

    def _form(self, data: Any = None) -> TokenForm:
        return TokenForm(data, providers=[(p.code, f"{p.name} ({p.code})") for p in self.providers()])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            button="Make the token",
            cancel_url=reverse("treatment:tokens", args=[self.partnership.slug]),
            draft=self.request.POST.get("draft") or new_key(),
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        draft = request.POST.get("draft", "")
        form = self._form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        provider = self.providers().get(code=form.cleaned_data["provider"])
        try:
            made = api_token_create(
                partnership=self.partnership,
                provider=provider,
                name=form.cleaned_data["name"],
                actor=request.user,
                form_key=draft[:64] or None,
            )
        except AlreadyMade:  # a second submission of the form: double click, Back and resubmit
            messages.info(request, "That form has already made its token: no second token was made")
            return redirect("treatment:tokens", self.partnership.slug)
        # Shown on this response only (never stored, never in a URL or a message kept in the session).
        self.template_name = "treatment/clients/token_made.html"
        self.page_title = "Your new API token"
        response = self.render_to_response(self.get_context_data(made=made))
        response["Cache-Control"] = "no-store"
        return response


class TokenRevoke(TokenPage):
    template_name = "treatment/clients/token_revoke.html"
    page_title = "Revoke an API token"

    def token(self, pk: int) -> ApiToken:
        token = ApiToken.objects.filter(
            partnership=self.partnership, provider__in=self.providers(), pk=pk
        ).first()
        if token is None:
            raise Http404("No such token")
        return token

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(token=self.token(kwargs["token"])))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = self.token(kwargs["token"])
        if api_token_revoke(token=token, actor=request.user):
            messages.success(request, f"The token {token.prefix}… is revoked")
        return redirect(reverse("treatment:tokens", args=[self.partnership.slug]))
