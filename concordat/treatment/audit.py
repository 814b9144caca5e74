"""The treatment record and the audit trail: deliberately no row-change entries.

django-auditlog would copy every changed field of a Client or Episode row — initials, date of birth,
client_ref — into the trail, which auditors and lead commissioners read and export: the trail would become
a second, less protected copy of the record. So none of the record's models is registered with auditlog
(sharing_audit.py registers only Consent and ApiToken, which hold no identifying column: a consent names
its record by handle, a token by prefix, never its digest).
What is on the trail instead:
- each submission (accepted or rejected) as one business event, kind "treatment-submission", with counts
  only (services.submission_import);
- each read of a client's record in the access log of its own (access.py, sharing.AccessEntry), not in the
  trail; consents given and withdrawn, API tokens made and revoked, and key workers' steps as events naming
  the record by handle.
The Submission rows themselves are the history of what was submitted, by whom and when.
"""

from concordat.core.models import Kind

EVENT_KIND = Kind.TREATMENT_SUBMISSION
