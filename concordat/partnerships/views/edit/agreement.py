"""Forms for the agreement itself: its details, partners, aims and outcomes, milestones and the governance
checklist."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from ... import forms, services
from ...rules import vocabulary as words
from ..base import AgreementFormView
from .entries import EntryFormView, RemoveEntryView, without_empty

# Where the checker's problems with the agreement's top-level keys belong on the details form.
DETAILS_FIELDS = {
    **{
        key: key
        for key in (
            "name",
            "client_group",
            "area",
            "flexibilities",
            "host_partner",
            "lead_commissioner",
            "agreement_date",
            "start_date",
            "review_date",
            "responsible_officer",
        )
    },
    "lead_commissioner.name": "commissioning_body",
    "lead_commissioner.acts_for": "commissioning_body_acts_for",
    "eligibility.min_age": "min_age",
    "eligibility.max_age": "max_age",
    "eligibility.description": "eligibility_description",
    "risk_share.overspend": "overspend",
    "risk_share.underspend": "underspend",
    "risk_share.fixed_shares": "fixed_shares",
}


def details_field(path: str) -> str | None:
    return next(
        (
            name
            for key, name in DETAILS_FIELDS.items()
            if path == key or path.startswith((key + ".", key + "["))
        ),
        None,
    )


def _lead_initial(lead: Any) -> dict[str, Any]:
    if isinstance(lead, dict):
        return {
            "lead_commissioner": "",
            "commissioning_body": lead.get("name", ""),
            "commissioning_body_acts_for": list(lead.get("acts_for", [])),
        }
    return {"lead_commissioner": lead or "", "commissioning_body": "", "commissioning_body_acts_for": []}


class DetailsForm(AgreementFormView):
    form_class = forms.DetailsForm
    page_title = "Change the agreement's details"
    section = "partnerships:overview"
    success_message = "Agreement details saved"

    def field_for_problem(self, path: str, outcome: services.Outcome) -> str | None:
        return details_field(path)

    def get_initial(self) -> dict[str, Any]:
        d = self.document
        eligibility = d.get("eligibility", {})
        risk_share = d.get("risk_share", {})
        return {
            "name": d["name"],
            "client_group": d["client_group"],
            "area": ", ".join(d.get("area", [])),
            "flexibilities": d.get("flexibilities", []),
            "host_partner": d.get("host_partner") or "",
            **_lead_initial(d.get("lead_commissioner")),
            "agreement_date": d.get("agreement_date"),
            "start_date": d.get("start_date"),
            "review_date": d.get("review_date"),
            "responsible_officer": d.get("responsible_officer", ""),
            "min_age": eligibility.get("min_age"),
            "max_age": eligibility.get("max_age"),
            "residence_in_area": eligibility.get("residence_in_area", False),
            "eligibility_description": eligibility.get("description", ""),
            "overspend": risk_share.get("overspend", "proportional"),
            "underspend": risk_share.get("underspend", "proportional"),
            "fixed_shares": "\n".join(
                f"{code} {share}" for code, share in risk_share.get("fixed_shares", {}).items()
            ),
        }

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        values: dict[str, Any] = {}
        self.edit(values, data, dict(self.document))
        return services.details_save(
            partnership=self.partnership, user=self.request.user, values=values, seen=seen
        )

    def edit(self, document: dict[str, Any], data: dict[str, Any], current: dict[str, Any]) -> None:
        for key in (
            "name",
            "client_group",
            "area",
            "flexibilities",
            "agreement_date",
            "start_date",
            "review_date",
            "responsible_officer",
        ):
            document[key] = data[key]
        document["host_partner"] = data["host_partner"] or None
        body = data["commissioning_body"].strip()
        if body:  # a lead commissioner that is not a partner replaces the partner chosen
            document["lead_commissioner"] = {"name": body, "acts_for": data["commissioning_body_acts_for"]}
        else:
            document["lead_commissioner"] = data["lead_commissioner"] or None
        eligibility = dict(current.get("eligibility", {}))
        eligibility.update(
            min_age=data["min_age"],
            max_age=data["max_age"],
            residence_in_area=data["residence_in_area"],
            description=data["eligibility_description"],
        )
        document["eligibility"] = without_empty(eligibility)
        document["risk_share"] = {
            "overspend": data["overspend"],
            "underspend": data["underspend"],
            "fixed_shares": data["fixed_shares"],
        }


class PartnerForm(EntryFormView):
    form_class = forms.PartnerForm
    section = "partnerships:overview"
    collection = "partners"
    remove_url_name = "partnerships:remove-partner"

    def defaults(self) -> dict[str, Any]:
        return {"kind": "local-authority"}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {key: data[key] for key in ("code", "name", "kind", "org_code", "address")}


class AimsForm(AgreementFormView):
    form_class = forms.AimsForm
    page_title = "Change aims and outcomes"
    section = "partnerships:aims"
    success_message = "Aims and outcomes saved"

    def current(self, document: dict[str, Any]) -> Any:
        return {"aims": document.get("aims", []), "outcomes": document.get("outcomes", [])}

    def get_initial(self) -> dict[str, Any]:
        return dict(self.current(self.document))

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        return services.statements_save(
            partnership=self.partnership,
            user=self.request.user,
            aims=data["aims"],
            outcomes=data["outcomes"],
            seen=seen,
        )

    def field_for_problem(self, path: str, outcome: services.Outcome) -> str | None:
        return path.split("[")[0] if path.startswith(("aims", "outcomes")) else None


class NarrativeForm(AgreementFormView):
    """Notification form items 7, 9 and 10 and the movement of staff, checked by the file's rules."""

    form_class = forms.NarrativeForm
    page_title = "Change the notification form's statements"
    section = "partnerships:notification-form"
    success_message = "Notification form statements saved"
    intro = "Items 7 to 10 of the Section 31 notification form, in the agreement's own words."

    def current(self, document: dict[str, Any]) -> Any:
        return services.narrative_of(document)

    def get_initial(self) -> dict[str, Any]:
        return dict(self.current(self.document))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "intro": self.intro}

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        return services.narrative_save(
            partnership=self.partnership,
            user=self.request.user,
            improvements=data["improvements"],
            health_outcomes=data["health_outcomes"],
            joint_working=data["joint_working"],
            staff_movement=data["staff_movement"].strip(),
            seen=seen,
        )

    def field_for_problem(self, path: str, outcome: services.Outcome) -> str | None:
        name = path.split("[")[0].split(".")[0]
        return name if name in services.NARRATIVE_KEYS else None


