"""The treatment record and the audit trail: deliberately no row-change entries.

django-auditlog would copy every changed field of a Client or Episode row — initials, date of birth,
client_ref — into the trail, which auditors and lead commissioners read and export: the trail would become
a second, less protected copy of the record. So none of this app's models is registered with auditlog.
What is on the trail instead:
- each submission (accepted or rejected) as one business event, kind "treatment-submission", with counts
  only (services.submission_import);
- (next) each read of a client's record in the access log of its own, not in the trail.
The Submission rows themselves are the history of what was submitted, by whom and when.
"""

EVENT_KIND = "treatment-submission"
