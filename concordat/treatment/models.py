"""The shared treatment record: who is in treatment, at which provider, for what (treatment-data.md).

Tables, each row carrying its `partnership` and `provider` (so the tables can be distributed by partnership,
e.g. Citus, and every query of a partnership or a provider is one index range):

- `ClientKeySecret`: one per partnership, the secret of the pseudonymous client key. Made when the
  partnership is created (signals.py), or on first use for partnerships older than this app. Never shown
  in pages, URLs, logs, the audit trail or `repr`.
- `Client`: a person as one provider knows them: the provider's own `client_ref` (unique per provider) and
  the four values that identify them (`initials`, `date_of_birth`, `sex`, `la_of_residence`), with the
  `client_key` = HMAC-SHA256(secret, "initials|date_of_birth|sex|la_of_residence"), hex. The same person at
  two providers is two Client rows with one key. Identifying columns are read only where a page must show
  them to someone allowed to see them (least privilege); counting and the KPIs use `client_key`.
- `Episode`: one treatment episode (`episode_ref`, unique per provider) of one Client: referral date and
  source, primary substance, triage date, discharge date and reason. It repeats the client's `client_key`,
  `sex` and the `age_at_referral` so that the KPI engine reads episodes and modalities alone — one query per
  partnership, no identifying column (`extract.py`).
- `EpisodeModality`: one modality (intervention) of an episode: the modality code (one of the eight of the
  spec or the partnership's own `partnerships.Modality`), referral, start and end dates. An episode waiting
  for triage has none.
- `Submission`: every submission file, accepted or rejected (append-only): provider, who, when, through
  what (command line, web, API), `period_end`, the file's name, size and SHA-256, rows, outcome, counts,
  and the report (errors and warnings, row/column/code/message; no value that identifies a person).

Foreign keys of Client, Episode and EpisodeModality are not database constraints (`db_constraint=False`):
a submission writes and deletes a million rows at a time, and a constraint is a check per row on each
side; the import writes the three tables together from one checked file, in one transaction, and Django
cascades deletions of a partnership or provider as before. (Distributing by partnership, Citus wants
foreign keys that include the distribution column anyway.)

An accepted submission replaces all of that provider's Client, Episode and EpisodeModality rows (ids are
new each time: records are addressed by (provider, client_ref) and (provider, episode_ref), which stay);
the rows point at the Submission that wrote them (`submission`, null for rows entered through the pages).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from concordat.partnerships.models import Partnership, Provider

REF = 32  # client_ref and episode_ref: 1-32 of [A-Za-z0-9_-]


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    ANOTHER = "X", "Another term"
    NOT_STATED = "U", "Not stated"


class ReferralSource(models.TextChoices):
    SELF = "self", "Self"
    GP = "gp", "GP"
    CRIMINAL_JUSTICE = "criminal-justice", "Criminal justice"
    HOSPITAL = "hospital", "Hospital"
    SOCIAL_CARE = "social-care", "Social care"
    OTHER_TREATMENT_PROVIDER = "other-treatment-provider", "Another treatment provider"
    FAMILY = "family", "Family"
    OTHER = "other", "Other"


class Substance(models.TextChoices):
    OPIATES = "opiates", "Opiates"
    CRACK = "crack", "Crack"
    COCAINE = "cocaine", "Cocaine"
    CANNABIS = "cannabis", "Cannabis"
    AMPHETAMINES = "amphetamines", "Amphetamines"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    ALCOHOL = "alcohol", "Alcohol"
    NEW_PSYCHOACTIVE = "new-psychoactive", "New psychoactive substances"
    OTHER = "other", "Other"


class DischargeReason(models.TextChoices):
    COMPLETED_DRUG_FREE = "completed-drug-free", "Completed: drug free"
    COMPLETED_ALCOHOL_FREE = "completed-alcohol-free", "Completed: alcohol free"
    COMPLETED_OCCASIONAL_USER = "completed-occasional-user", "Completed: occasional user"
    TRANSFERRED = "transferred", "Transferred"
    DROPPED_OUT = "dropped-out", "Dropped out"
    WITHDRAWN_BY_PROVIDER = "withdrawn-by-provider", "Withdrawn by provider"
    DECLINED = "declined", "Declined"
    DIED = "died", "Died"
    OTHER = "other", "Other"


COMPLETED_REASONS = frozenset(
    {
        DischargeReason.COMPLETED_DRUG_FREE,
        DischargeReason.COMPLETED_ALCOHOL_FREE,
        DischargeReason.COMPLETED_OCCASIONAL_USER,
    }
)


class ClientKeySecret(models.Model):
    """The partnership's secret for client keys (32 random bytes, hex). Changing it would make every
    person a new person: it is made once and never changed."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=64, help_text="Never shown anywhere")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"client key secret of partnership {self.partnership_id}"

    def __repr__(self) -> str:  # never the secret, in a traceback or a log either
        return f"<ClientKeySecret partnership={self.partnership_id}>"


