"""The words a partnership file may use, with the labels pages show. One place for each list."""

from __future__ import annotations

CLIENT_GROUPS = {
    "drugs": "Drugs",
    "alcohol": "Alcohol",
    "drugs-and-alcohol": "Drugs and alcohol",
    "learning-disabilities": "Learning disabilities",
    "mental-health": "Mental health",
    "other": "Other",
}
FLEXIBILITIES = {
    "pooled-fund": "Pooled fund",
    "lead-commissioning": "Lead commissioning",
    "integrated-provision": "Integrated provision",
}
# A flexibility needs someone in a role: the pooled fund a host, lead commissioning a lead commissioner.
FLEXIBILITY_ROLES = {"pooled-fund": "host_partner", "lead-commissioning": "lead_commissioner"}
PARTNER_KINDS = {
    "local-authority": "Local authority",
    "nhs": "NHS body",
    "police": "Police",
    "probation": "Probation",
    "other": "Other",
}
OVERSPEND_RULES = {
    "proportional": "In proportion to shares",
    "host": "All on the host partner",
    "fixed": "Fixed percentages",
}
UNDERSPEND_RULES = {**OVERSPEND_RULES, "carry-forward": "Carried forward into next year's budget"}
# The value of `source` that marks an entry as made up for the demonstration, not taken from a paper.
INVENTED = "invented"
# How the contributions should compare with a stated total ("over £1.3 million"); see rules/reconcile.py.
STATED_TOTAL_RELATIONS = {
    "exact": "Exactly",
    "over": "Over",
    "under": "Under",
    "about": "About (within 5%)",
}
# Where an approval stands. No state (blank) is a decision recorded in words only, as before states existed.
APPROVAL_STATES = {
    "requested": "Requested",
    "approved": "Approved",
    "endorsed": "Endorsed",
    "refused": "Refused",
    "deferred": "Deferred",
}
RISK_STATUSES = {"open": "Open", "closed": "Closed"}
# The scales of a risk's likelihood and impact, 1 to 5, in words.
RISK_LIKELIHOOD = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
RISK_IMPACT = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
MILESTONE_STATUSES = {"open": "Not started", "in-progress": "In progress", "met": "Met", "not-met": "Not met"}
GOVERNANCE_STATUSES = {"confirmed": "Confirmed", "open": "Open"}
# Notification form item 13, in the form's order and words.
GOVERNANCE_ITEMS = {
    "governance-arrangements": "Governance arrangements, including decision-making processes, monitoring, "
    "accounting and auditing, operational and management arrangements",
    "review": "When the partnership arrangements will be reviewed",
    "human-resources": "Human resources, including staffing, terms and conditions, policies",
    "information-sharing": "Information sharing",
    "functions-included": "Identification of functions that are included in the arrangement",
    "eligibility-and-assessment": "Eligibility criteria and assessment processes",
    "complaints": "Complaints",
    "charging-and-vat": "Financial issues such as charging and VAT implications, including whether the "
    "appropriate office of HM Customs and Excise has been consulted",
    "auditors-consulted": "Whether the partnership arrangement has been discussed with the relevant auditors",
    "disputes-and-dissolution": "How disputes will be resolved, and how partners will resolve changes in the "
    "arrangement, or dissolve it",
}
CONSULTEE_GROUPS = {
    "service-users": "Service users",
    "carers": "Carers",
    "staff": "Staff",
    "providers": "Providers",
    "public": "The public",
    "partners": "Partner organisations",
    "elected-members": "Elected members",
    "other": "Others",
}
BOARD_MEMBER_KINDS = {
    "officer": "Officer",
    "elected-member": "Elected member",
    "service-user": "Service user",
    "carer": "Carer",
    "provider": "Provider",
    "other": "Other",
}
# Who delivers a service (a provider's sector) and whom it serves (a provider's or a service's client groups).
PROVIDER_SECTORS = {"statutory": "Statutory", "voluntary": "Voluntary", "private": "Private"}
SERVED_GROUPS = {"adults": "Adults", "young-people": "Young people"}
BASELINE_KPIS = {
    "in_treatment": "Numbers in treatment",
    "accessing_services": "People accessing services",
    "new_starts": "New starts",
}
SPEND_PURPOSES = {
    "treatment": "Treatment",
    "harm-reduction": "Harm reduction",
    "young-people": "Young people",
    "commissioning-support": "Commissioning support",
}

# The eight modalities of treatment-data.md, which every partnership has: code -> (name, tier, structured).
BUILT_IN_MODALITIES: dict[str, tuple[str, int, bool]] = {
    "advice": ("Information, advice, triage, harm-reduction advice", 2, False),
    "needle-exchange": ("Needle and syringe programme", 2, False),
    "pharmacological": (
        "Prescribing (specialist or GP shared care), including supervised consumption",
        3,
        True,
    ),
    "psychosocial": ("Structured psychosocial intervention or counselling", 3, True),
    "day-programme": ("Structured day programme", 3, True),
    "recovery-support": ("Recovery support within a care plan", 3, True),
    "inpatient-detox": ("Inpatient detoxification unit", 4, True),
    "residential-rehab": ("Residential rehabilitation", 4, True),
}
