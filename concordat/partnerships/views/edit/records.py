"""Forms for the partnership's records: the providers it commissions, the approvals trail, the consultation
and involvement log and the board's membership."""

from __future__ import annotations

from typing import Any

from ... import forms
from .entries import EntryFormView, RemoveEntryView


class ApprovalForm(EntryFormView):
    form_class = forms.ApprovalForm
    section = "partnerships:approvals"
    collection = "approvals"
    remove_url_name = "partnerships:remove-approval"

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"body": data["body"].strip(), "date": data["date"], "decision": data["decision"].strip()}


class ConsultationForm(EntryFormView):
    form_class = forms.ConsultationForm
    section = "partnerships:consultation"
    collection = "consultation"
    remove_url_name = "partnerships:remove-consultation"

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "who": data["who"],
            "how": data["how"].strip(),
            "date": data["date"],
            "notes": data["notes"].strip(),
        }


class BoardMemberForm(EntryFormView):
    form_class = forms.BoardMemberForm
    section = "partnerships:board"
    collection = "board"
    remove_url_name = "partnerships:remove-board-member"

    def defaults(self) -> dict[str, Any]:
        return {"kind": "officer"}

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {"represents": "", **entry}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": data["name"].strip(),
            "role": data["role"].strip(),
            "kind": data["kind"],
            "represents": data["represents"],
        }


class ProviderForm(EntryFormView):
    """A provider the partnership commissions, known by its code (provider roles act for one)."""

    form_class = forms.ProviderForm
    section = "partnerships:overview"
    collection = "providers"
    remove_url_name = "partnerships:remove-provider"

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {"code": entry["code"], "name": entry.get("name", ""), "tiers": entry.get("tiers", [])}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.kept_from_current("code", "name", "tiers"),
            "code": data["code"],
            "name": data["name"].strip(),
            "tiers": sorted(data["tiers"]),
        }


class RemoveProvider(RemoveEntryView):
    collection = "providers"
    section = "partnerships:overview"


class RemoveApproval(RemoveEntryView):
    collection = "approvals"
    section = "partnerships:approvals"


class RemoveConsultation(RemoveEntryView):
    collection = "consultation"
    section = "partnerships:consultation"


class RemoveBoardMember(RemoveEntryView):
    collection = "board"
    section = "partnerships:board"
