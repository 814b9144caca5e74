"""The audit entry: django-auditlog's log entry (AUDITLOG_LOGENTRY_MODEL) with what people read it by.

Beside auditlog's columns an entry keeps, as written at the time:
- `partnership`: the slug of the partnership whose trail it is on (indexed with the time: the trail's query);
  a slug, not a foreign key, so that core imports no app and an entry outlives what it describes.
- `actor_name`: who did it, as people know them, so the entry still names them after their account is gone;
  "root (command line)" for a command run with no `--as`.
- `kind`: what happened: a row created, changed or deleted, a read, or a business event (signed in, role
  granted, notification form downloaded, file loaded...).
- `summary`: what happened in plain English, without the actor ("changed the planned contribution of ...");
  `sentence` puts the two together.
- `details`: each changed field as people read it: [label, before, after].
"""

from __future__ import annotations

import uuid
from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    READ = "read", "Read"
    SIGNED_IN = "signed-in", "Signed in"
    SIGNED_OUT = "signed-out", "Signed out"
    SIGN_IN_FAILED = "sign-in-failed", "Failed sign-in"
    PASSWORD_CHANGED = "password-changed", "Password changed"
    ROLE_GRANTED = "role-granted", "Role granted"
    ROLE_CHANGED = "role-changed", "Role changed"
    ROLE_REMOVED = "role-removed", "Role removed"
    FORM_DOWNLOADED = "form-downloaded", "Form downloaded"
    FILE_EXPORTED = "file-exported", "File exported"
    FILE_LOADED = "file-loaded", "File loaded"
    TRAIL_EXPORTED = "trail-exported", "Audit trail exported"
    DOCUMENT_UPLOADED = "document-uploaded", "Document uploaded"
    DOCUMENT_DOWNLOADED = "document-downloaded", "Document downloaded"
    DOCUMENT_REMOVED = "document-removed", "Document removed"
    # The apps' business events, named here so the trail can label and filter them (core imports no app).
    POOL_POSTED = "pool-posted", "Posted to the pool"
    POOL_IMPORTED = "pool-imported", "Pool transactions imported"
    POOL_YEAR_CLOSED = "pool-year-closed", "Pool year closed"
    POOL_COMMITMENTS = "pool-commitments", "Pool commitments changed"
    TREATMENT_SUBMISSION = "treatment-submission", "Treatment data submitted"
    TREATMENT_CASEWORK = "treatment-casework", "Client record entry"
    TREATMENT_CONSENT = "treatment-consent", "Consent recorded"
    TREATMENT_API_TOKEN = "treatment-api-token", "Provider API token"
    TREATMENT_ACCESS_LOG_EXPORT = "treatment-access-log-export", "Access log exported"


# Events about someone's account rather than a partnership's records.
ACCOUNT_KINDS = frozenset({Kind.SIGNED_IN, Kind.SIGNED_OUT, Kind.SIGN_IN_FAILED, Kind.PASSWORD_CHANGED})


class AuditEntryManager(LogEntryManager):
    def log_create(self, instance: Any, force_log: bool = False, **kwargs: Any) -> Any:
        """auditlog's entry for a row change, with its plain-English summary and readable details written
        at the same time (names of related records as they are now, before they can change or go)."""
        changes = kwargs.get("changes")
        if (changes is not None or force_log) and not kwargs.get("summary"):
            from .audit import describe_change  # audit imports this module

            kind, summary, details = describe_change(instance, kwargs.get("action", 0), changes or {})
            if changes and not details and kwargs.get("action") == AbstractLogEntry.Action.UPDATE:
                return None  # only bookkeeping (order, version) changed: nothing a person would call a change
            kwargs.update(kind=kind, summary=summary, details=details)
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(AbstractLogEntry):
    partnership = models.CharField(
        max_length=63, blank=True, help_text="Slug of the partnership whose trail this entry is on"
    )
    actor_name = models.CharField(
        max_length=300, blank=True, help_text="Who did it, as named when it was done"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, blank=True)
    summary = models.TextField(blank=True, help_text="What happened, in plain English, without the actor")
    details = models.JSONField(default=list, blank=True, help_text="[[field, before, after], ...]")

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["partnership", "-timestamp"], name="audit_partnership_time"),
            models.Index(fields=["partnership", "kind", "-timestamp"], name="audit_partnership_kind_time"),
        ]

    @property
    def sentence(self) -> str:
        return f"{self.actor_name} {self.summary}".strip()

    def _save_table(self, *args: Any, **kwargs: Any) -> Any:
        # Filled here, after the pre_save signal, because that is where django-auditlog's context (the
        # request's user, `acting_as`) sets the actor: the name is taken from the actor finally chosen.
        if self._state.adding:
            from .audit import complete_entry  # audit imports this module

            complete_entry(self)
        return super()._save_table(*args, **kwargs)


class Job(models.Model):
    """A piece of background work (an import, a check, the KPI recomputation) run by `concordat worker`
    through the Django tasks API (core/jobs.py). The row is the job as people see it: what it is, how far
    it has got, how it ended, in words; the tasks library's own row (`task_id`) is how the worker finds it.

    Like the audit entry it names its partnership by slug, so that core imports no app."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, help_text="What the job does (core.jobs.register)")
    partnership = models.CharField(max_length=63, blank=True, help_text="Slug of its partnership")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    arguments = models.JSONField(default=dict, blank=True, help_text="What the job's kind needs to run it")
    stored_file = models.CharField(
        max_length=100, blank=True, help_text="Its uploaded file in the private folder; empty once deleted"
    )
    keep_file_until = models.DateTimeField(null=True, blank=True)
    done = models.PositiveBigIntegerField(default=0, help_text="How far it has got, in `unit`")
    total = models.PositiveBigIntegerField(default=0)
    unit = models.CharField(max_length=16, blank=True, help_text="bytes, rows, periods")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life while running")
    worker = models.CharField(max_length=64, blank=True, help_text="The worker running it")
    task_id = models.CharField(max_length=64, blank=True, help_text="The tasks library's result id")
    message = models.TextField(blank=True, help_text="How it ended, for the person who started it")
    result = models.JSONField(default=dict, blank=True, help_text="A small summary its kind writes")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state"], name="job_state"),
            models.Index(fields=["partnership", "kind", "-created_at"], name="job_partnership_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        """How far, 0-100: what a progress bar shows."""
        if self.state == self.State.DONE:
            return 100
        return min(100, 100 * self.done // self.total) if self.total else 0


class WorkerBeat(models.Model):
    """A running `concordat worker`: its sign of life every few seconds. A job whose worker stopped
    beating (killed, its machine gone) is failed by the next worker to start, and /readyz (later) reads
    whether any worker is alive."""

    worker = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker} ({self.host}:{self.pid})"
