"""Forms for the money the partners plan to put in: funding streams and their contributions per year.
The pooled fund manager may change these as well as the lead commissioner."""

from __future__ import annotations

from typing import Any

from concordat.core.money import pence_to_str

from ... import forms
from .entries import EntryFormView


class StreamForm(EntryFormView):
    form_class = forms.StreamForm
    permission = "partnerships.change_contributions"
    section = "partnerships:contributions"
    collection = "funding_streams"
    lookup = "code"
    noun = "funding stream"

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {key: data[key] for key in ("code", "name", "partner", "ring_fenced")}


class ContributionForm(EntryFormView):
    form_class = forms.ContributionForm
    permission = "partnerships.change_contributions"
    section = "partnerships:contributions"
    collection = "contributions"
    noun = "contribution"

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {"stream": entry["stream"], "year": entry["year"], "amount": entry["amount"]}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "position": self.position}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"stream": data["stream"], "year": str(data["year"]), "amount": pence_to_str(data["amount"])}