class Submission(models.Model):
    """One submission file of one provider, accepted or rejected: kept for the history and the report."""

    class Channel(models.TextChoices):
        COMMAND_LINE = "command-line", "Command line"
        WEB = "web", "Web upload"
        API = "api", "API"

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    class State(models.TextChoices):
        """Where the file is in its life: checked in a job, then (accepted) staged as a generation nobody
        reads, then the provider's record once someone replaces the record with it."""

        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        CHECKED = "checked", "Checked only"  # a dry run: nothing was written
        REJECTED = "rejected", "Rejected"
        STAGED = "staged", "Ready to replace the record"
        CURRENT = "current", "The provider's record"
        SUPERSEDED = "superseded", "Replaced"
        DISCARDED = "discarded", "Not used"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+", db_index=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+", db_index=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by_name = models.CharField(max_length=300, help_text="Who submitted it, as named then")
    submitted_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    period_end = models.DateField(help_text="The date the data is complete to (--period-end)")
    file_name = models.CharField(max_length=255, blank=True, help_text="The file's name, made safe")
    file_size = models.PositiveBigIntegerField(default=0, help_text="Bytes")
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0, help_text="Data rows in the file (the header not counted)")
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, blank=True, help_text="Empty until checked"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    dry_run = models.BooleanField(default=False, help_text="Checked only: never to replace the record")
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error_counts = models.JSONField(default=dict, blank=True, help_text='{"column|code": n} for every error')
    warning_counts = models.JSONField(
        default=dict, blank=True, help_text='{"column|code": n} for every warning'
    )
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="What replacing the record with it changes: episodes added, changed, removed (and of "
        "those, entered or edited on the web), against the record as it was when it was checked",
    )
    recorded_at = models.DateTimeField(null=True, blank=True, help_text="When it became the record")
    superseded_at = models.DateTimeField(null=True, blank=True, help_text="When it stopped being the record")
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    clients = models.PositiveIntegerField(default=0, help_text="Clients written (accepted only)")
    episodes = models.PositiveIntegerField(default=0, help_text="Episodes written (accepted only)")
    modalities = models.PositiveIntegerField(default=0, help_text="Modality rows written (accepted only)")
    report = models.JSONField(
        default=dict,
        blank=True,
        help_text='{"errors": [...], "warnings": [...], "truncated": bool}: row, column, code, message each',
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "provider", "-submitted_at"], name="submission_history"),
        ]

    @property
    def accepted(self) -> bool:
        return self.outcome == self.Outcome.ACCEPTED

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.CHECKING)

    def __str__(self) -> str:
        return f"submission {self.pk} of {self.period_end.isoformat()}"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}


class Generation(models.Model):
    """One version of one provider's record: the rows one accepted submission wrote (and what key workers
    changed on the web while it was the record), or a record begun on the web.

    Every provider has at most one current generation, and everyone reads only current generations (the
    default manager of Client, Episode and EpisodeModality). A submission's rows are written, in short
    chunks, under a new generation nobody reads; replacing the record is then one short transaction that
    makes it current and its predecessor superseded. So no import holds a lock for long, a reader never sees
    half a submission, and a worker killed half-way leaves the record exactly as it was. A superseded
    generation's rows are kept TREATMENT_RESTORE_DAYS (the submission can be restored), then removed in
    chunks by the worker's housekeeping."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+", db_index=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+", db_index=False)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    current = models.BooleanField(default=False)
    changes = models.PositiveIntegerField(default=0, help_text="Changes made on the web while current")
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True, help_text="When its rows were deleted")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider"], condition=models.Q(current=True), name="one_current_generation"
            )
        ]
        indexes = [models.Index(fields=["partnership", "provider"], name="generation_provider")]

    def __str__(self) -> str:
        return f"generation {self.pk} of provider {self.provider_id}"


class CurrentQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def of_provider(self, provider_id: int) -> models.QuerySet:  # type: ignore[type-arg]
        """One provider's rows, found through its current generation's id: a look-up by reference then
        reads the (generation, reference) unique index, not every row of the partnership (a join on
        `current` does, whatever the provider)."""
        current = Generation.objects.filter(provider_id=provider_id, current=True).values("pk")[:1]
        return self.filter(provider_id=provider_id, generation_id=models.Subquery(current))


class CurrentRows(models.Manager.from_queryset(CurrentQuerySet)):  # type: ignore[misc]
    """The record as everyone reads it: only the rows of each provider's current generation."""

    def get_queryset(self) -> models.QuerySet:  # type: ignore[type-arg]
        return super().get_queryset().filter(generation__current=True)


