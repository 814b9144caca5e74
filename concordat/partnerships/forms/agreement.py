"""The agreement's web forms. Each form only reads what a person typed into Python values; the agreement
checker (rules/agreement.py) then judges the whole agreement, so the rules live in one place. The few
rules here are about the page itself (a confirmed governance item needs its evidence written down)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fixed, Layout
from django import forms
from django.core.exceptions import ValidationError

from concordat.core.codes import GSS, LOCAL_CODE

from ..rules import vocabulary as words
from ..rules.limits import ADDRESS, COUNTS, LONG, NAME, ORG_CODE, PROSE, SOURCE, STATEMENT
from ..rules.limits import CODE as CODE_LENGTH
from .fields import FinancialYearField, GovukDateField, LinesField, MoneyField, state_limits


def statements(key: str, label: str, help_text: str, entry: str = "statement") -> LinesField:
    """A list of the agreement's sentences, one a line, with the file's limits for `key` (rules/limits.py)."""
    return LinesField(
        label=label,
        required=False,
        help_text=help_text,
        entry=entry,
        max_entries=COUNTS[key],
        max_length=STATEMENT,
    )


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


def partner_choices(document: dict[str, Any], blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(p["code"], f"{p.get('name', p['code'])} ({p['code']})") for p in document.get("partners", [])]
    return [("", blank), *choices] if blank is not None else choices


class AgreementForm(forms.Form):
    """A form on the agreement: knows the agreement document (for choices) and whether it adds or changes.

    `sourced` forms (one entry of a list) end with the entry's `source`, so that editing an entry keeps
    where it comes from, and a person can say it (or clear "invented" once the value is real)."""

    sourced = False

    def __init__(self, *args: Any, document: dict[str, Any], adding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document = document
        self.adding = adding
        if self.sourced:
            self.fields["source"] = forms.CharField(
                label="Source (optional)",
                required=False,
                max_length=SOURCE,
                help_text="Where this comes from, for example, Notification form, item 12; "
                "or invented, for a value made up for a demonstration",
            )
        self.prepare()
        state_limits(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the <form> and its token
        layout = self.layout()
        if layout is not None:
            if self.sourced:
                layout.fields.append(Field.text("source"))
            self.helper.layout = layout

    def prepare(self) -> None:
        """Set choices that depend on the agreement."""

    def layout(self) -> Layout | None:
        return None

    def new_code(self, collection: str, what: str) -> str:
        """The `code` field, checked where a person can fix it: the file's code pattern, unused in `collection`."""
        code: str = self.cleaned_data["code"].strip()
        if self.adding:
            if not LOCAL_CODE.fullmatch(code):
                raise ValidationError("The code must be 1 to 32 letters, figures, hyphens or underscores")
            if code in {entry["code"] for entry in self.document.get(collection, [])}:
                raise ValidationError(f"There is already a {what} with code {code}")
        return code


