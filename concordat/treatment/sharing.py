"""Who may read the treatment record, who did, and how provider systems sign in: the tables.

- `ClientHandle`: the opaque address of a client record. One random handle per (partnership, provider,
  client_ref), kept in its own table, so it outlives the Client rows an accepted submission replaces (their
  ids change) and says nothing about the person: URLs, the access log and the API name records by it, never
  by id or client_ref. Made when a list first shows the record or it is entered (handles.handles_of).
- `Consent`: a client's consent to share their record with a named provider of the partnership: when it was
  given, its scope, and when it was withdrawn. Append-only in spirit: withdrawing sets `withdrawn_on`, the
  row stays, and a consent given again is a new row.
- `AccessEntry`: the access log. One row per read of a client record on any path (page, API, export): who,
  when, which record (the handle and its provider), what was read, and the reason where one was asked. Its
  own indexed table, apart from the audit trail of row changes, so that it can be filtered and pruned.
- `ApiToken`: a provider system's credential. Only the SHA-256 of the token is kept (with a visible
  prefix to tell tokens apart); scoped to one provider of one partnership; revoked, never deleted.
- `WebEntry`: the one-time tokens of the key workers' forms already saved: a form submitted twice finds its
  token here and adds nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from concordat.partnerships.models import Partnership, Provider

HANDLE = 16  # characters of a handle: 80 random bits in an unambiguous alphabet


class ClientHandle(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+", db_index=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+", db_index=False)
    client_ref = models.CharField(max_length=32, help_text="The provider's own client id (never shown by it)")
    handle = models.CharField(max_length=HANDLE, unique=True, help_text="Random: what URLs and logs name")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "provider", "client_ref"], name="client_handle_unique"
            )
        ]

    def __str__(self) -> str:  # the handle only: this is what logs and the audit trail print
        return f"client record {self.handle}"

    def __repr__(self) -> str:
        return f"<ClientHandle {self.handle}>"


class Consent(models.Model):
    class Scope(models.TextChoices):
        RECORD = "record", "Their treatment record: episodes, modalities and discharges"
        REFERRAL = "referral", "Their referrals only: episodes without modalities"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+", db_index=False)
    client = models.ForeignKey(ClientHandle, on_delete=models.CASCADE, related_name="consents")
    shared_with = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.RECORD)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            # One consent in force per client and provider; withdrawn ones stay beside it.
            models.UniqueConstraint(
                fields=["client", "shared_with"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="consent_in_force_unique",
            )
        ]

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None

    def __str__(self) -> str:
        return f"consent {self.pk} of {self.client}"

    def get_additional_data(self) -> dict[str, str]:  # files the audit entry under its partnership
        return {"partnership": self.partnership.slug}


class AccessEntry(models.Model):
    class Channel(models.TextChoices):
        PAGE = "page", "Page"
        API = "api", "API"
        EXPORT = "export", "Export"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=300, help_text="Who read it, as named then (or the API token)")
    at = models.DateTimeField()
    handle = models.CharField(max_length=HANDLE, help_text="The record read (ClientHandle.handle)")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    what = models.CharField(max_length=100, help_text="The page, API operation or export")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access entries"
        indexes = [
            models.Index(fields=["partnership", "-at"], name="access_by_date"),
            models.Index(fields=["partnership", "handle", "-at"], name="access_by_record"),
            models.Index(fields=["partnership", "user", "-at"], name="access_by_person"),
            models.Index(fields=["at"], name="access_prune"),
        ]

    def __str__(self) -> str:
        return f"access {self.pk} to {self.handle}"


class ApiToken(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+", db_index=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+", db_index=False)
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the system that uses it")
    prefix = models.CharField(max_length=16, help_text="The token's first characters, to tell tokens apart")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex")
    # The one-time key of the form that made it: a second submission of the same form, even at the same
    # moment, makes no second token (whose secret would be shown to no one).
    form_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partnership", "provider"], name="api_token_provider")]

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __str__(self) -> str:
        return f"API token {self.prefix}… ({self.name})"

    def __repr__(self) -> str:  # never the digest
        return f"<ApiToken {self.pk} {self.prefix}>"

    def get_additional_data(self) -> dict[str, str]:
        return {"partnership": self.partnership.slug}


class WebEntry(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=32)
    handle = models.CharField(max_length=HANDLE)
    saved_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} of {self.handle}"