def _generation() -> models.ForeignKey:  # type: ignore[type-arg]
    # Not a database constraint (as the other keys of these tables): a submission writes a million rows.
    return models.ForeignKey(
        Generation, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )


class Client(models.Model):
    """A person as one provider records them. Identifying: initials, date_of_birth, sex, la_of_residence
    and client_ref. The KPIs and every count use `client_key` only."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    submission = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    generation = _generation()
    client_ref = models.CharField(max_length=REF, help_text="The provider's own client id")
    client_key = models.CharField(
        max_length=64, help_text="HMAC-SHA256 of initials|date_of_birth|sex|la_of_residence, hex"
    )
    initials = models.CharField(max_length=2, help_text="Upper case")
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    la_of_residence = models.CharField(max_length=9, help_text="ONS GSS code")

    objects = CurrentRows()
    every_generation = models.Manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "client_ref"], name="client_ref_unique_in_generation"
            )
        ]
        # No index on client_key here: the same person is found through Episode's (partnership,
        # client_key), and every index of this table is paid for on each row a submission writes.

    def __str__(self) -> str:  # never who they are: this is what logs and the audit trail would print
        return f"client {self.pk}"

    def __repr__(self) -> str:
        return f"<Client {self.pk}>"


class Episode(models.Model):
    """One treatment episode of one client at one provider."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    submission = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    generation = _generation()
    # Indexed on its own: a client's episodes.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="episodes", db_constraint=False)
    episode_ref = models.CharField(max_length=REF, help_text="The provider's own episode id")
    # Repeated from the client so the KPI engine reads no identifying column and joins nothing.
    client_key = models.CharField(max_length=64)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    age_at_referral = models.PositiveSmallIntegerField()
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=32, choices=ReferralSource.choices)
    primary_substance = models.CharField(max_length=32, choices=Substance.choices)
    triage_date = models.DateField(null=True, blank=True)
    discharge_date = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=32, choices=DischargeReason.choices, blank=True)
    # A submitted episode a key worker changed on the web (one entered on the web has no submission):
    # replacing the record with a file that drops or changes it is then said before it is done.
    changed_on_web = models.BooleanField(default=False, db_default=False)

    objects = CurrentRows()
    every_generation = models.Manager()

    class Meta:
        ordering = ["referral_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "episode_ref"], name="episode_ref_unique_in_generation"
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "client_key"], name="episode_client_key"),
        ]

    def __str__(self) -> str:
        return f"episode {self.pk}"

    def __repr__(self) -> str:
        return f"<Episode {self.pk}>"


class EpisodeModality(models.Model):
    """One modality of an episode: referred to it, started (empty: still waiting), ended."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    submission = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    generation = _generation()
    # Indexed on its own: an episode's modalities (and the KPI extract's join).
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="modalities", db_constraint=False
    )
    modality = models.CharField(max_length=40, help_text="A built-in modality code or the partnership's own")
    referral_date = models.DateField()
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = CurrentRows()
    every_generation = models.Manager()

    class Meta:
        ordering = ["referral_date", "id"]
        verbose_name_plural = "episode modalities"
        # A generation's modalities: the record's reads and the removal of a superseded generation.
        indexes = [models.Index(fields=["generation"], name="episode_modality_generation")]

    def __str__(self) -> str:
        return f"{self.modality} of episode {self.episode_id}"


# Consent, handles, the access log and API tokens (sharing.py), imported so Django finds them.
from .sharing import AccessEntry, ApiToken, ClientHandle, Consent, WebEntry  # noqa: E402, F401