class DetailsForm(AgreementForm):
    name = forms.CharField(label="Name of the partnership", max_length=NAME)
    client_group = forms.ChoiceField(
        label="Client group", choices=_choices(words.CLIENT_GROUPS), widget=forms.RadioSelect
    )
    area = forms.CharField(
        label="Local authority areas", help_text="ONS GSS codes, separated by commas, for example, E08000006"
    )
    flexibilities = forms.MultipleChoiceField(
        label="Flexibilities used",
        required=False,
        choices=_choices(words.FLEXIBILITIES),
        widget=forms.CheckboxSelectMultiple,
    )
    host_partner = forms.ChoiceField(
        label="Host partner",
        required=False,
        help_text="The pooled fund manager's body; needed with a pooled fund",
    )
    lead_commissioner = forms.ChoiceField(
        label="Lead commissioner", required=False, help_text="Needed with lead commissioning"
    )
    commissioning_body = forms.CharField(
        label="Lead commissioning body, if it is not a partner (optional)",
        required=False,
        max_length=NAME,
        help_text="For example, Salford Drug Action Team; it replaces the lead commissioner above",
    )
    commissioning_body_acts_for = forms.MultipleChoiceField(
        label="Partners the commissioning body acts for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agreement_date = GovukDateField(label="Agreement date", required=False)
    start_date = GovukDateField(label="Start date", required=False)
    review_date = GovukDateField(label="Review date", required=False)
    responsible_officer = forms.CharField(label="Responsible officer", required=False, max_length=LONG)
    min_age = forms.IntegerField(
        label="Minimum age (optional)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    max_age = forms.IntegerField(
        label="Maximum age (optional)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    residence_in_area = forms.BooleanField(
        label="Clients must live in the partnership's area", required=False
    )
    eligibility_description = forms.CharField(
        label="Eligibility",
        required=False,
        max_length=PROSE,
        widget=forms.Textarea,
        help_text="Who the partnership serves (notification form item 11)",
    )
    overspend = forms.ChoiceField(
        label="How an overspend falls", choices=_choices(words.OVERSPEND_RULES), widget=forms.RadioSelect
    )
    underspend = forms.ChoiceField(
        label="How an underspend falls", choices=_choices(words.UNDERSPEND_RULES), widget=forms.RadioSelect
    )
    fixed_shares = forms.CharField(
        label="Fixed shares",
        required=False,
        widget=forms.Textarea,
        help_text="With fixed percentages: one partner a line, for example, SCC 60",
    )

    def prepare(self) -> None:
        host: Any = self.fields["host_partner"]
        lead: Any = self.fields["lead_commissioner"]
        host.choices = partner_choices(self.document, "None")
        lead.choices = partner_choices(self.document, "None")
        acts_for: Any = self.fields["commissioning_body_acts_for"]
        acts_for.choices = partner_choices(self.document)

    def layout(self) -> Layout:
        return Layout(
            Field.text("name"),
            Field.radios("client_group"),
            Field.text("area", field_width=Fixed.TWENTY),
            Field.checkboxes("flexibilities"),
            Field.select("host_partner"),
            Field.select("lead_commissioner"),
            Field.text("commissioning_body"),
            Field.checkboxes("commissioning_body_acts_for"),
            "agreement_date",
            "start_date",
            "review_date",
            Field.text("responsible_officer"),
            Fieldset(
                Field.text("min_age", field_width=Fixed.THREE),
                Field.text("max_age", field_width=Fixed.THREE),
                Field.checkbox("residence_in_area"),
                Field.textarea("eligibility_description", rows=5),
                legend="Eligibility",
                legend_size="m",
            ),
            Fieldset(
                Field.radios("overspend"),
                Field.radios("underspend"),
                Field.textarea("fixed_shares", rows=4),
                legend="Risk share",
                legend_size="m",
            ),
        )

    def clean_area(self) -> list[str]:
        codes = [code for code in re.split(r"[\s,]+", self.cleaned_data["area"].strip()) if code]
        wrong = [code for code in codes if not GSS.match(code)]
        if wrong:
            raise ValidationError(
                f"Enter ONS GSS codes, a letter and 8 figures, like E08000006 (not {', '.join(wrong)})"
            )
        if not codes:
            raise ValidationError("Enter at least one local authority area")
        return codes

    def clean_fixed_shares(self) -> dict[str, str]:
        shares: dict[str, str] = {}
        for line in self.cleaned_data["fixed_shares"].splitlines():
            if not line.strip():
                continue
            code, _, share = line.replace(":", " ").replace("%", " ").strip().partition(" ")
            try:
                shares[code] = str(Decimal(share.strip()))
            except InvalidOperation:
                raise ValidationError(
                    f"Write each share as a partner code and a percentage, like SCC 60 (not '{line.strip()}')"
                ) from None
        return shares

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", "The maximum age must not be below the minimum age")
        return data


class PartnerForm(AgreementForm):
    sourced = True
    code = forms.CharField(
        label="Code",
        max_length=CODE_LENGTH,
        help_text="A short code used in the agreement, for example, SCC; it cannot be changed later",
    )
    name = forms.CharField(label="Name", max_length=NAME)
    kind = forms.ChoiceField(
        label="Kind of body", choices=_choices(words.PARTNER_KINDS), widget=forms.RadioSelect
    )
    org_code = forms.CharField(
        label="Official code (optional)",
        required=False,
        max_length=ORG_CODE,
        help_text="A GSS code for a council, an ODS code for an NHS body",
    )
    address = forms.CharField(label="Address (optional)", required=False, max_length=ADDRESS)

    def prepare(self) -> None:
        self.fields["code"].disabled = not self.adding

    def layout(self) -> Layout:
        return Layout(
            Field.text("code", field_width=Fixed.TEN),
            Field.text("name"),
            Field.radios("kind"),
            Field.text("org_code", field_width=Fixed.TEN),
            Field.text("address"),
        )

    def clean_code(self) -> str:
        return self.new_code("partners", "partner")


class StreamForm(AgreementForm):
    sourced = True
    code = forms.CharField(
        label="Code",
        max_length=CODE_LENGTH,
        help_text="A short code, for example, NTA-PTB; it cannot be changed later",
    )
    name = forms.CharField(label="Name", max_length=NAME)
    partner = forms.ChoiceField(
        label="Whose money it is",
        error_messages={
            "required": "Select the partner whose money this is",
            "invalid_choice": "Select the partner whose money this is: %(value)s is not a partner of this agreement",
        },
    )
    ring_fenced = forms.ChoiceField(
        label="Ring-fenced for", required=False, help_text="The only spend purpose this money may be used for"
    )

    def prepare(self) -> None:
        self.fields["code"].disabled = not self.adding
        partner: Any = self.fields["partner"]
        partner.choices = partner_choices(self.document, "Select a partner")
        purposes = dict(words.SPEND_PURPOSES)
        current = self.initial.get("ring_fenced")
        if current and current not in purposes:
            purposes[current] = current
        ring_fenced: Any = self.fields["ring_fenced"]
        ring_fenced.choices = [("", "Not ring-fenced"), *purposes.items()]

    def layout(self) -> Layout:
        return Layout(
            Field.text("code", field_width=Fixed.TEN),
            Field.text("name"),
            Field.select("partner"),
            Field.select("ring_fenced"),
        )

    def clean_code(self) -> str:
        return self.new_code("funding_streams", "funding stream")


class ContributionForm(AgreementForm):
    sourced = True
    stream = forms.ChoiceField(
        label="Funding stream",
        error_messages={
            "required": "Select the funding stream",
            "invalid_choice": "Select the funding stream: %(value)s is not a funding stream of this agreement",
        },
    )
    year = FinancialYearField(label="Financial year")
    amount = MoneyField(
        label="Planned amount",
        help_text="In pounds, for example, 1,200,000.00",
        error_messages={"required": "Enter the planned amount"},
    )

    def __init__(self, *args: Any, current_key: str | None = None, **kwargs: Any) -> None:
        self.current_key = current_key  # "STREAM YYYY-YY" of the contribution being changed; None when adding
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        stream: Any = self.fields["stream"]
        stream.choices = [("", "Select a funding stream")] + [
            (s["code"], f"{s.get('name', s['code'])} ({s['code']})")
            for s in self.document.get("funding_streams", [])
        ]

    def layout(self) -> Layout:
        return Layout(
            Field.select("stream"),
            Field.text("year", field_width=Fixed.FIVE),
            Field.text("amount", field_width=Fixed.TEN),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        stream, year = data.get("stream"), data.get("year")
        for line in self.document.get("contributions", []):
            key = f"{line.get('stream')} {line.get('year')}"
            if key != self.current_key and line.get("stream") == stream and line.get("year") == str(year):
                self.add_error(
                    "year", f"The {stream} stream already has a contribution for {year}: change that one"
                )
        return data


class AimsForm(AgreementForm):
    aims = statements("aims", "Aims", "One aim a line", entry="aim")
    outcomes = statements("outcomes", "Outcomes", "One outcome a line", entry="outcome")

    def layout(self) -> Layout:
        return Layout(Field.textarea("aims", rows=8), Field.textarea("outcomes", rows=8))


class MilestoneForm(AgreementForm):
    sourced = True
    text = forms.CharField(
        label="Milestone",
        max_length=STATEMENT,
        widget=forms.Textarea,
        error_messages={"required": "Enter what is to be achieved"},
    )
    due = GovukDateField(label="Due date", required=False)
    status = forms.ChoiceField(
        label="Status", choices=_choices(words.MILESTONE_STATUSES), widget=forms.RadioSelect, initial="open"
    )

    def layout(self) -> Layout:
        return Layout(Field.textarea("text", rows=3), "due", Field.radios("status"))


class GovernanceItemForm(AgreementForm):
    sourced = True
    status = forms.ChoiceField(
        label="Is this arrangement in place and robust?",
        choices=[("confirmed", "Confirmed"), ("open", "Open")],
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=STATEMENT,
        widget=forms.Textarea,
        help_text="Where the agreement covers this, for example, a schedule or clause",
    )
    signed_off_by = forms.CharField(label="Signed off by", required=False, max_length=NAME)
    signed_off_on = GovukDateField(label="Date signed off", required=False)

    def layout(self) -> Layout:
        return Layout(
            Field.radios("status"),
            Field.textarea("evidence", rows=5),
            Field.text("signed_off_by"),
            "signed_off_on",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == "confirmed":
            if not (data.get("evidence") or "").strip():
                self.add_error("evidence", "Enter the evidence that this is robust")
            if not (data.get("signed_off_by") or "").strip():
                self.add_error("signed_off_by", "Enter the name of the person who signed this off")
        return data


class ApprovalForm(AgreementForm):
    sourced = True
    body = forms.CharField(
        label="Body",
        max_length=LONG,
        help_text="The board, committee or group that decided",
        error_messages={"required": "Enter the body that decided"},
    )
    state = forms.ChoiceField(
        label="Where it stands (optional)",
        required=False,
        choices=[("", "Not stated: the decision in words below"), *_choices(words.APPROVAL_STATES)],
        widget=forms.RadioSelect,
        help_text="Requested, while the body has been asked and has not yet decided",
    )
    date = GovukDateField(
        label="Date of the decision",
        required=False,
        help_text="For example, 15 1 2004. Leave the day empty when only the month is known; "
        "leave it all empty for a request not yet dated",
    )
    decision = forms.CharField(
        label="Decision",
        required=False,
        max_length=LONG,
        help_text="For example, supported, or what the body was asked to approve; needed when no state is chosen",
    )
    reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=LONG,
        help_text="For example, forward plan ref E645",
    )

    def layout(self) -> Layout:
        return Layout(
            Field.text("body"), Field.radios("state"), "date", Field.text("decision"), Field.text("reference")
        )


class ConsultationForm(AgreementForm):
    sourced = True
    who = forms.ChoiceField(
        label="Who was consulted or involved",
        choices=_choices(words.CONSULTEE_GROUPS),
        widget=forms.RadioSelect,
        error_messages={"required": "Select who was consulted"},
    )
    how = forms.CharField(
        label="How",
        max_length=STATEMENT,
        widget=forms.Textarea,
        error_messages={"required": "Enter how they were consulted or involved"},
    )
    date = GovukDateField(label="Date", required=False)
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=STATEMENT, widget=forms.Textarea
    )

    def layout(self) -> Layout:
        return Layout(
            Field.radios("who"), Field.textarea("how", rows=3), "date", Field.textarea("notes", rows=4)
        )


class BoardMemberForm(AgreementForm):
    sourced = True
    name = forms.CharField(
        label="Name", max_length=NAME, error_messages={"required": "Enter the member's name"}
    )
    role = forms.CharField(label="Role (optional)", required=False, max_length=NAME)
    kind = forms.ChoiceField(
        label="Kind of member",
        choices=_choices(words.BOARD_MEMBER_KINDS),
        widget=forms.RadioSelect,
        initial="officer",
    )
    represents = forms.ChoiceField(
        label="Represents (optional)",
        required=False,
        error_messages={"invalid_choice": "Select a partner of this agreement: %(value)s is not one"},
    )

    def prepare(self) -> None:
        represents: Any = self.fields["represents"]
        represents.choices = partner_choices(self.document, "No partner")

    def layout(self) -> Layout:
        return Layout(
            Field.text("name"), Field.text("role"), Field.radios("kind"), Field.select("represents")
        )


class RiskForm(AgreementForm):
    sourced = True
    description = forms.CharField(
        label="Risk",
        max_length=STATEMENT,
        widget=forms.Textarea,
        error_messages={"required": "Describe the risk"},
    )
    cause = forms.CharField(
        label="Cause (optional)", required=False, max_length=STATEMENT, widget=forms.Textarea
    )
    likelihood = forms.TypedChoiceField(
        label="Likelihood",
        coerce=int,
        choices=[(score, f"{score} {text}") for score, text in words.RISK_LIKELIHOOD.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how likely the risk is, from 1 to 5"},
    )
    impact = forms.TypedChoiceField(
        label="Impact",
        coerce=int,
        choices=[(score, f"{score} {text}") for score, text in words.RISK_IMPACT.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how great the impact would be, from 1 to 5"},
    )
    owner = forms.CharField(label="Owner (optional)", required=False, max_length=NAME)
    mitigation = forms.CharField(
        label="Mitigation (optional)", required=False, max_length=PROSE, widget=forms.Textarea
    )
    status = forms.ChoiceField(
        label="Status", choices=_choices(words.RISK_STATUSES), widget=forms.RadioSelect, initial="open"
    )
    review_date = GovukDateField(label="Review date", required=False)

    def layout(self) -> Layout:
        return Layout(
            Field.textarea("description", rows=3),
            Field.textarea("cause", rows=3),
            Field.radios("likelihood"),
            Field.radios("impact"),
            Field.text("owner"),
            Field.textarea("mitigation", rows=4),
            Field.radios("status"),
            "review_date",
        )


class SignatoryForm(AgreementForm):
    sourced = True
    partner = forms.ChoiceField(
        label="Signed for (optional)",
        required=False,
        error_messages={"invalid_choice": "Select a partner of this agreement: %(value)s is not one"},
    )
    name = forms.CharField(
        label="Name", max_length=NAME, error_messages={"required": "Enter the name of who signed"}
    )
    role = forms.CharField(
        label="Title (optional)", required=False, max_length=NAME, help_text="For example, DAT co-ordinator"
    )
    date = GovukDateField(label="Date signed", required=False)

    def prepare(self) -> None:
        partner: Any = self.fields["partner"]
        partner.choices = partner_choices(self.document, "The partnership as a whole")

    def layout(self) -> Layout:
        return Layout(Field.select("partner"), Field.text("name"), Field.text("role"), "date")


class NarrativeForm(AgreementForm):
    """Notification form items 7, 9 and 10, one sentence a line, and the movement of staff (item 8)."""

    improvements = statements(
        "improvements",
        "7. How the partnership will lead to improvement in services",
        "As defined by the strategies in the Health Improvement Programme. One statement a line",
    )
    staff_movement = forms.CharField(
        label="8. Movement of staff",
        required=False,
        max_length=PROSE,
        widget=forms.Textarea,
        help_text="If staff are to move, whether they and their unions have been consulted",
    )
    health_outcomes = statements(
        "health_outcomes",
        "9. How the local authority functions will contribute to a health outcome",
        "One statement a line",
    )
    joint_working = statements(
        "joint_working", "10. How this promotes existing local joint working", "One statement a line"
    )

    def layout(self) -> Layout:
        return Layout(
            Field.textarea("improvements", rows=6),
            Field.textarea("staff_movement", rows=4),
            Field.textarea("health_outcomes", rows=6),
            Field.textarea("joint_working", rows=6),
        )


class StatedTotalForm(AgreementForm):
    """A total as a source paper states it, kept to reconcile with the contribution lines."""

    year = FinancialYearField(label="Financial year")
    amount = MoneyField(
        label="Total as stated",
        help_text="In pounds, as the paper writes it, for example, 2,984,360.00",
        error_messages={"required": "Enter the total as stated"},
    )
    source = forms.CharField(
        label="Where it is stated (optional)",
        required=False,
        max_length=LONG,
        help_text="For example, Notification form, item 12",
    )

    def layout(self) -> Layout:
        return Layout(
            Field.text("year", field_width=Fixed.FIVE),
            Field.text("amount", field_width=Fixed.TEN),
            Field.text("source"),
        )


class ProviderForm(AgreementForm):
    code = forms.CharField(
        label="Code",
        max_length=CODE_LENGTH,
        help_text="A short code, for example, SMHT; it cannot be changed later",
    )
    name = forms.CharField(
        label="Name", max_length=NAME, error_messages={"required": "Enter the provider's name"}
    )
    tiers = forms.TypedMultipleChoiceField(
        label="Models of Care tiers it works in",
        required=False,
        coerce=int,
        choices=[(tier, f"Tier {tier}") for tier in (1, 2, 3, 4)],
        widget=forms.CheckboxSelectMultiple,
    )

    sector = forms.ChoiceField(
        label="Sector (optional)",
        required=False,
        choices=[("", "Not said"), *words.PROVIDER_SECTORS.items()],
        widget=forms.RadioSelect,
    )
    org_code = forms.CharField(
        label="NHS ODS code (optional)", required=False, max_length=ORG_CODE, help_text="For example, RVN"
    )
    client_groups = forms.MultipleChoiceField(
        label="Whom it serves (optional)",
        required=False,
        choices=list(words.SERVED_GROUPS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    min_age = forms.IntegerField(
        label="Youngest age served (optional)", required=False, min_value=0, max_value=120
    )
    max_age = forms.IntegerField(
        label="Oldest age served (optional)", required=False, min_value=0, max_value=120
    )
    capacity = forms.IntegerField(
        label="Capacity (optional)",
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text="How many people it can treat at once",
    )
    single_point_of_referral = forms.BooleanField(
        label="All referrals come via this provider (the single point of referral)", required=False
    )

    def prepare(self) -> None:
        self.fields["code"].disabled = not self.adding

    def layout(self) -> Layout:
        return Layout(
            Field.text("code", field_width=Fixed.TEN),
            Field.text("name"),
            Field.checkboxes("tiers"),
            Field.radios("sector"),
            Field.text("org_code", field_width=Fixed.TEN),
            Field.checkboxes("client_groups"),
            Field.text("min_age", field_width=Fixed.FIVE),
            Field.text("max_age", field_width=Fixed.FIVE),
            Field.text("capacity", field_width=Fixed.TEN),
            Field.checkbox("single_point_of_referral"),
        )

    def clean_code(self) -> str:
        return self.new_code("providers", "provider")
