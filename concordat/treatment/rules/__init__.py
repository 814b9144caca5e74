"""The submission file's rules (treatment-data.md), as pure functions: no database, no Django.

- columns.py: the columns and their vocabularies;
- fields.py: each value on its own (formats, choices, required and paired values);
- dates.py: the dates of one row against each other, the period end and the age at referral;
- consistency.py: across rows (the same client_ref is the same person, an episode is one client's, with one
  discharge and the same episode values on every row);
- warnings.py: what is reported but not refused (eligibility, long waits, open episodes at two providers).

Every problem is a csvfile.RowProblem at the row (the header is row 1) and column where it breaks, with a
stable code. Messages never quote a value that identifies a person (client_ref, initials, date of birth, a
date, the local authority); values of the vocabularies (a modality, a referral source) may be quoted.
"""
