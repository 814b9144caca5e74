"""Posting a contribution, a payment or an accrual from the web: a GOV.UK question page, then "Check your
answers", then one service call. The answers wait in the session under the page's one-time token; the
token becomes the posting's ref when no reference is typed, so submitting the check page twice (a double
click, Back and resubmit) posts once: the service finds the same ref with the same content and adds
nothing. The service's refusals (a ring fence with both figures, a closed year, a scheme over its
maximum) are shown at the field they concern, and nothing is written: already on the question page (the
service's dry run), and again if the ledger changed before the answers were checked."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from concordat.partnerships.keys import new_key

from .. import permissions, services
from ..errors import PostingRefused
from ..forms.posting import FIELD_OF_COLUMN, KINDS, PostingForm
from .base import PoolPage
from .ledger import TOKEN

SESSION_PREFIX = "pool-posting:"


def _token(value: str | None) -> str | None:
    return value if value and TOKEN.match(value) else None


def _answer_names(form: PostingForm) -> list[str]:
    """The names the form's answers are sent under (a date's day, month and year: date_0, date_1, date_2)."""
    names = []
    for name, field in form.fields.items():
        widgets = getattr(field.widget, "widgets", None)
        names += [f"{name}_{n}" for n in range(len(widgets))] if widgets else [name]
    return names


class PostingPage(PoolPage):
    permission = permissions.POST
    section = "pool:post"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs.get("kind") not in KINDS:
            raise Http404("No such kind of posting")
        self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def form(self, data: Any = None) -> PostingForm:
        return PostingForm(data, kind=self.kind, partnership=self.partnership)

    def draft(self, form: PostingForm, token: str) -> services.Draft:
        values = form.cleaned_data
        return services.Draft(
            values.get("reference") or token,
            self.kind,
            values["date"],
            values["amount"],
            stream=values.get("stream", ""),
            contract=values.get("contract", ""),
            purpose=values.get("purpose", ""),
            description=values.get("description") or "",
        )

    def refused(self, form: PostingForm, problems: list[tuple[str, str]]) -> None:
        """The service's refusals, (column, message), put on the fields they concern."""
        for column, message in problems:
            name = FIELD_OF_COLUMN.get(column)
            form.add_error(name if name in form.fields else None, message)

    def stored(self, token: str | None) -> dict[str, Any] | None:
        entry = self.request.session.get(SESSION_PREFIX + token) if token else None
        return entry if entry and entry.get("kind") == self.kind else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_title"] = f"Post {KINDS[self.kind]}"
        context["kind"] = self.kind
        context["breadcrumbs"].append(
            {"href": reverse("pool:ledger", args=[self.partnership.slug]), "text": "Ledger"}
        )
        return context


class PostingQuestions(PostingPage):
    """The question page: valid answers go to the session and on to the check page."""

    template_name = "pool/posting_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _token(request.GET.get("token"))
        if token is None:
            # The token goes in the address: Back to this page after posting finds the same token (and the
            # answers), so continuing and posting again finds the posting made, instead of a new ref.
            return redirect(f"{request.path}?token={new_key()}")
        entry = self.stored(token)
        form = self.form(entry["data"]) if entry else self.form()
        if entry:
            form.is_valid()
        return self.render_to_response(self.get_context_data(form=form, token=token))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form(request.POST)
        token = _token(request.POST.get("token")) or new_key()
        if form.is_valid():
            # The ledger's rules now (a closed year, a ring fence...), so the answers are not refused only
            # after they have been checked; nothing is written.
            issues = services.postings_post(
                partnership=self.partnership, drafts=[self.draft(form, token)], dry_run=True
            ).issues
            self.refused(form, [(i.column, i.message) for i in issues.get(0, [])])
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, token=token), status=422)
        # Only the form's own answers wait in the session: anything else sent with them (a field added to
        # the page, megabytes of it) is not kept.
        data = {k: request.POST[k] for k in _answer_names(form) if k in request.POST}
        request.session[SESSION_PREFIX + token] = {"kind": self.kind, "data": data}
        return redirect(
            reverse("pool:post-check", args=[self.partnership.slug, self.kind]) + f"?token={token}"
        )


class PostingCheck(PostingPage):
    """Check your answers, then post: one service call."""

    template_name = "pool/posting_check.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _token(request.GET.get("token"))
        entry = self.stored(token)
        form = self.form(entry["data"]) if entry else None
        if form is None or not form.is_valid():
            return redirect(reverse("pool:post", args=[self.partnership.slug, self.kind]))
        change = reverse("pool:post", args=[self.partnership.slug, self.kind]) + f"?token={token}"
        # What would be posted but should be looked at first (a payment to no contract ...): nothing written.
        checked = services.postings_post(
            partnership=self.partnership, drafts=[self.draft(form, token)], dry_run=True
        )
        return self.render_to_response(
            self.get_context_data(
                answers=form.answers(), token=token, change_url=change, warnings=checked.warnings.get(0, [])
            )
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _token(request.POST.get("token"))
        entry = self.stored(token)
        form = self.form(entry["data"]) if entry else None
        if token is None or form is None or not form.is_valid():
            messages.error(request, "Those answers have expired: nothing was posted. Enter them again.")
            return redirect(reverse("pool:post", args=[self.partnership.slug, self.kind]))
        try:
            posted = services.posting_post(
                partnership=self.partnership, draft=self.draft(form, token), actor=request.user
            )
        except PostingRefused as refusal:
            self.refused(form, [(problem.path, problem.message) for problem in refusal.report.errors])
            self.template_name = PostingQuestions.template_name
            return self.render_to_response(self.get_context_data(form=form, token=token), status=422)
        t = posted.transaction
        if posted.created:
            messages.success(request, f"Posted {t.get_kind_display().lower()} {t.ref}")
        else:
            messages.info(
                request, f"{t.get_kind_display()} {t.ref} was already posted: it was not posted again"
            )
        return redirect(reverse("pool:transaction", args=[self.partnership.slug, t.sequence]))
