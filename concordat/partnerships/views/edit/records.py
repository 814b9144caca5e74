"""Forms for the partnership's records: the providers it commissions, the approvals trail, the consultation
and involvement log, the board's membership, the risk register and the signatories."""

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
        return {
            "body": data["body"].strip(),
            "date": data["date"],
            "state": data["state"],
            "decision": data["decision"].strip(),
            "reference": data["reference"].strip(),
        }


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


class RiskForm(EntryFormView):
    form_class = forms.RiskForm
    section = "partnerships:risks"
    collection = "risks"
    remove_url_name = "partnerships:remove-risk"

    def defaults(self) -> dict[str, Any]:
        return {"status": "open"}

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {"status": "open", **entry}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "description": data["description"].strip(),
            "cause": data["cause"].strip(),
            "likelihood": data["likelihood"],
            "impact": data["impact"],
            "owner": data["owner"].strip(),
            "mitigation": data["mitigation"].strip(),
            "status": data["status"] if data["status"] != "open" else "",
            "review_date": data["review_date"],
        }


class SignatoryForm(EntryFormView):
    """Who signed for a partner; the notification form prints them in its signature block."""

    form_class = forms.SignatoryForm
    section = "partnerships:approvals"
    collection = "signatories"
    remove_url_name = "partnerships:remove-signatory"

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {"partner": "", **entry}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "partner": data["partner"],
            "name": data["name"].strip(),
            "role": data["role"].strip(),
            "date": data["date"],
        }


class RemoveRisk(RemoveEntryView):
    collection = "risks"
    section = "partnerships:risks"


class RemoveSignatory(RemoveEntryView):
    collection = "signatories"
    section = "partnerships:approvals"


class ProviderForm(EntryFormView):
    """A provider the partnership commissions, known by its code (provider roles act for one)."""

    form_class = forms.ProviderForm
    section = "partnerships:overview"
    collection = "providers"
    remove_url_name = "partnerships:remove-provider"

    # The form's fields, as the file's keys (ages is one mapping in the file, two fields here).
    FIELDS = (
        "code",
        "name",
        "tiers",
        "sector",
        "org_code",
        "client_groups",
        "ages",
        "capacity",
        "single_point_of_referral",
    )

    def initial_from(self, entry: dict[str, Any]) -> dict[str, Any]:
        ages = entry.get("ages") or {}
        return {
            "code": entry["code"],
            "name": entry.get("name", ""),
            "tiers": entry.get("tiers", []),
            "sector": entry.get("sector", ""),
            "org_code": entry.get("org_code", ""),
            "client_groups": entry.get("client_groups", []),
            "min_age": ages.get("min"),
            "max_age": ages.get("max"),
            "capacity": entry.get("capacity"),
            "single_point_of_referral": entry.get("single_point_of_referral", False),
        }

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        ages = {k: v for k, v in {"min": data["min_age"], "max": data["max_age"]}.items() if v is not None}
        said = {
            "sector": data["sector"] or None,
            "org_code": data["org_code"].strip() or None,
            "client_groups": data["client_groups"] or None,
            "ages": ages or None,
            "capacity": data["capacity"],
            "single_point_of_referral": data["single_point_of_referral"] or None,
        }
        return {
            **self.kept_from_current(*self.FIELDS),
            "code": data["code"],
            "name": data["name"].strip(),
            "tiers": sorted(data["tiers"]),
            **{k: v for k, v in said.items() if v is not None},
        }

    def field_for_problem(self, path: str, outcome: Any) -> str | None:
        field = super().field_for_problem(path, outcome)
        if field == "ages":  # providers[n].ages.min -> min_age
            return f"{path.rsplit('.', 1)[-1]}_age"
        return field


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