class MilestoneForm(EntryFormView):
    form_class = forms.MilestoneForm
    section = "partnerships:aims"
    collection = "milestones"
    remove_url_name = "partnerships:remove-milestone"

    def defaults(self) -> dict[str, Any]:
        return {"status": "open"}

    def entry_from(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"text": data["text"].strip(), "due": data["due"], "status": data["status"]}


class GovernanceItemForm(EntryFormView):
    """One of the ten items: an item the agreement does not mention yet is added when first saved."""

    form_class = forms.GovernanceItemForm
    section = "partnerships:governance"
    collection = "governance"
    success_message = "Governance item saved"  # type: ignore[assignment]

    @property  # type: ignore[override]
    def page_title(self) -> str:
        return words.GOVERNANCE_ITEMS[self.kwargs["item"]]

    def entry_key(self) -> str | None:
        return str(self.kwargs["item"])

    @property
    def adding(self) -> bool:  # type: ignore[override]
        return False

    def current(self, document: dict[str, Any]) -> Any:
        if self.kwargs["item"] not in words.GOVERNANCE_ITEMS:
            raise Http404("No such governance item")
        index = services.entry_index(document, "governance", self.kwargs["item"])
        return None if index is None else document["governance"][index]

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # An item the agreement does not mention yet is not "removed": saving it adds it.
        return super(EntryFormView, self).post(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        entry = self.current(self.document)
        if entry is None:
            return {"status": "open"}
        return {
            key: entry.get(key) for key in ("status", "evidence", "signed_off_by", "signed_off_on", "source")
        }

    def save(self, data: dict[str, Any], *, seen: str | None, token: str | None) -> services.Outcome:
        entry = without_empty(
            {
                "item": self.kwargs["item"],
                "status": data["status"],
                "evidence": data["evidence"].strip(),
                "signed_off_by": data["signed_off_by"].strip(),
                "signed_off_on": data["signed_off_on"],
                "source": (data.get("source") or "").strip(),
            }
        )
        if self.current(self.document) is None and entry == {"item": self.kwargs["item"], "status": "open"}:
            return services.Outcome(services.Report())  # not mentioned is open already: nothing to record
        return services.entry_save(
            partnership=self.partnership,
            user=self.request.user,
            collection="governance",
            key=self.kwargs["item"],
            entry=entry,
            seen=seen,
            create_missing=True,
        )


class RemovePartner(RemoveEntryView):
    collection = "partners"
    section = "partnerships:overview"


class RemoveMilestone(RemoveEntryView):
    collection = "milestones"
    section = "partnerships:aims"
