"""The partnership agreement: what the partnership file holds, as tables.

Money is pence (int); financial years are stored as their starting calendar year (2003 for "2003-04")
and read as `FinancialYear` values; days are dates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from concordat.core.days import PRECISIONS, PartialDate
from concordat.core.roles import PROVIDER_ROLES, Role
from concordat.core.years import FinancialYear

from .rules import vocabulary as words
from .rules.limits import (  # the checker refuses longer text
    ADDRESS,
    KEY,
    LONG,
    NAME,
    OPTION_CODE,
    ORG_CODE,
    SOURCE,
)


def precision_of(what: str) -> models.CharField:  # type: ignore[type-arg]
    """The column beside a date column that says how precise it is (core.days.PartialDate): "day", or
    "month" when only the month is known (the date column then holds the 1st)."""
    return models.CharField(
        max_length=5,
        choices=list(PRECISIONS.items()),
        default="day",
        help_text=f"How precise the {what} is: day, or month (the date holds the 1st) when only the month is known",
    )


def partial_date(row: models.Model, name: str) -> PartialDate | None:
    """A date column and its `<name>_precision` column read as one core.days.PartialDate (None: no date).
    (A function, not a mixin: a mixin would be named in the migrations' model bases.)"""
    return PartialDate.stored(getattr(row, name), getattr(row, f"{name}_precision", "day"))


class Partnership(models.Model):
    slug = models.SlugField(max_length=63, unique=True)
    name = models.CharField(max_length=NAME)
    demo = models.BooleanField(default=False, help_text="Demonstration data, not a real partnership")
    client_group = models.CharField(max_length=32, choices=words.CLIENT_GROUPS)
    area = models.JSONField(default=list, help_text="ONS GSS codes of the local authority areas served")
    flexibilities = models.JSONField(default=list)
    agreement_date = models.DateField(null=True, blank=True)
    agreement_date_precision = precision_of("agreement date")
    start_date = models.DateField(null=True, blank=True)
    start_date_precision = precision_of("start date")
    review_date = models.DateField(null=True, blank=True)
    review_date_precision = precision_of("review date")
    responsible_officer = models.CharField(max_length=LONG, blank=True)
    host_partner = models.ForeignKey(
        "Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_commissioner = models.ForeignKey(
        "Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A lead commissioner that is not a partner (a Drug Action Team): its name and the partners it acts for.
    commissioning_body = models.CharField(
        max_length=NAME, blank=True, help_text="The lead commissioner when it is not a partner"
    )
    commissioning_body_acts_for = models.JSONField(
        default=list, blank=True, help_text="Codes of the partners the commissioning body acts for"
    )
    overspend_rule = models.CharField(max_length=16, choices=words.OVERSPEND_RULES, default="proportional")
    underspend_rule = models.CharField(max_length=16, choices=words.UNDERSPEND_RULES, default="proportional")
    fixed_shares = models.JSONField(
        default=dict, blank=True, help_text="Partner code to percentage (a decimal string), summing to 100"
    )
    eligibility = models.JSONField(
        default=dict, blank=True, help_text="min_age, max_age, residence_in_area, description"
    )
    targets = models.JSONField(
        default=dict, blank=True, help_text="The KPI targets, as in the partnership file"
    )
    narrative = models.JSONField(
        default=dict,
        blank=True,
        help_text="Notification form prose: improvements, health_outcomes, joint_working, staff_movement",
    )
    # The pooled fund's terms (rules/pool_terms.py), as the file writes them; all optional.
    purposes = models.JSONField(
        default=list, blank=True, help_text="Spend purposes beyond the four built in: [{code, name}]"
    )
    schemes = models.JSONField(
        default=list,
        blank=True,
        help_text="Schemes of the pool: [{code, name, partner, purpose, maximum: {year: money}, spend_lines}]",
    )
    risk_reserve = models.JSONField(
        default=dict, blank=True, help_text="Risk reserve set aside from each year's budget: {year: money}"
    )
    unknown_keys = models.JSONField(
        "keys the format does not know",
        default=list,
        blank=True,
        help_text="Keys of the partnership file the format does not know, kept as written to be exported: "
        "[path of their mapping within this record, key, value as JSON text] (rules/known_keys.py)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The agreement's version: raised by every write that changes any part of it (services.sync), so a
    # form or an API client that read version N can be refused when it is no longer N (an ETag).
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.CharField(max_length=150, blank=True, help_text="Name of who last changed it")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.slug}

    def partial_date(self, name: str) -> PartialDate | None:
        return partial_date(self, name)

    @property
    def lead_commissioner_name(self) -> str:
        """Who leads the commissioning, as pages print it: the commissioning body, else the partner."""
        if self.commissioning_body:
            return self.commissioning_body
        return self.lead_commissioner.name if self.lead_commissioner_id else ""


class PartnershipPart(models.Model):
    """Something that belongs to one partnership; its audit entries are filed under that partnership.

    `changed_at` and `changed_by` say who last changed the row, for the message a stale edit gets.
    `source` is where the entry comes from: a citation in words, or `invented` (words.INVENTED)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.CharField(max_length=150, blank=True)
    source = models.CharField(
        max_length=SOURCE,
        blank=True,
        help_text="Where this comes from: a citation in words, or 'invented' for demonstration values",
    )
    unknown_keys = models.JSONField(
        "keys the format does not know",
        default=list,
        blank=True,
        help_text="Keys of the partnership file the format does not know, kept as written to be exported: "
        "[path of their mapping within this record, key, value as JSON text] (rules/known_keys.py)",
    )

    @property
    def invented(self) -> bool:
        return self.source == words.INVENTED

    def partial_date(self, name: str) -> PartialDate | None:
        return partial_date(self, name)

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}


class KeyedPart(PartnershipPart):
    """An entry with no natural key of its own: a generated `key`, unique in its partnership and never
    reused (keys.new_key), addresses it in URLs, forms, the API, the file and the audit trail."""

    key = models.CharField(max_length=KEY, help_text="Stable identifier; never changes, never reused")
    position = models.PositiveIntegerField(help_text="Place in the agreement's list")

    class Meta:
        abstract = True


class Partner(PartnershipPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partners")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=NAME)
    kind = models.CharField(max_length=32, choices=words.PARTNER_KINDS)
    org_code = models.CharField(
        max_length=16, blank=True, help_text="GSS code for a council, ODS code for an NHS body"
    )
    address = models.CharField(max_length=ADDRESS, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "code"], name="partner_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class FundingStream(PartnershipPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="funding_streams")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=NAME)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="funding_streams")
    ring_fenced = models.CharField(
        max_length=40, blank=True, help_text="Spend purpose this money may only be spent on"
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "code"], name="stream_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Contribution(PartnershipPart):
    """A planned contribution of one funding stream for one financial year."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contributions")
    stream = models.ForeignKey(FundingStream, on_delete=models.CASCADE, related_name="contributions")
    year = models.PositiveSmallIntegerField(
        help_text="Financial year by its first calendar year: 2003 is 2003-04"
    )
    amount_pence = models.BigIntegerField(help_text="Planned amount in pence")

    class Meta:
        ordering = ["year", "id"]
        indexes = [models.Index(fields=["partnership", "year"], name="contribution_year")]
        constraints = [
            models.UniqueConstraint(fields=["stream", "year"], name="contribution_stream_year_unique"),
            models.CheckConstraint(condition=models.Q(amount_pence__gte=0), name="contribution_not_negative"),
        ]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def __str__(self) -> str:
        return f"{self.stream.code} {self.financial_year}"


class StatedTotal(KeyedPart):
    """A total as written in a source paper, kept to reconcile against the contribution lines."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="stated_totals")
    year = models.PositiveSmallIntegerField(help_text="Financial year by its first calendar year")
    amount_pence = models.BigIntegerField(help_text="The total as stated, in pence")
    to_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a total over several years: the last financial year it covers"
    )
    relation = models.CharField(
        max_length=8,
        choices=words.STATED_TOTAL_RELATIONS,
        default="exact",
        help_text="How the contributions should compare with the stated total",
    )

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="stated_total_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="stated_total_position")]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    @property
    def last_financial_year(self) -> FinancialYear:
        return FinancialYear(self.to_year if self.to_year is not None else self.year)

    @property
    def years(self) -> str:
        """ "2004-05", or "2004-05 to 2010-11" for a total over several years."""
        if self.to_year is None:
            return str(self.financial_year)
        return f"{self.financial_year} to {self.last_financial_year}"

    def __str__(self) -> str:
        return f"Stated total {self.years}"


class Provider(PartnershipPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="providers")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=NAME)
    tiers = models.JSONField(default=list, help_text="Models of Care tiers 1-4 the provider works in")
    # What commissioning needs to know of a provider (all optional in the file; blank/empty when not said).
    sector = models.CharField(max_length=16, choices=words.PROVIDER_SECTORS, blank=True)
    org_code = models.CharField(max_length=ORG_CODE, blank=True, help_text="NHS ODS code, where one exists")
    client_groups = models.JSONField(
        default=list, blank=True, help_text="Codes of the client groups served (adults, young-people)"
    )
    min_age = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Youngest age served")
    max_age = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Oldest age served")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many people the provider can treat at once"
    )
    single_point_of_referral = models.BooleanField(
        default=False, help_text="All referrals come via this provider (at most one in a partnership)"
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "code"], name="provider_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Modality(PartnershipPart):
    """A modality the partnership adds to the eight built-in ones."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="modalities")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=NAME)
    tier = models.PositiveSmallIntegerField()
    structured = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "modalities"
        constraints = [models.UniqueConstraint(fields=["partnership", "code"], name="modality_code_unique")]

    def __str__(self) -> str:
        return self.name


class Statement(KeyedPart):
    """One line of a list in the agreement's own words, kept in the file's order."""

    text = models.TextField()
    unknown_keys = None  # type: ignore[assignment]  # plain text in the file: no keys of its own

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text[:80]


class Aim(Statement):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="aims")

    class Meta(Statement.Meta):
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="aim_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="aim_position")]


