"""A form for one entry of a list in the agreement (a partner, an approval, a milestone …): without a key
in the URL it adds an entry, with one it changes that entry, and a key that names no entry is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from ... import services
from ...document import export_agreement
from ..base import AgreementFormView


def without_empty(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as the file writes it: a field left empty is a key left out."""
    return {key: value for key, value in entry.items() if value not in (None, "")}


class AgreementDocumentMixin:
    """Reads the agreement document once per request, for the form's initial values and choices."""

    template_name = "partnerships/agreement_form.html"
    partnership: Any
    document: dict[str, Any]

    def load_document(self) -> dict[str, Any]:
        self.document = export_agreement(self.partnership)
        return self.document


class EntryFormView(AgreementDocumentMixin, AgreementFormView):
    """Subclasses set `collection` (the document's list), `lookup` ("index": the URL's position in the list,
    or "code": the entry's code), `noun` for titles, and turn entries into initial values and back."""

    collection = ""
    lookup = "index"
    noun = "entry"
    position: int | None = None
    problem_prefix = ""

    @property
    def adding(self) -> bool:
        return self.lookup not in self.kwargs

    @property  # type: ignore[override]
    def page_title(self) -> str:
        article = "an" if self.noun[0] in "aeiou" else "a"
        if self.adding:
            return f"Add {article} {self.noun}"
        return f"Change {self.noun} {self.kwargs['code']}" if self.lookup == "code" else f"Change {self.noun}"

    @property
    def success_message(self) -> str:  # type: ignore[override]
        return f"{self.noun[0].upper()}{self.noun[1:]} {'added' if self.adding else 'saved'}"

    def find(self, entries: list[dict[str, Any]]) -> int | None:
        """The position of the entry the URL names, None when there is none."""
        if self.lookup == "index":
            index = self.kwargs["index"]
            return index if 0 <= index < len(entries) else None
        code = self.kwargs[self.lookup]
        return next((i for i, entry in enumerate(entries) if entry.get(self.lookup) == code), None)

    def get_initial(self) -> dict[str, Any]:
        document = self.load_document()
        if self.adding:
            return self.defaults()
        self.position = self.find(document.get(self.collection, []))
        if self.position is None:
            raise Http404(f"No such {self.noun}")
        return self.initial_from(document[self.collection][self.position])

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(document=self.document, adding=self.adding)
        return kwargs

    def defaults(self) -> dict[str, Any]:
        return {}

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return dict(entry)

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def edit(self, document: dict[str, Any], data: dict[str, Any]) -> None:
        entries = document.setdefault(self.collection, [])
        entry = self.entry_from(data)
        if self.adding:
            position = len(entries)
            entries.append(without_empty(entry))
        else:
            found = self.find(entries)
            if found is None:  # removed by someone else since the form was shown
                raise Http404(f"No such {self.noun}")
            position = found
            entries[position] = without_empty({**entries[position], **entry})
        self.problem_prefix = f"{self.collection}[{position}]"

    def prefix_for_problems(self) -> str:
        return self.problem_prefix

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["remove_label"] = None if self.adding else f"Remove this {self.noun}"
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "remove" in request.POST and not self.adding:
            return self.remove()
        return super().post(request, *args, **kwargs)

    def remove(self) -> HttpResponse:
        """Take the entry out of the agreement. The whole agreement is checked as for any change, so an entry
        that others refer to (a partner whose streams remain) stays, and the page says why."""

        def take_out(document: dict[str, Any]) -> None:
            entries = document.get(self.collection, [])
            found = self.find(entries)
            if found is None:
                raise Http404(f"No such {self.noun}")
            del entries[found]

        outcome = services.agreement_edit(partnership=self.partnership, user=self.request.user, edit=take_out)
        if not outcome.report.valid:
            kwargs = self.get_form_kwargs()
            kwargs.pop("data", None)  # show the entry as it is, not the remove button's post
            kwargs.pop("files", None)
            problems = [
                {"message": f"This {self.noun} cannot be removed: {problem.message}"}
                for problem in outcome.report.errors
            ]
            return self.render_to_response(
                self.get_context_data(form=self.get_form_class()(**kwargs), problems=problems)
            )
        messages.success(self.request, f"{self.noun[0].upper()}{self.noun[1:]} removed")
        return redirect(self.get_success_url())
