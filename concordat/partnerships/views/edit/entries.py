"""A form for one entry of a list in the agreement (a partner, an approval, a milestone …), addressed by
its stable key: without a key in the URL it adds an entry, with one it changes that entry, and a key that
names no entry is a 404. Removing goes through a confirmation page (RemoveEntryView)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from ... import services
from ...errors import EntryGone, StaleEdit
from ...rules.dependants import dependants
from ...shape import BY_NAME
from ..base import AgreementFormView, navigation, partnership_for


def without_empty(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as the file writes it: a field left empty is a key left out."""
    return {key: value for key, value in entry.items() if value not in (None, "")}


class EntryFormView(AgreementFormView):
    """Subclasses set `collection` (the document's list) and turn entries into initial values and back;
    the URL's `key` (or `entry_key()`) names the entry being changed."""

    collection = ""
    remove_url_name = ""

    @property
    def noun(self) -> str:
        return BY_NAME[self.collection].noun

    def entry_key(self) -> str | None:
        return self.kwargs.get("key")

    @property
    def adding(self) -> bool:  # type: ignore[override]
        return self.entry_key() is None

    @property  # type: ignore[override]
    def page_title(self) -> str:
        article = "an" if self.noun[0] in "aeiou" else "a"
        return f"Add {article} {self.noun}" if self.adding else f"Change the {self.noun}"

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return f"{self.noun[0].upper()}{self.noun[1:]} {'added' if self.adding else 'saved'}"

    def current(self, document: dict[str, Any]) -> Any:
        key = self.entry_key()
        if key is None:
            return None
        try:
            return services.entry_in(document, self.collection, key)
        except EntryGone:
            raise Http404(f"No such {self.noun}") from None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = self.entry_key()
        if key is not None and services.entry_index(self.document, self.collection, key) is None:
            if BY_NAME[self.collection].keyed and not services.was_removed(
                self.partnership, self.collection, key
            ):
                raise Http404(f"No such {self.noun}")  # never existed: not someone else's removal
            messages.error(request, f"This {self.noun} was removed by someone else. Nothing was saved.")
            return redirect(self.get_success_url())
        return super().post(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        entry = self.current(self.document)
        if entry is None:
            return self.defaults()
        return {"source": entry.get("source", ""), **self.initial_from(entry)}

    def defaults(self) -> dict[str, Any]:
        return {}

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return dict(entry)

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def kept_from_current(self, *fields: str) -> dict[str, Any]:
        """The current entry's keys this form does not edit (its key apart), kept as they are when it is
        saved: a key of the file the form has no field for is not lost by changing the entry on the web."""
        entry = self.current(self.document) or {}
        return {key: value for key, value in entry.items() if key not in (*fields, "key")}

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        return services.entry_save(
            partnership=self.partnership,
            user=self.request.user,
            collection=self.collection,
            key=self.entry_key(),
            entry=without_empty({**self.entry_from(data), "source": (data.get("source") or "").strip()}),
            seen=seen,
            new_key=token,
        )

    def remove_url(self) -> str | None:
        if self.adding or not self.remove_url_name:
            return None
        return reverse(self.remove_url_name, kwargs={"slug": self.partnership.slug, **self.kwargs_for_key()})

    def kwargs_for_key(self) -> dict[str, Any]:
        return {"key": self.entry_key()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["remove_url"] = self.remove_url()
        context["remove_label"] = f"Remove this {self.noun}"
        return context


class RemoveEntryView(LoginRequiredMixin, TemplateView):
    """ "Are you sure you want to remove …": GET shows what goes and what goes with it (or why it cannot go);
    POST removes it. Removing what is already gone changes nothing and says so."""

    template_name = "partnerships/confirm_remove.html"
    permission = "partnerships.change_agreement"
    collection = ""
    section = "partnerships:overview"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = partnership_for(request, kwargs["slug"], self.permission)
        return super().dispatch(request, *args, **kwargs)

    @property
    def noun(self) -> str:
        return BY_NAME[self.collection].noun

    def entry_key(self) -> str:
        return str(self.kwargs["key"])

    def describe(self, entry: dict[str, Any]) -> str:
        """The entry as the question names it: "the approval 'Salford DAT, 2004-01-15'"."""
        text = (
            entry.get("name")
            or entry.get("title")
            or entry.get("body")
            or entry.get("text")
            or entry.get("how")
            or entry.get("description")
        )
        if text is None and "stream" in entry:
            text = f"{entry['stream']} {entry.get('year', '')}"
        return f"the {self.noun} ‘{text}’" if text else f"this {self.noun}"

    def success_url(self) -> str:
        return reverse(self.section, args=[self.partnership.slug])

    def gone(self) -> HttpResponse:
        messages.info(self.request, f"That {self.noun} had already been removed: nothing changed")
        return redirect(self.success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        document = services.export_agreement(self.partnership)
        entry = services.entry_in(document, self.collection, self.entry_key())
        found = dependants(document, self.collection, self.entry_key())
        context.update(
            partnership=self.partnership,
            page_title=f"Remove {self.describe(entry)}",
            navigation=navigation(self.request, self.partnership, self.section),
            noun=self.noun,
            what=self.describe(entry),
            also=found.described,
            refusal=kwargs.get("refusal")
            or (f"It cannot be removed: {found.reason}." if found.blocking else ""),
            seen=services.fingerprint(entry),
            cancel_url=self.success_url(),
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return self.render_to_response(self.get_context_data())
        except EntryGone:
            return self.gone()

    def remove(self, seen: str | None) -> services.Outcome:
        return services.entry_remove(
            partnership=self.partnership,
            user=self.request.user,
            collection=self.collection,
            key=self.entry_key(),
            seen=seen,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            outcome = self.remove(request.POST.get("seen") or None)
        except EntryGone:
            return self.gone()
        except StaleEdit as stale:
            messages.error(
                request,
                f"This {self.noun} was changed by {stale.changed_by} since you opened it: check it and confirm again",
            )
            return self.get(request, *args, **kwargs)
        if not outcome.report.valid:
            reason = "; ".join(problem.text for problem in outcome.report.errors)
            try:
                return self.render_to_response(self.get_context_data(refusal=reason), status=409)
            except EntryGone:
                return self.gone()
        messages.success(request, f"{self.noun[0].upper()}{self.noun[1:]} removed")
        return redirect(self.success_url())