class Outcome(Statement):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="outcomes")

    class Meta(Statement.Meta):
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="outcome_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="outcome_position")]


class Milestone(KeyedPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="milestones")
    text = models.TextField()
    due = models.DateField(null=True, blank=True, help_text="None: no date set (never overdue)")
    due_precision = precision_of("due date")
    status = models.CharField(max_length=16, choices=words.MILESTONE_STATUSES, default="open")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="milestone_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="milestone_position")]

    def __str__(self) -> str:
        return self.text[:80]


class GovernanceItem(PartnershipPart):
    """One of the ten points of notification form item 13, with its evidence and sign-off."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="governance_items")
    item = models.CharField(max_length=32, choices=words.GOVERNANCE_ITEMS)
    status = models.CharField(max_length=16, choices=words.GOVERNANCE_STATUSES, default="open")
    evidence = models.TextField(blank=True)
    signed_off_by = models.CharField(max_length=NAME, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_on_precision = precision_of("sign-off date")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "item"], name="governance_item_unique")]

    def __str__(self) -> str:
        return self.get_item_display()


class Approval(KeyedPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="approvals")
    body = models.CharField(max_length=LONG)
    date = models.DateField(null=True, blank=True, help_text="May be None only for a requested approval")
    date_precision = precision_of("date")
    state = models.CharField(
        max_length=16,
        choices=words.APPROVAL_STATES,
        blank=True,
        help_text="requested, approved, endorsed, refused or deferred; blank: a decision in words only",
    )
    decision = models.CharField(max_length=LONG, blank=True)
    reference = models.CharField(max_length=LONG, blank=True, help_text="For example, forward plan ref E645")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="approval_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="approval_position")]

    def __str__(self) -> str:
        when = self.partial_date("date")
        return f"{self.body}, {when.as_written}" if when else self.body


class ConsultationEntry(KeyedPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="consultation")
    who = models.CharField(max_length=32, choices=words.CONSULTEE_GROUPS)
    how = models.TextField()
    date = models.DateField(null=True, blank=True)
    date_precision = precision_of("date")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="consultation_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="consultation_position")]
        verbose_name_plural = "consultation entries"

    def __str__(self) -> str:
        return f"{self.get_who_display()}: {self.how[:60]}"


class BoardMember(KeyedPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board")
    name = models.CharField(max_length=NAME)
    role = models.CharField(max_length=NAME, blank=True)
    kind = models.CharField(max_length=32, choices=words.BOARD_MEMBER_KINDS, default="officer")
    represents = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="board_member_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="board_member_position")]

    def __str__(self) -> str:
        return self.name


class OptionsAppraisal(KeyedPart):
    """Options, weighted criteria and scores; the ranking is computed (rules.appraisal), never stored."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="options_appraisals")
    title = models.CharField(max_length=LONG)
    question = models.TextField(blank=True)
    criteria = models.JSONField(default=list, help_text="[{name, weight}]")
    options = models.JSONField(
        default=list, help_text="[{code, name, description, scores: {criterion: score}}]"
    )
    preferred = models.CharField(max_length=OPTION_CODE, blank=True)
    reasons = models.JSONField(default=list)
    decision = models.JSONField(default=dict, blank=True, help_text="{body, date, text}")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="appraisal_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="appraisal_position")]

    def __str__(self) -> str:
        return self.title


