"""Forms for the money the partners plan to put in: funding streams and their contributions per year.
The pooled fund manager may change these as well as the lead commissioner."""

from __future__ import annotations

from typing import Any

from concordat.core.money import pence_to_str

from ... import forms
from .entries import EntryFormView, RemoveEntryView


class RemoveStream(RemoveEntryView):
    collection = "funding_streams"
    permission = "partnerships.change_contributions"
    section = "partnerships:contributions"


class RemoveContribution(RemoveEntryView):
    collection = "contributions"
    permission = "partnerships.change_contributions"
    section = "partnerships:contributions"

    def entry_key(self) -> str:
        return f"{self.kwargs['stream']} {self.kwargs['year']}"


class StreamForm(EntryFormView):
    form_class = forms.StreamForm
    permission = "partnerships.change_contributions"
    section = "partnerships:contributions"
    collection = "funding_streams"
    remove_url_name = "partnerships:remove-stream"

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {key: data[key] for key in ("code", "name", "partner", "ring_fenced")}


class ContributionForm(EntryFormView):
    form_class = forms.ContributionForm
    permission = "partnerships.change_contributions"
    section = "partnerships:contributions"
    collection = "contributions"
    remove_url_name = "partnerships:remove-contribution"

    def entry_key(self) -> str | None:
        """A contribution is known by its stream and year: /contributions/NTA-PTB/2003-04/."""
        if "stream" not in self.kwargs:
            return None
        return f"{self.kwargs['stream']} {self.kwargs['year']}"

    def kwargs_for_key(self) -> dict[str, Any]:
        return {"stream": self.kwargs["stream"], "year": self.kwargs["year"]}

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {"stream": entry["stream"], "year": entry["year"], "amount": entry["amount"]}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "current_key": self.entry_key()}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"stream": data["stream"], "year": str(data["year"]), "amount": pence_to_str(data["amount"])}


class StatedTotalForm(EntryFormView):
    """A total as a source paper states it (notification form item 12); the pages warn where the
    contribution lines do not add up to it."""

    form_class = forms.StatedTotalForm
    permission = "partnerships.change_contributions"
    section = "partnerships:contributions"
    collection = "stated_totals"
    remove_url_name = "partnerships:remove-stated-total"

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {key: entry.get(key, "") for key in ("year", "amount", "source")}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.kept_from_current("year", "amount", "source"),
            "year": str(data["year"]),
            "amount": pence_to_str(data["amount"]),
            "source": data["source"].strip(),
        }


class RemoveStatedTotal(RemoveEntryView):
    collection = "stated_totals"
    permission = "partnerships.change_contributions"
    section = "partnerships:contributions"

    def describe(self, entry: dict[str, Any]) -> str:
        return f"the {self.noun} for {entry.get('year', '')}"
