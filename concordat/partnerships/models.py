"""The partnership agreement: what the partnership file holds, as tables.

Money is pence (int); financial years are stored as their starting calendar year (2003 for "2003-04")
and read as `FinancialYear` values; days are dates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from concordat.core.roles import PROVIDER_ROLES, Role
from concordat.core.years import FinancialYear

from .rules import vocabulary as words
from .rules.limits import ADDRESS, KEY, LONG, NAME, OPTION_CODE  # the checker refuses longer text


class Partnership(models.Model):
    slug = models.SlugField(max_length=63, unique=True)
    name = models.CharField(max_length=NAME)
    client_group = models.CharField(max_length=32, choices=words.CLIENT_GROUPS)
    area = models.JSONField(default=list, help_text="ONS GSS codes of the local authority areas served")
    flexibilities = models.JSONField(default=list)
    agreement_date = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    responsible_officer = models.CharField(max_length=LONG, blank=True)
    host_partner = models.ForeignKey(
        "Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_commissioner = models.ForeignKey(
        "Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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


class PartnershipPart(models.Model):
    """Something that belongs to one partnership; its audit entries are filed under that partnership.

    `changed_at` and `changed_by` say who last changed the row, for the message a stale edit gets."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.CharField(max_length=150, blank=True)

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
    source = models.CharField(max_length=LONG, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="stated_total_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="stated_total_position")]

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def __str__(self) -> str:
        return f"Stated total {self.financial_year}"


class Provider(PartnershipPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="providers")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=NAME)
    tiers = models.JSONField(default=list, help_text="Models of Care tiers 1-4 the provider works in")

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
    due = models.DateField()
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

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "item"], name="governance_item_unique")]

    def __str__(self) -> str:
        return self.get_item_display()


class Approval(KeyedPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="approvals")
    body = models.CharField(max_length=LONG)
    date = models.DateField()
    decision = models.CharField(max_length=LONG)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="approval_key_unique")]
        indexes = [models.Index(fields=["partnership", "position"], name="approval_position")]

    def __str__(self) -> str:
        return f"{self.body}, {self.date:%d %B %Y}"


class ConsultationEntry(KeyedPart):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="consultation")
    who = models.CharField(max_length=32, choices=words.CONSULTEE_GROUPS)
    how = models.TextField()
    date = models.DateField(null=True, blank=True)
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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership", "role"], name="membership_unique"),
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