class Risk(KeyedPart):
    """One risk of the register: likelihood and impact are each scored 1 (low) to 5 (high)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField()
    cause = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(help_text="1 (rare) to 5 (almost certain)")
    impact = models.PositiveSmallIntegerField(help_text="1 (negligible) to 5 (severe)")
    owner = models.CharField(max_length=NAME, blank=True)
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=words.RISK_STATUSES, default="open")
    review_date = models.DateField(null=True, blank=True)
    review_date_precision = precision_of("review date")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="risk_key_unique"),
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scores_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "position"], name="risk_position")]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    def __str__(self) -> str:
        return self.description[:80]


class Signatory(KeyedPart):
    """Who signed the agreement, for which partner (none: for the partnership as a whole), and when."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="signatories")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=NAME)
    role = models.CharField(
        max_length=NAME, blank=True, help_text="Their title, as the signature block prints it"
    )
    date = models.DateField(null=True, blank=True)
    date_precision = precision_of("date signed")

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "signatories"
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="signatory_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="signatory_position")]

    def __str__(self) -> str:
        return self.name


class RetiredKey(models.Model):
    """A key that named an entry since removed: it is never given to another entry (keys.new_key), and a
    second submission of the form that made it finds it here and changes nothing."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    collection = models.CharField(max_length=40)
    key = models.CharField(max_length=KEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "collection", "key"], name="retired_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.collection} {self.key}"


class Membership(models.Model):
    """A user's role in one partnership; provider roles act for one provider."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representatives",
        help_text="For a partner representative: the partner they speak for (their share in the pool)",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(partner__isnull=True) | models.Q(role=Role.PARTNER_REPRESENTATIVE),
                name="membership_partner_for_representatives",
            ),
            models.CheckConstraint(  # sorted: a set's order changes between processes, and so would migrations
                condition=(
                    models.Q(role__in=sorted(PROVIDER_ROLES), provider__isnull=False)
                    | (~models.Q(role__in=sorted(PROVIDER_ROLES)) & models.Q(provider__isnull=True))
                ),
                name="membership_provider_matches_role",
            ),
        ]

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


# What a document is, as the papers call them.
DOCUMENT_KINDS = {
    "signed-agreement": "Signed agreement",
    "appendix": "Appendix",
    "board-paper": "Board paper",
    "other": "Other document",
}


def _document_storage_name(document: Document, filename: str) -> str:
    """Where the file is kept: named by the partnership and the document's key, never by what the uploader
    called it (`filename` is ignored beyond its checked extension)."""
    return f"partnerships/{document.partnership_id}/documents/{document.key}.{document.extension}"


class Document(PartnershipPart):
    """A paper of the partnership, uploaded: the signed agreement, an appendix, a board paper. Attached to
    the partnership as a whole, or as evidence to one entry of the agreement (`attached_collection` and
    `attached_key`: an approval, a governance item ...). The file is in Django's default storage; what it
    is (`content_type`) was read from its bytes, never from its name."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    key = models.CharField(max_length=KEY, help_text="Stable identifier; never changes, never reused")
    title = models.CharField(max_length=LONG)
    kind = models.CharField(max_length=32, choices=DOCUMENT_KINDS, default="other")
    reference = models.CharField(
        max_length=LONG, blank=True, help_text="The paper's own reference, e.g. forward plan ref E645"
    )
    attached_collection = models.CharField(
        max_length=40, blank=True, help_text="The agreement's list the entry it is evidence for is in"
    )
    attached_key = models.CharField(max_length=KEY, blank=True, help_text="That entry's key")
    file = models.FileField(upload_to=_document_storage_name, max_length=255)
    original_name = models.CharField(max_length=255, help_text="The uploaded file's name, made safe")
    content_type = models.CharField(max_length=100, help_text="The type its contents show")
    size = models.PositiveBigIntegerField(help_text="Bytes")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150, help_text="Name of who uploaded it")
    uploaded_at = models.DateTimeField()
    unknown_keys = None  # type: ignore[assignment]  # not an entry of the partnership file

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="document_key_unique")]
        indexes = [
            models.Index(
                fields=["partnership", "attached_collection", "attached_key"], name="document_attached"
            )
        ]

    @property
    def extension(self) -> str:
        return self.original_name.rpartition(".")[2].lower()

    def __str__(self) -> str:
        return self.title
